"""The ``queries`` and ``query`` commands (``serve`` and ``push``: test_endpoint.py, test_virtuoso.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "fixture.yaml"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    path = tmp_path_factory.mktemp("cmd") / "store"
    with KGStore(path) as store:
        build(store, [str(FIXTURE), str(FIXTURE.with_name("fixture-queries.yaml"))], log=lambda m: None, progress=False)
    return path


def test_queries_lists_names_summaries_and_parameters(cli):
    result = cli("queries")
    assert result.exit_code == 0
    assert "organisations  [select]  Organisations by type" in result.output
    assert "--param region=…  iri  optional; only organisations in this région" in result.output
    assert "--param year=…  integer = 2016  the year" in result.output
    assert "siren-violation" not in result.output
    assert "siren-violation" in cli("queries", "--all").output
    listed = json.loads(cli("queries", "--format", "json").output)
    assert {q["name"] for q in listed} >= {"lineage", "domain-region-matrix", "partnership-network"}


def test_query_prints_a_table(cli, store_dir):
    result = cli("query", "organisations", "--store", store_dir, "--param", "type=phot:Cluster")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["org", "label", "type", "orgRegion", "regionLabel"]
    assert "Route des Lasers" in result.output and "(3 rows)" in result.output


def test_query_prints_sparql_json(cli, store_dir):
    result = cli("query", "lineage", "--store", store_dir, "-p", "org=id:cluster/alpha-rlh", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["head"]["vars"][:3] == ["org", "orgLabel", "direction"]
    preds = sorted(b["predecessorLabel"]["value"] for b in data["results"]["bindings"])
    assert preds == ["Elopsys", "Route des Lasers"]
    year = data["results"]["bindings"][0]["eventYear"]
    assert year == {"type": "literal", "value": "2017", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


@pytest.mark.parametrize("fmt,first", [("csv", "sponsor,sponsorLabel,sponsored"), ("tsv", "?sponsor\t?sponsorLabel")])
def test_query_prints_csv_and_tsv(cli, store_dir, fmt, first):
    result = cli("query", "sponsors", "--store", store_dir, "--format", fmt)
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith(first)
    assert len(result.output.strip().splitlines()) == 3


def test_unknown_parameter_exits_2_naming_the_allowed_ones(cli, store_dir):
    result = cli("query", "organisations", "--store", store_dir, "--param", "kind=phot:Firm")
    assert result.exit_code == 2
    assert "error: query 'organisations' has no parameter kind; its parameters: type, region, domain" in result.output


@pytest.mark.parametrize("args,message", [
    (["query", "no-such-query"], "no query named 'no-such-query'"),
    (["query", "organisations", "--param", "type"], "write it as NAME=VALUE"),
    (["query", "partnerships", "--param", "year=soon"], "not an integer"),
    (["query", "missing.rq"], "no query file missing.rq"),
])
def test_bad_input_exits_2(cli, store_dir, args, message):
    result = cli(*args, "--store", store_dir)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_query_file_and_out(cli, store_dir, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("# summary: firms\n# param: sme: boolean = true -- SMEs only\n# returns: firm\n"
                  "SELECT ?firm WHERE { ?firm a phot:Firm ; phot:sme ?sme } ORDER BY ?firm\n", encoding="utf-8")
    out = tmp_path / "firms.csv"
    result = cli("query", rq, "--store", store_dir, "--format", "csv", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text().split() == ["firm", "https://w3id.org/photonics-kg/id/firm/amplitude-systemes",
                                       "https://w3id.org/photonics-kg/id/firm/edit-laser"]
    result = cli("query", rq, "--store", store_dir, "--format", "csv", "-p", "sme=false")
    assert result.output.split() == ["firm"]


def test_construct_prints_turtle(cli, store_dir):
    result = cli("query", "partnership-network", "--store", store_dir)
    assert result.exit_code == 0
    assert "phot:partnerOf" in result.output


def test_missing_store_exits_2(cli, tmp_path):
    result = cli("query", "organisations", "--store", tmp_path / "nothing")
    assert result.exit_code == 2 and "run 'photonics-kg build' first" in result.output


def test_unreachable_endpoint_exits_2(cli):
    from photonics_kg.graph.virtuoso import free_port

    result = cli("query", "organisations", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql")
    assert result.exit_code == 2
    assert "cannot reach the SPARQL endpoint" in result.output


def test_push_to_unreachable_endpoint_exits_2(cli, store_dir):
    from photonics_kg.graph.virtuoso import free_port

    result = cli("push", "--store", store_dir, "--endpoint", f"http://127.0.0.1:{free_port()}/data")
    assert result.exit_code == 2 and "cannot reach" in result.output
