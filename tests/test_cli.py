"""The command-line contract of ../shared/DESIGN.md: commands, outputs, exit codes, no tracebacks."""

from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph

from conftest import FIXTURE_YAML

COMMANDS = ["build", "validate", "stats", "export"]


@pytest.fixture()
def built(tmp_path, cli):
    store = tmp_path / "store"
    result = cli("build", FIXTURE_YAML, "--store", store)
    assert result.exit_code == 0, result.output
    return store


@pytest.mark.parametrize("command", COMMANDS)
def test_help_on_every_command(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output and "--store" in result.output


def test_build_reports_each_source_and_the_store(tmp_path, cli):
    result = cli("build", FIXTURE_YAML, "--store", tmp_path / "s")
    assert result.exit_code == 0
    assert "curated:" in result.output and "triples" in result.output
    assert "ontology/photonics.ttl" in result.output


def test_store_from_environment(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("PHOTONICS_KG_STORE", str(tmp_path / "env-store"))
    assert cli("build", FIXTURE_YAML).exit_code == 0
    assert (tmp_path / "env-store").is_dir()


def test_stats_counts_organisations_and_graphs(built, cli):
    result = cli("stats", "--store", built, "--format", "json")
    data = json.loads(result.output)
    # the fixture: CNOP, AFOP, Sagem, Thales, 3 clusters, 2 labs, 3 firms of the pavilion
    assert data["organisations"] == 12  # CNOP, AFOP, Sagem, Thales, 3 clusters, 2 labs, 3 firms of the pavilion
    assert data["classes"]["phot:Firm"] == 5
    loaders = {g["loader"] for g in data["graphs"]}
    assert {"curated", "ontology", "derived"} <= loaders
    text = cli("stats", "--store", built).output
    assert "organisations: 12" in text and "[sample]" in text


@pytest.mark.parametrize("fmt, kind, parse_as", [
    ("ttl", Graph, "turtle"), ("nt", Graph, "nt"), ("trig", Dataset, "trig"), ("nq", Dataset, "nquads"),
    ("jsonld", Dataset, "json-ld"),
])
def test_export_round_trips(built, cli, tmp_path, fmt, kind, parse_as):
    out = tmp_path / f"dump.{fmt}"
    result = cli("export", "--format", fmt, "--out", out, "--store", built)
    assert result.exit_code == 0, result.output
    g = kind()
    g.parse(out, format=parse_as)
    assert len(g) > 1000
    if kind is Dataset:
        names = {str(c.identifier) for c in g.contexts()}
        assert "https://w3id.org/photonics-kg/graph/curated/fixture" in names


def test_export_to_stdout(built, cli):
    result = cli("export", "--format", "nt", "--store", built)
    assert result.exit_code == 0 and "<https://w3id.org/photonics-kg/id/firm/sagem>" in result.output


def _dump(cli, store) -> str:
    return cli("export", "--format", "nq", "--store", store).output


def test_corrupt_source_exits_2_names_file_and_keeps_store(built, cli, tmp_path):
    before = _dump(cli, built)
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIXTURE_YAML.read_text(encoding="utf-8").replace("p: sponsorOf", "p: sponsors", 1), encoding="utf-8")
    result = cli("build", FIXTURE_YAML, bad, "--store", built, "--force")
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "unknown relation 'sponsors'" in result.output
    assert "Traceback" not in result.output
    assert _dump(cli, built) == before


def test_malformed_turtle_exits_2_and_keeps_store(built, cli, tmp_path):
    before = _dump(cli, built)
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b \"unterminated .\n", encoding="utf-8")
    result = cli("build", bad, "--store", built)
    assert result.exit_code == 2 and "broken.ttl" in result.output and "malformed turtle" in result.output
    assert _dump(cli, built) == before


@pytest.mark.parametrize("args, words", [
    (["build", "/no/such/file.yaml"], "no such file"),
    (["build", "nosuchloader=/etc/hostname"], "unknown loader 'nosuchloader'"),
    (["build", "/etc/hostname"], "cannot tell what kind of source"),
])
def test_bad_sources_exit_2(cli, tmp_path, args, words):
    result = cli(*args, "--store", tmp_path / "s")
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_read_commands_on_missing_store_exit_2(cli, tmp_path):
    for command in ("stats", "validate", "export"):
        result = cli(command, "--store", tmp_path / "none")
        assert result.exit_code == 2 and "photonics-kg build" in result.output


def test_bad_option_value_lists_allowed(cli, built):
    result = cli("export", "--format", "xml", "--store", built)
    assert result.exit_code == 2 and "ttl" in result.output and "trig" in result.output


def test_rdf_file_source_gets_its_own_graph(cli, tmp_path):
    ttl = tmp_path / "extra.ttl"
    ttl.write_text("<https://example.org/a> <https://example.org/b> \"c\" .\n", encoding="utf-8")
    store = tmp_path / "s"
    assert cli("build", ttl, "--store", store).exit_code == 0
    out = cli("export", "--format", "nq", "--store", store).output
    assert '<https://example.org/a> <https://example.org/b> "c" <https://w3id.org/photonics-kg/graph/rdf/extra>' in out


def test_a_folder_of_curated_and_rdf_files_is_built_file_by_file(cli, tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "facts.yaml").write_text(FIXTURE_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "extra.ttl").write_text("<https://example.org/a> <https://example.org/b> \"c\" .\n", encoding="utf-8")
    store = tmp_path / "s"
    result = cli("build", folder, "--store", store)
    assert result.exit_code == 0, result.output
    graphs = {g["graph"] for g in json.loads(cli("stats", "--store", store, "--format", "json").output)["graphs"]}
    assert {"https://w3id.org/photonics-kg/graph/curated/facts", "https://w3id.org/photonics-kg/graph/rdf/extra"} <= graphs
