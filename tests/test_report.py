"""The strategy-gap report and the analyze/gaps commands."""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURE_YAML
from photonics_kg.graph import report as rp

SECTIONS = ("summary", "coverage", "network", "brokers", "spof", "sponsors", "gaps", "recs", "method")


@pytest.fixture(scope="module")
def fixture_reports(fixture_store):
    return {lang: rp.build_report(fixture_store, lang=lang, progress=False) for lang in ("fr", "en")}


def test_html_report_has_every_section_and_stands_alone(fixture_reports):
    page = rp.render_html(fixture_reports["fr"])
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in page
    assert not re.search(r'\b(src|href)\s*=\s*"(https?:)?//[^"]*\.(js|css|png|svg)', page)
    assert not re.search(r'<(script|link|iframe)\b', page)
    assert not re.search(r'\bsrc\s*=\s*"https?://', page)
    assert page.count('src="data:image/png;base64,') == 2           # heat map and network figure
    assert '<html lang="fr">' in page and "Synthèse" in page and "Lacunes" in page


def test_report_content_on_the_fixture(fixture_reports):
    r = fixture_reports["fr"]
    page = rp.render_html(r)
    # the gaps worked out by hand in test_gaps, with their query and evidence
    assert r.gap_count == 13
    for text in ("ALPHA-RLH", "gap-cluster-research-partners.rq", "gap-domain-training.rq", "Énergie Eclairage Affichage",
                 "Un protocole d’accord a tout d’abord été signé en 2010", "DEFI Photonique programme description",
                 "Amplitude Systèmes"):
        assert text in page or text.replace("’", "&#x27;") in page, text
    # brokers and sponsors
    assert r.data["structure"]["brokers"][0]["label"] == "DEFI Photonique"
    assert "16.7%" in page                                   # 2 of 12 ties touch Sagem or Thales
    # recommendations and their evaluation, stated in the text
    assert "Edit Laser — Laboratoire national d’optoélectronique de Wuhan" in page.replace("&#x27;", "’")
    assert r.data["evaluation"]["eligible"] == 1 and "hasard" in page
    # every query named in the method table is a file of the library
    from photonics_kg.queries.library import get

    for name in re.findall(r"queries/select/([\w-]+)\.rq", page):
        assert get(name).summary


def test_english_report(fixture_reports):
    page = rp.render_html(fixture_reports["en"])
    assert '<html lang="en">' in page and "Strategy-gap report".lower() in page.lower()
    assert "Summary" in page and "Synthèse" not in page and "Lacunes" not in page
    assert "Telecommunications" in page                      # English domain labels


def test_markdown_report(fixture_reports):
    md = rp.render_markdown(fixture_reports["fr"])
    assert md.startswith("# Écosystème photonique")
    assert "## Lacunes" in md and "| Lacune | Sujet |" in md and "gap-domain-lab-firm-links.rq" in md
    assert "](data:image/png;base64," in md


def test_year_changes_the_report(fixture_store):
    r = rp.build_report(fixture_store, year=2020, progress=False)
    labels = [g["label"] for g in r.data["gaps"] if g["kind"] == "sme-unreached"]
    assert sorted(labels) == ["Amplitude Systèmes", "Edit Laser"]


# -- command line --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from click.testing import CliRunner

    from photonics_kg.cli import main

    store = tmp_path_factory.mktemp("analysis") / "store"
    result = CliRunner().invoke(main, ["build", str(FIXTURE_YAML), "--store", str(store), "-q"])
    assert result.exit_code == 0, result.output
    return store


def test_analyze_text_and_json(cli, built):
    result = cli("analyze", "--store", built)
    assert result.exit_code == 0, result.output
    assert "14 actors, 12 ties" in result.output and "DEFI Photonique (programme)" in result.output
    assert "sponsors (Sagem, Thales)" in result.output
    data = json.loads(cli("analyze", "--store", built, "--format", "json", "--year", "2020").output)
    assert data["summary"]["nodes"] == 12 and data["year"] == 2020


