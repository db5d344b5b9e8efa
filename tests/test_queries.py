"""The query library: every query parses, declares what it returns, and gives the hand-worked
answers on the fixture graph (tests/data/expected/<query>.json, one case per parameter set).

The expected rows were worked out by hand from tests/data/fixture.yaml: fixture entities are
written ``@key``, other IRIs in prefixed form, literals as plain values.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from photonics_kg.errors import QueryError
from photonics_kg.namespaces import PHOT
from photonics_kg.queries import library
from photonics_kg.queries.library import all_queries, format_result, get, run

EXPECTED = Path(__file__).parent / "data" / "expected"
SELECT = [q for q in all_queries(("select",))]
ALL = all_queries()


def _cases():
    for f in sorted(EXPECTED.glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            yield pytest.param(data["query"], case, id=f"{data['query']}-{i}")


def resolve(params: dict, keys: dict) -> dict:
    """``@key`` parameter values stand for the fixture entity's IRI."""
    return {k: (keys[v[1:]] if isinstance(v, str) and v.startswith("@") else v) for k, v in params.items()}


def as_multiset(rows):
    return Counter(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows)


# -- the library itself -------------------------------------------------------------------------------
def test_the_library_is_not_empty():
    """Guard: an empty or unpackaged query folder would make every other test here vacuous."""
    assert len(SELECT) >= 15
    assert len([q for q in ALL if q.kind == "checks"]) >= 6
    assert len([q for q in ALL if q.kind == "construct"]) >= 2


@pytest.mark.parametrize("query", ALL, ids=lambda q: f"{q.kind}/{q.name}")
def test_every_query_parses_and_has_a_header(query, fresh_store):
    from rdflib.plugins.sparql import prepareQuery

    assert query.summary, f"{query.path}: no '# summary:' line"
    assert query.returns, f"{query.path}: no '# returns:' line"
    prepareQuery(query.text)                       # rdflib's parser, independent of Oxigraph's
    library.execute(fresh_store, query.text)       # Oxigraph's parser and evaluator, on an empty store
    for p in query.params:
        assert p.type in library.PARAM_TYPES
        if p.default is not None:
            p.bind(p.default)                      # a default must be a valid value of its type


@pytest.mark.parametrize("query", [q for q in ALL if q.form == "SELECT" and q.name != "graph-provenance"],
                         ids=lambda q: q.name)
def test_returns_header_names_the_projected_variables(query, query_fixture_store):
    assert run(query, query_fixture_store).variables == query.returns


def test_checks_return_focus_and_message():
    for q in ALL:
        if q.kind == "checks":
            assert q.name.endswith("-violation"), q.path
            assert q.returns == ["focus", "message"], q.path


def test_every_researcher_query_has_hand_worked_answers():
    covered = {json.loads(f.read_text(encoding="utf-8"))["query"] for f in EXPECTED.glob("*.json")}
    # gap-*, graph-* and viz-* are the analysis' and the page's plumbing, checked by hand-worked
    # answers in tests/test_gaps.py, tests/test_projection.py and tests/test_viz.py
    missing = sorted(q.name for q in SELECT
                     if q.name not in covered and not q.name.startswith(("gap-", "graph-", "viz-")))
    assert not missing, f"no tests/data/expected/<name>.json for {missing}"


@pytest.mark.parametrize("name,case", list(_cases()))
def test_hand_worked_answers(name, case, query_fixture_store, fixture_keys, plain_rows):
    result = run(name, query_fixture_store, resolve(case["params"], fixture_keys))
    got = plain_rows(result, ignore=case.get("ignore", ()))
    assert as_multiset(got) == as_multiset(case["rows"])


def test_results_come_in_the_declared_order(query_fixture_store, fixture_keys, plain_rows):
    rows = plain_rows(run("organisations-as-of", query_fixture_store, {"year": "2017", "type": str(PHOT.Cluster)}))
    assert [r["org"] for r in rows] == ["@alpha-rlh"]
    rows = plain_rows(run("documents", query_fixture_store))
    assert [r["statements"] for r in rows] == sorted((r["statements"] for r in rows), reverse=True)


