"""The sirene loader: every shared sample and API response loads; filters; Luhn checks; bad rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from photonics_kg.errors import ConfigError, SourceError
from photonics_kg.graph.build import SourceSpec, build
from photonics_kg.loaders.base import LoadReport, detect
from photonics_kg.loaders.sirene import (SireneFilter, SireneLoader, default_naf_codes, file_kind, luhn_siren,
                                         luhn_siret, normalise_naf, read_siren_list)
from photonics_kg.namespaces import ORG, PHOT, RDF
from photonics_kg.synthetic import write_stock_etablissement

from conftest import shared_path

ID = "https://w3id.org/photonics-kg/id/"
EVERYTHING = SireneFilter(naf=None, active_only=False)


def load(path: Path, filt: SireneFilter | None = None):
    report = LoadReport(str(path), "sirene")
    graphs = SireneLoader(filt).load(path, report, progress=False)
    assert len(graphs) == 1
    return graphs[0], report


def shared_sirene_files():
    folder = shared_path("data", "sirene")
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".csv", ".json"))
    assert len(files) >= 7
    return files


def test_every_shared_sample_and_api_response_loads():
    for path in shared_sirene_files():
        assert detect(path).name == "sirene", path
        graph, report = load(path, EVERYTHING)
        assert report.rows_read >= 1, path
        assert not report.rejected, (path, report.rejected)
        assert len(graph.graph) > 10, path


def test_stock_etablissement_2021_layout_all_rows():
    path = shared_path("data", "sirene", "StockEtablissement_first10_fds-developers.csv")
    graph, report = load(path, EVERYTHING)
    g = graph.graph
    assert report.rows_read == 9
    sites = set(g.subjects(RDF.type, ORG.Site))
    assert len(sites) == 9
    assert URIRef(ID + "siret/00032517500065") in sites
    unit = URIRef(ID + "siren/000325175")
    assert (unit, PHOT.siren, Literal("000325175")) in g
    # the one active establishment (Marseille 4e) places its unit in Marseille, Bouches-du-Rhône
    assert (unit, PHOT.locatedIn, URIRef(ID + "place/commune/13/marseille")) in g
    assert (URIRef(ID + "place/commune/13/marseille"), URIRef("https://schema.org/containedInPlace"),
            URIRef(ID + "place/bouches-du-rhone")) in g


def test_default_photonics_filter_keeps_only_photonics_codes():
    path = shared_path("data", "sirene", "StockEtablissement_first10_fds-developers.csv")
    graph, report = load(path)
    assert report.rows_read == 9
    assert not set(graph.graph.subjects(RDF.type, ORG.Site))  # jewellery, shops: none is photonics
    assert "26.70Z" in default_naf_codes() and len(default_naf_codes()) == 13


def test_columns_are_read_by_name(tmp_path):
    src = shared_path("data", "sirene", "StockEtablissement_first10_fds-developers.csv")
    rows = list(csv.reader(src.open(encoding="utf-8")))
    order = list(reversed(range(len(rows[0]))))
    out = tmp_path / "reordered.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        for r in rows:
            w.writerow([r[i] for i in order])
    g1, _ = load(src, EVERYTHING)
    g2, _ = load(out, EVERYTHING)
    assert set(g1.graph.subjects(RDF.type, ORG.Site)) == set(g2.graph.subjects(RDF.type, ORG.Site))


def test_unite_legale_2025_layout():
    path = shared_path("data", "sirene", "StockUniteLegale_2025_header_example.csv")
    assert file_kind(path) == "unitelegale"
    graph, report = load(path, EVERYTHING)
    g = graph.graph
    unit = URIRef(ID + "siren/016750697")
    assert (unit, RDF.type, PHOT.Firm) in g
    assert (unit, PHOT.legalForm, Literal("5710")) in g
    assert (unit, PHOT.sme, Literal(False)) in g  # an ETI
    assert (unit, PHOT.nafCode, URIRef(ID + "naf/77.39Z")) in g
    assert (unit, PHOT.foundingYear, Literal(1967)) in g


def test_api_single_records_search_and_succession():
    folder = shared_path("data", "sirene", "api_sirene_3.11")
    g, _ = load(folder / "siret_39860733300059.json")
    site = URIRef(ID + "siret/39860733300059")
    assert (URIRef(ID + "siren/398607333"), ORG.hasSite, site) in g.graph
    # the current period (dateFin null) is closed: the site is dated, its unit not located by it
    assert (site, PHOT.dissolutionYear, Literal(2016)) in g.graph
    g, report = load(folder / "siren_multicriteria_search.json")
    assert report.rows_read == 20
    assert len(set(g.graph.subjects(PHOT.siren, None))) == 20
    g, _ = load(folder / "liensSuccession.json")
    facts = set(g.graph.subjects(RDF.type, PHOT.Succession))
    assert len(facts) == 1
    fact = facts.pop()
    assert (fact, PHOT.predecessor, URIRef(ID + "siret/39860733300042")) in g.graph
    assert (fact, PHOT.startYear, Literal(2015)) in g.graph


def test_api_error_response_is_a_source_error(tmp_path):
    path = tmp_path / "answer.json"
    path.write_text('{"header": {"statut": 404, "message": "Aucun élément trouvé"}, "etablissements": []}')
    with pytest.raises(SourceError, match="404"):
        load(path)


def test_luhn():
    assert luhn_siren("180089013") and not luhn_siren("180089014")
    assert luhn_siret("18008901303720") and not luhn_siret("18008901303721")
    assert luhn_siret("35600000000048")  # La Poste, its head office
    assert normalise_naf("2670Z") == "26.70Z" and normalise_naf("22.02") is None


def test_bad_rows_load_the_good_ones_and_report_each_bad_one(tmp_path):
    """A real sample with rows broken on purpose: a wrong SIRET check digit, a truncated row, a SIREN
    that is not 9 digits; the others load, each bad row is reported with its line and reason."""
    src = shared_path("data", "sirene", "StockEtablissement_first10_fds-developers.csv")
    lines = src.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("00032517500024", "00032517500025", 1)       # line 3: check digit
    lines[4] = ",".join(lines[4].split(",")[:20])                             # line 5: cut short
    lines[7] = lines[7].replace("001807254,", "01807254,", 1)                 # line 8: SIREN of 8 digits
    bad = tmp_path / "bad-rows.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph, report = load(bad, EVERYTHING)
    by_line = {r.line: r for r in report.rejected}
    assert set(by_line) == {3, 5, 8}
    assert "SIRET" in by_line[3].reason and by_line[3].field == "siret"
    assert "fields" in by_line[5].reason
    assert by_line[8].field in ("siret", "siren")
    assert len(set(graph.graph.subjects(RDF.type, ORG.Site))) == 6


def test_synthetic_file_bad_rows_and_marking(tmp_path):
    path = tmp_path / "synthetic-StockEtablissement.csv"
    with path.open("w", encoding="utf-8") as f:
        bad = write_stock_etablissement(f, 3000, seed=5, photonics_share=0.05, bad_every=40)
    graph, report = load(path)
    assert graph.synthetic
    assert bad and {r.line for r in report.rejected} == bad
    assert report.rows_read == 3000
    kept = set(graph.graph.subjects(RDF.type, ORG.Site))
    assert kept and all(str(s).startswith(ID + "siret/") for s in kept)


def test_filters_by_departement_and_siren_list(tmp_path):
    path = tmp_path / "synthetic-stock.csv"
    with path.open("w", encoding="utf-8") as f:
        write_stock_etablissement(f, 2000, seed=7, photonics_share=0.2)
    g_all, _ = load(path, SireneFilter(active_only=False))
    g33, _ = load(path, SireneFilter(departements=frozenset({"33"}), active_only=False))
    sites_all = set(g_all.graph.subjects(RDF.type, ORG.Site))
    sites33 = set(g33.graph.subjects(RDF.type, ORG.Site))
    assert sites33 and sites33 < sites_all
    for site in sites33:
        assert str(g33.graph.value(site, URIRef("https://schema.org/containedInPlace"))).startswith(ID + "place/commune/33/")
    sirens = sorted({str(s).rsplit("/", 1)[-1][:9] for s in sites33})[:3]
    listing = tmp_path / "sirens.txt"
    listing.write_text("# three firms\n" + "\n".join(sirens) + "\n")
    g3, _ = load(path, SireneFilter(naf=None, sirens=read_siren_list(listing), active_only=False))
    assert {str(s).rsplit("/", 1)[-1][:9] for s in g3.graph.subjects(RDF.type, ORG.Site)} == set(sirens)


def test_bad_filter_values_fail_fast(tmp_path):
    with pytest.raises(ConfigError, match="NAF"):
        SireneFilter(naf=frozenset({"photonics"}))
    with pytest.raises(ConfigError, match="département"):
        SireneFilter(departements=frozenset({"100"}))
    bad = tmp_path / "sirens.txt"
    bad.write_text("180089014\n")
    with pytest.raises(SourceError, match="sirens.txt:1"):
        read_siren_list(bad)


def test_in_region_is_derived_for_registry_firms(fresh_store):
    path = shared_path("data", "sirene", "StockEtablissement_first10_fds-developers.csv")
    build(fresh_store, [SourceSpec(SireneLoader(EVERYTHING), path, str(path))], log=lambda m: None, progress=False)
    rows = fresh_store.select("SELECT ?r WHERE { <https://w3id.org/photonics-kg/id/siren/000325175> phot:inRegion ?r }")
    assert rows == [{"r": ID + "place/provence-alpes-cote-d-azur"}]


def test_cli_load_sirene_reports_rejected_rows(cli, tmp_path):
    src = shared_path("data", "sirene", "StockEtablissement_first10_fds-developers.csv")
    lines = src.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("00032517500024", "00032517500025", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("load", "sirene", bad, "--all-naf", "--include-closed", "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert f"{bad}:3: siret:" in result.output
    result = cli("load", "sirene", bad, "--naf", "photonics", "--store", tmp_path / "store")
    assert result.exit_code == 2 and "error:" in result.output


def test_duckdb_and_python_engines_agree(tmp_path):
    pytest.importorskip("duckdb")
    path = tmp_path / "synthetic-engines.csv"
    with path.open("w", encoding="utf-8") as f:
        bad = write_stock_etablissement(f, 6000, seed=11, photonics_share=0.05, bad_every=30)
    results = {}
    for engine in ("python", "duckdb"):
        report = LoadReport(str(path), "sirene")
        graph = SireneLoader(SireneFilter(departements=frozenset({"33", "974", "2A"})), engine=engine).load(
            path, report, progress=False)[0]
        kept = set(graph.graph.subjects(RDF.type, ORG.Site))
        lines = {r.line for r in report.rejected}
        results[engine] = (kept, lines, report.rows_read)
        assert f"engine: {engine}" in report.notes
    assert results["python"][0] == results["duckdb"][0] and results["python"][0]
    assert results["python"][2] == results["duckdb"][2] == 6000
    # DuckDB reports every malformed row; the python engine those the filter looked at; both the SIRETs
    assert results["python"][1] <= results["duckdb"][1] <= bad


def test_unknown_engine():
    with pytest.raises(ConfigError, match="engine"):
        SireneLoader(engine="spark")