def test_gaps_writes_the_report_and_exit_codes(cli, built, tmp_path):
    out = tmp_path / "report.html"
    result = cli("gaps", "--store", built, "--out", out, "-q")
    assert result.exit_code == 0, result.output
    assert "13 gaps" in result.output and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert cli("gaps", "--store", built, "--out", out, "--fail-on-gaps", "-q").exit_code == 1
    assert cli("gaps", "--store", built, "--out", out, "--fail-on-gaps", "--max-gaps", "13", "-q").exit_code == 0
    md = tmp_path / "report.md"
    assert cli("gaps", "--store", built, "--out", md, "--lang", "en", "--no-hypotheses", "-q").exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# Photonics ecosystem")


def test_bad_input_exits_2_without_traceback(cli, built, tmp_path):
    bad = cli("gaps", "--store", built, "--out", tmp_path / "r.html", "--lang", "de")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    missing = cli("analyze", "--store", tmp_path / "nowhere")
    assert missing.exit_code == 2 and missing.output.startswith("error:")
    assert cli("analyze", "--endpoint", "ftp://example.org/sparql").exit_code == 2


@pytest.mark.parametrize("command", ["analyze", "gaps"])
def test_help(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and "--store" in result.output and "--year" in result.output


# -- the bundled sample: the gaps a reader finds by hand -------------------------------------------
def _sample_by_hand():
    """Read the sample YAML files directly (no SPARQL) and list what a reader would flag."""
    import yaml

    from photonics_kg.config import sample_sources
    from photonics_kg.iri import entity_iri

    files = [p for p in sample_sources() if p.suffix in (".yaml", ".yml")]
    if not any(p.name != "regions.yaml" for p in files):
        pytest.skip("no bundled sample sources in this checkout (sample/*.yaml)")
    types, sme, ties, offers, domains = {}, set(), [], {}, {}
    tie_names = {"memberOf", "partnerOf", "sponsorOf", "ownerOf", "managerOf", "participatesIn", "acquired",
                 "subsidiaryOf", "founded"}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        iri = {}
        for e in data.get("entities") or []:
            node = str(entity_iri(e["type"], e["label"], {k: str(v) for k, v in (e.get("identifiers") or {}).items()}))
            iri[e["key"]] = node
            types.setdefault(node, e["type"])
            if e.get("sme") is True:
                sme.add(node)
        for f in data.get("facts") or []:
            s = iri.get(f["s"])
            if f["p"] in tie_names and f["o"] in iri:
                ties.append((s, iri[f["o"]]))
            elif f["p"] in ("activeIn", "priorityDomain") and f["o"] in iri:
                domains.setdefault(s, set()).add(iri[f["o"]])
            elif f["p"] == "offers" and any(w in str(f["o"]).lower() for w in ("formation", "training")):
                offers.setdefault(s, 0)
                offers[s] += 1
    linked = {}
    for a, b in ties:
        linked.setdefault(a, set()).add(b)
        linked.setdefault(b, set()).add(a)
    unreached = {s for s in sme if not any(types.get(o) in ("Cluster", "Programme") for o in linked.get(s, ()))}
    lonely_clusters = {c for c, t in types.items() if t == "Cluster"
                       and not any(types.get(o) in ("ResearchLab", "University") for o in linked.get(c, ()))}
    defi = {"https://w3id.org/photonics-kg/id/domain/" + d for d in (
        "telecoms", "sante-et-vivant", "energie-eclairage-affichage", "manufacturing-et-controle",
        "surveillance-securite-spatial", "materiaux-et-technologies-generiques")}
    trained = {d for owner in offers for d in domains.get(owner, ())}
    return {"sme-unreached": unreached, "cluster-without-research": lonely_clusters,
            "no-training": defi - trained}


@pytest.mark.slow
def test_sample_report_lists_the_gaps_found_by_hand(tmp_path):
    expected = _sample_by_hand()
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    store = KGStore()
    build(store, None, log=lambda m: None, progress=False)
    report = rp.build_report(store, progress=False)
    found = {}
    for g in report.data["gaps"]:
        found.setdefault(g["kind"], set()).add(g["subject"])
    for kind, subjects in expected.items():
        assert subjects <= found.get(kind, set()), (kind, subjects - found.get(kind, set()))
    page = rp.render_html(report)
    assert "données d'exemple" in page.replace("&#x27;", "'")     # the reader is warned it is sample data