# -- CONSTRUCT queries ------------------------------------------------------------------------------------
def test_organisation_card(query_fixture_store, fixture_keys):
    quantel, lumibird = URIRef(fixture_keys["quantel"]), URIRef(fixture_keys["lumibird"])
    g = run("organisation-card", query_fixture_store, {"org": str(quantel)}).graph
    # quantel's own 6 triples (type, label, memberOf, activeIn, participatesIn, renamedTo), the
    # renaming fact (5: two types, predecessor, successor, startYear) and 5 evidence nodes (entity,
    # memberOf, activeIn, participatesIn, renamedTo: 7 triples each, +evidenceFor on the renaming),
    # and the entity's evidence from fixture-queries.yaml, which declares Quantel again (7)
    assert len(g) == 6 + 5 + 6 * 7 + 1
    assert (quantel, PHOT.renamedTo, lumibird) in g
    assert {s for s in g.subjects(PHOT.predecessor, quantel)}


def test_partnership_network(query_fixture_store, fixture_keys):
    g = run("partnership-network", query_fixture_store).graph
    rdl, wnlo, amplitude = (URIRef(fixture_keys[k]) for k in ("route-des-lasers", "wnlo", "amplitude-systemes"))
    assert set(g.subject_objects(PHOT.partnerOf)) == {(rdl, wnlo), (wnlo, rdl), (amplitude, wnlo), (wnlo, amplitude)}
    assert len(g) == 18
    g2010 = run("partnership-network", query_fixture_store, {"year": "2010"}).graph
    assert set(g2010.subject_objects(PHOT.partnerOf)) == {(rdl, wnlo), (wnlo, rdl)}


# -- parameters ----------------------------------------------------------------------------------------
def test_unknown_parameter_names_the_allowed_ones():
    with pytest.raises(QueryError, match="no parameter typo; its parameters: type, region, domain"):
        get("organisations").bindings({"typo": "x"})


@pytest.mark.parametrize("name,params,message", [
    ("partnerships", {"year": "twenty ten"}, "not an integer"),
    ("organisations", {"type": "not an iri"}, "not an IRI"),
    ("organisations", {"type": "nope:Firm"}, "not an IRI"),
])
def test_bad_parameter_values_are_refused(name, params, message):
    with pytest.raises(QueryError, match=message):
        get(name).bindings(params)


def test_prefixed_names_and_defaults_are_bound():
    b = get("coverage-gaps").bindings({"type": "phot:Firm"})
    assert b["type"] == PHOT.Firm
    assert b["home"] == URIRef("https://w3id.org/photonics-kg/id/place/france")
    assert b["below"] == Literal(1)


def test_query_form_refuses_updates():
    for text in ("INSERT DATA { <a:b> <a:b> <a:b> }", "PREFIX a: <http://a/> DELETE WHERE { ?s ?p ?o }", "DROP ALL"):
        with pytest.raises(QueryError, match="update"):
            library.query_form(text)
    assert library.query_form("# DROP ALL\nASK { ?s ?p 'INSERT' }") == "ASK"


# -- formats ---------------------------------------------------------------------------------------
def test_formats_of_a_select(query_fixture_store):
    r = run("sponsors", query_fixture_store)
    data = json.loads(format_result(r, "json"))
    assert data["head"]["vars"] == r.variables
    assert {b["sponsorLabel"]["value"] for b in data["results"]["bindings"]} == {"Sagem", "Thales"}
    assert data["results"]["bindings"][0]["sponsor"]["type"] == "uri"
    csv_lines = format_result(r, "csv").split("\r\n")
    assert csv_lines[0] == ",".join(r.variables) and len(csv_lines) == 4
    tsv = format_result(r, "tsv").splitlines()
    assert tsv[0].startswith("?sponsor\t") and '"Sagem"@fr' in tsv[1] + tsv[2]
    assert "<sparql" in format_result(r, "xml")
    assert "(2 rows)" in format_result(r, "table")


def test_formats_of_a_graph(query_fixture_store):
    r = run("partnership-network", query_fixture_store)
    assert "phot:partnerOf" in format_result(r, "ttl")
    assert json.loads(format_result(r, "json"))  # JSON-LD
    assert len(format_result(r, "nt").strip().splitlines()) == 18
