"""The query library on a real SPARQL 1.1 server (Virtuoso Open Source, on loopback): the same
answers as the embedded store, for every query and parameter case; ``push`` and ``--endpoint``.

Skipped only when ``virtuoso-t`` is not installed, and failing instead under CI=true.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from photonics_kg.graph.remote import SparqlEndpointStore
from photonics_kg.queries.library import all_queries, canonical, comparable_rows, get, run

pytestmark = pytest.mark.server

DATA = Path(__file__).parent / "data"
#: queries whose answer without parameters is "the whole graph": the server's own system graphs
#: would be in it, so they are compared with the parameters of their expected cases only
WHOLE_GRAPH = {"organisation-card"}


def _cases():
    seen = set()
    for f in sorted((DATA / "expected").glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            seen.add((data["query"], json.dumps(case["params"], sort_keys=True)))
            yield pytest.param(data["query"], case["params"], id=f"{data['query']}-{i}")
    extra = {"organisation-card": [{"org": "@quantel"}, {"org": "@alpha-rlh"}], "partnership-network": [{"year": "2011"}]}
    for q in all_queries(("select", "construct", "checks")):
        for params in [{}] + extra.get(q.name, []):
            if (q.name, json.dumps(params, sort_keys=True)) in seen or (q.name in WHOLE_GRAPH and not params):
                continue
            yield pytest.param(q.name, params, id=f"{q.name}-{json.dumps(params, sort_keys=True)}")


def _resolve(params, keys):
    return {k: (keys[v[1:]] if isinstance(v, str) and v.startswith("@") else v) for k, v in params.items()}


@pytest.fixture(scope="module")
def remote(virtuoso):
    return SparqlEndpointStore(virtuoso.endpoint)


def _graph_set(g: Graph) -> set:
    return {(canonical(s), canonical(p), canonical(o)) for s, p, o in g}


@pytest.mark.parametrize("name,params", list(_cases()))
def test_same_answers_as_the_embedded_store(name, params, remote, query_fixture_store, fixture_keys):
    q = get(name)
    bound = _resolve(params, fixture_keys)
    embedded, server = run(q, query_fixture_store, bound), run(q, remote, bound)
    assert embedded.kind == server.kind
    if embedded.kind == "graph":
        assert _graph_set(server.graph) == _graph_set(embedded.graph)
        assert len(embedded.graph) > 0
    else:
        assert server.variables == embedded.variables
        assert set(comparable_rows(server)) == set(comparable_rows(embedded))


def test_the_comparison_is_not_vacuous(remote, query_fixture_store):
    """Most library queries return rows on the fixture, on both stores."""
    selects = [q for q in all_queries(("select",))]
    non_empty = [q.name for q in selects if run(q, remote).rows]
    assert len(non_empty) >= len(selects) - 2, non_empty


def test_named_graphs(remote):
    graphs = remote.named_graphs()
    assert "https://w3id.org/photonics-kg/graph/curated/fixture" in graphs
    assert all(g.startswith("https://w3id.org/photonics-kg/graph/") for g in graphs)


@pytest.mark.parametrize("check", [q for q in all_queries(("checks",)) if q.name.endswith("-violation")],
                         ids=lambda q: q.name)
def test_checks_find_the_same_violations(check, virtuoso, remote):
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore
    from photonics_kg.graph.virtuoso import store_ntriples

    bad = KGStore()
    build(bad, [str(DATA / "checks" / f"{check.name}.ttl")], log=lambda m: None, progress=False)
    graph = f"https://w3id.org/photonics-kg/graph/rdf/{check.name}"
    virtuoso.load_graphs({graph: store_ntriples(bad)[graph]})
    try:
        server, embedded = run(check, remote), run(check, bad)
        assert embedded.rows
        assert set(comparable_rows(server)) == set(comparable_rows(embedded))
    finally:
        virtuoso.isql(f"SPARQL CLEAR GRAPH <{graph}>;")


def test_query_command_with_endpoint(cli, virtuoso, query_fixture_store):
    result = cli("query", "organisations", "--endpoint", virtuoso.endpoint, "-p", "type=phot:Firm", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "org,label,type,orgRegion,regionLabel" and len(lines) == 7


def _small_store(n: int):
    """A store with one synthetic graph of ``n`` labelled firms (test data, not about the real world)."""
    from photonics_kg.graph.store import KGStore, SourceInfo
    from photonics_kg.namespaces import PHOT, RDF, RDFS

    store = KGStore()
    g = Graph()
    for i in range(n):
        firm = URIRef(f"https://w3id.org/photonics-kg/id/test/push-{i}")
        g.add((firm, RDF.type, PHOT.Firm))
        g.add((firm, RDFS.label, Literal(f"Entreprise synthétique n°{i} « test »", lang="fr")))
    store.replace_graph(URIRef(PUSHED), g, SourceInfo("rdf", "synthetic", "0" * 64, synthetic=True))
    return store


PUSHED = "https://w3id.org/photonics-kg/graph/rdf/push-test"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_push_replaces_graphs(protocol, virtuoso, remote, cli, tmp_path):
    from rdflib import URIRef as U

    from photonics_kg.graph.remote import push

    url = virtuoso.gsp_endpoint if protocol == "gsp" else virtuoso.update_endpoint
    try:
        for n, chunk in ((10, 7), (4, 50_000)):       # the second push replaces the first
            store = _small_store(n)
            expected = len(list(store.quads()))
            report = push(store, url, protocol=protocol, user="dba", password="dba", chunk=chunk)
            assert report.graphs == 1 and report.triples == expected
            assert report.requests == -(-expected // chunk) and (chunk > expected or report.requests > 1)
            assert remote.select(COUNT, {"g": U(PUSHED)}) == [{"n": expected}]
        labels = {r["l"] for r in remote.select(
            "SELECT ?l WHERE { GRAPH ?g { ?s rdfs:label ?l } }", {"g": U(PUSHED)})}
        assert "Entreprise synthétique n°3 « test »" in labels
    finally:
        virtuoso.isql(f"SPARQL CLEAR GRAPH <{PUSHED}>;")


def test_push_command(virtuoso, remote, cli, tmp_path):
    from rdflib import URIRef as U

    from photonics_kg.graph.store import KGStore

    path = tmp_path / "store"
    small = _small_store(3)
    with KGStore(path) as store:
        store.oxigraph.extend(small.quads())
    try:
        result = cli("push", "--store", path, "--endpoint", virtuoso.gsp_endpoint, "--user", "dba",
                     "--password", "dba")
        assert result.exit_code == 0, result.output
        assert "pushed 1 graphs" in result.output
        assert remote.select(COUNT, {"g": U(PUSHED)})[0]["n"] == len(list(small.quads()))
        result = cli("push", "--store", path, "--endpoint", virtuoso.gsp_endpoint, "--user", "dba",
                     "--password", "wrong")
        assert result.exit_code == 2 and "HTTP 401" in result.output and "--user/--password" in result.output
    finally:
        virtuoso.isql(f"SPARQL CLEAR GRAPH <{PUSHED}>;")
