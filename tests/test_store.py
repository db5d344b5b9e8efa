"""The embedded store: one graph per source, provenance, atomic replace, idempotent rebuilds."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from photonics_kg.errors import QueryError, StoreError
from photonics_kg.graph.build import build
from photonics_kg.graph.store import KGStore, SourceInfo
from photonics_kg.namespaces import PHOT, PROV, RDF

from conftest import FIXTURE_YAML

G = URIRef("https://w3id.org/photonics-kg/graph/test/one")
EX = "https://example.org/"


def _graph(*values) -> Graph:
    g = Graph()
    for v in values:
        g.add((URIRef(EX + "s"), URIRef(EX + "p"), Literal(v)))
    return g


def _values(store):
    return sorted(r["o"] for r in store.select("SELECT ?o WHERE { ?s <https://example.org/p> ?o }"))


def test_replace_graph_replaces_and_describes_provenance(fresh_store):
    info = SourceInfo(loader="test", source="one.ttl", sha256="ab" * 32)
    fresh_store.replace_graph(G, _graph("a", "b"), info)
    fresh_store.replace_graph(G, _graph("c"), info)
    assert _values(fresh_store) == ["c"]
    prov = fresh_store.graph_info(G)
    assert prov["sha"] == "ab" * 32 and prov["loader"] == "test" and prov["triples"] == 1
    assert fresh_store.ask("ASK { GRAPH ?g { ?g a phot:SourceGraph ; prov:wasGeneratedBy ?l . ?l prov:endedAtTime ?t } }")


def test_failed_load_leaves_previous_graph(fresh_store):
    info = SourceInfo(loader="test", source="one.ttl", sha256="ab" * 32)
    fresh_store.replace_graph(G, _graph("old"), info)

    def broken():
        yield (URIRef(EX + "s"), URIRef(EX + "p"), Literal("half"))
        raise ValueError("the source broke half-way")

    with pytest.raises(ValueError):
        fresh_store.replace_graph(G, broken(), info)
    assert _values(fresh_store) == ["old"]
    assert all("staging" not in g for g in fresh_store.named_graphs())


def test_staging_left_by_a_killed_load_is_dropped_on_open(tmp_path):
    import pyoxigraph as ox

    path = tmp_path / "store"
    store = KGStore(path)
    store.oxigraph.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("x"),
                               ox.NamedNode("https://w3id.org/photonics-kg/graph/staging/dead")))
    store.close()
    reopened = KGStore(path)
    assert len(reopened) == 0


def test_second_writer_is_refused_with_a_clear_error(tmp_path):
    path = tmp_path / "store"
    first = KGStore(path)
    with pytest.raises(StoreError, match="in use by another"):
        KGStore(path)
    first.close()


def test_read_only_store_requires_a_built_store(tmp_path):
    with pytest.raises(StoreError, match="photonics-kg build"):
        KGStore(tmp_path / "nothing", read_only=True)


def test_bad_query_is_a_query_error(fresh_store):
    with pytest.raises(QueryError, match="syntax"):
        fresh_store.select("SELECT WHERE {")


def test_building_twice_gives_an_isomorphic_store(tmp_path):
    path = tmp_path / "store"
    with KGStore(path) as store:
        first = build(store, [str(FIXTURE_YAML)], log=lambda m: None, progress=False)
        dump1 = store.to_rdflib(union=True)
        n1 = len(store)
    with KGStore(path) as store:
        second = build(store, [str(FIXTURE_YAML)], log=lambda m: None, progress=False)
        dump2 = store.to_rdflib(union=True)
        assert len(store) == n1
    assert first.triples_written > 0 and second.triples_written == 0
    assert all(r.skipped for r in second.reports)
    assert isomorphic(dump1, dump2)


def test_forced_rebuild_with_fixed_time_is_isomorphic(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a, b = KGStore(), KGStore()
    build(a, [str(FIXTURE_YAML)], log=lambda m: None, progress=False)
    build(b, [str(FIXTURE_YAML)], log=lambda m: None, progress=False, force=True)
    assert isomorphic(a.to_rdflib(), b.to_rdflib())


def test_one_named_graph_per_source_with_sample_flag(fixture_store):
    graphs = fixture_store.named_graphs()
    assert "https://w3id.org/photonics-kg/graph/curated/fixture" in graphs
    assert "https://w3id.org/photonics-kg/graph/ontology/photonics" in graphs
    assert fixture_store.ask("ASK { GRAPH <https://w3id.org/photonics-kg/graph/curated/fixture> "
                             "{ <https://w3id.org/photonics-kg/graph/curated/fixture> phot:sample true } }")


def test_region_is_derived_through_the_place_hierarchy(fixture_store):
    rows = fixture_store.select("SELECT ?r WHERE { <https://w3id.org/photonics-kg/id/firm/amplitude-systemes> phot:inRegion ?r }")
    assert rows == [{"r": "https://w3id.org/photonics-kg/id/place/nouvelle-aquitaine"}]
    # a lab in Wuhan is in no French région
    assert not fixture_store.ask("ASK { ?lab phot:inRegion ?r ; rdfs:label \"WNLO\" }")
