"""The store's fast paths: RDF files parsed by Oxigraph, bulk loads, the journal of first loads."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from photonics_kg.errors import SourceError
from photonics_kg.graph import store as store_module
from photonics_kg.graph.build import build
from photonics_kg.graph.store import JOURNAL, KGStore, RdfFile, SourceInfo
from photonics_kg.loaders.rdf import check_rdf

from conftest import FIXTURE_YAML

EX = "https://example.org/"
G = URIRef("https://w3id.org/photonics-kg/graph/test/bulk")


def _nt(path, n, *, value="v", extra=""):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(f'<{EX}s{i}> <{EX}p{i % 5}> "{value} {i}" .\n')
        f.write(extra)
    return path


def _triples(store, graph):
    return sorted(r["o"] for r in store.select(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), '{EX}')) }} }}",
                                               union=False))


def _info(sha="ab"):
    return SourceInfo(loader="test", source="x", sha256=sha * 32)


def test_rdf_file_is_checked_then_loaded_with_its_count(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BULK_BYTES", 1_000)  # bulk-load even this small file
    path = _nt(tmp_path / "data.nt", 300, extra=f'<{EX}g> <https://w3id.org/photonics-kg/ontology#synthetic> '
                                                     f'"true"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n')
    store = KGStore(tmp_path / "store")
    report = build(store, [str(path)], log=lambda m: None, progress=False)
    graph = "https://w3id.org/photonics-kg/graph/rdf/data"
    rep = next(r for r in report.reports if r.loader == "rdf")
    assert rep.rows_read == 301 and rep.triples == 301
    assert store.graph_info(graph)["triples"] == 301 == len(_triples(store, graph)) + 1
    assert store.ask(f"ASK {{ GRAPH <{graph}> {{ <{graph}> phot:synthetic true ; phot:sourceFormat 'nt' }} }}")
    assert not list(store.oxigraph.quads_for_pattern(None, None, None, JOURNAL))
    assert len(store) == sum(1 for _ in store.quads())


@pytest.mark.parametrize("how", ["difference", "swap"])
def test_reloading_a_changed_file_replaces_its_graph(tmp_path, monkeypatch, how):
    if how == "swap":
        monkeypatch.setattr(store_module, "DIFF_MAX", 10)
    path = _nt(tmp_path / "data.nt", 50, value="old")
    with KGStore(tmp_path / "store") as store:
        build(store, [str(path)], log=lambda m: None, progress=False)
    _nt(path, 20, value="new")
    with KGStore(tmp_path / "store") as store:
        build(store, [str(path)], log=lambda m: None, progress=False)
        graph = "https://w3id.org/photonics-kg/graph/rdf/data"
        values = _triples(store, graph)
        assert len(values) == 20 and all(v.startswith("new") for v in values)
        assert store.graph_info(graph)["triples"] == 20
        assert not any("staging" in g for g in store.named_graphs())


def test_quads_of_a_dataset_go_into_the_one_graph_and_blank_nodes_stay_apart(tmp_path):
    a = tmp_path / "a.nq"
    a.write_text(f'<{EX}x> <{EX}p> _:b1 <{EX}g1> .\n_:b1 <{EX}q> "a" <{EX}g2> .\n<{EX}y> <{EX}p> "d" .\n')
    b = tmp_path / "b.trig"
    b.write_text(f'<{EX}g3> {{ <{EX}z> <{EX}p> _:b1 . _:b1 <{EX}q> "b" . }}\n')
    store = KGStore()
    build(store, [str(a), str(b)], log=lambda m: None, progress=False)
    assert store.graph_info("https://w3id.org/photonics-kg/graph/rdf/a")["triples"] == 3
    assert not {f"{EX}g1", f"{EX}g2", f"{EX}g3"} & set(store.named_graphs())
    # each file's _:b1 is its own node: x reaches "a" only, z reaches "b" only
    rows = store.select(f"SELECT ?s ?v WHERE {{ ?s <{EX}p> ?b . ?b <{EX}q> ?v }} ORDER BY ?s")
    assert rows == [{"s": f"{EX}x", "v": "a"}, {"s": f"{EX}z", "v": "b"}]


def test_a_malformed_file_names_its_line_and_nothing_is_written(tmp_path):
    bad = _nt(tmp_path / "bad.nt", 10, extra=f'<{EX}s> <{EX}p> "unterminated .\n')
    with pytest.raises(SourceError) as err:
        check_rdf(bad)
    assert err.value.line == 11 and "bad.nt:11" in str(err.value)
    store = KGStore()
    with pytest.raises(SourceError):
        build(store, [str(FIXTURE_YAML), str(bad)], log=lambda m: None, progress=False)
    assert store.named_graphs() == []


def test_a_first_bulk_load_that_fails_leaves_no_trace(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BULK_BYTES", 1_000)
    bad = _nt(tmp_path / "bad.nt", 2_000, extra="this is not N-Triples\n")
    store = KGStore(tmp_path / "store")
    store.replace_graph(URIRef(EX + "keep"), [(URIRef(EX + "a"), URIRef(EX + "b"), Literal("c"))], _info())
    with pytest.raises(SourceError, match="bad.nt"):
        store.replace_graph(G, RdfFile(bad, ox.RdfFormat.N_TRIPLES), _info())  # unchecked: fails half-way
    assert store.named_graphs() == [EX + "keep"]
    assert not list(store.oxigraph.quads_for_pattern(None, None, None, JOURNAL))


def test_a_killed_first_load_is_undone_when_the_store_is_opened(tmp_path):
    path = tmp_path / "store"
    store = KGStore(path)
    kept = URIRef(EX + "kept")
    store.replace_graph(kept, [(URIRef(EX + "a"), URIRef(EX + "b"), Literal("c"))], _info())
    raw = store.oxigraph
    # what a kill leaves: the journal entry and the graph's data, without the provenance (the commit)
    cut = ox.NamedNode(EX + "cut")
    raw.add(ox.Quad(cut, store_module._LOADING, ox.Literal("1"), JOURNAL))
    raw.add(ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("half"), cut))
    # killed after its commit: journalled but complete, kept
    raw.add(ox.Quad(ox.NamedNode(kept), store_module._LOADING, ox.Literal("1"), JOURNAL))
    store.close()
    del raw, store  # the last reference to the Oxigraph store holds its lock
    reopened = KGStore(path)
    assert reopened.named_graphs() == [str(kept)]
    assert not list(reopened.oxigraph.quads_for_pattern(None, None, None, JOURNAL))


@pytest.mark.parametrize("n", [10, store_module.BULK_QUADS + 10])
def test_rdflib_graphs_small_and_large_replace_and_count(n, tmp_path):
    def graph(value, k):
        g = Graph()
        for i in range(k):
            g.add((URIRef(f"{EX}s{i}"), URIRef(EX + "p"), Literal(f"{value}{i}")))
        return g

    store = KGStore(tmp_path / "store")
    assert store.replace_graph(G, graph("a", n), _info()).triples == n
    assert store.replace_graph(G, graph("b", n + 1), _info()).triples == n + 1
    values = _triples(store, G)
    assert len(values) == n + 1 and values[0].startswith("b")
    assert store.graph_info(G)["triples"] == n + 1
    assert len(store) == sum(1 for _ in store.quads())


@pytest.mark.parametrize("how", ["difference", "swap"])
def test_a_reload_writes_every_kind_of_literal_back_exactly(how, monkeypatch):
    if how == "swap":
        monkeypatch.setattr(store_module, "DIFF_MAX", 1)
    odd = [Literal('a "quoted"\nline \\ with é and \t tab'), Literal("fr", lang="fr-CA"), Literal(3),
           Literal("2011-06-15", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")), Literal(True)]
    store = KGStore()
    store.replace_graph(G, [(URIRef(EX + "s"), URIRef(EX + "p"), Literal("before"))], _info())
    store.replace_graph(G, [(URIRef(EX + "s"), URIRef(EX + "p"), o) for o in odd], _info("cd"))
    got = {q.object for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(EX + "p"), None, ox.NamedNode(str(G)))}
    assert got == {store_module.to_ox(o) for o in odd}
    assert store.graph_info(G)["sha"] == "cd" * 32 and store.graph_info(G)["triples"] == len(odd)


def test_a_graph_with_blank_nodes_is_swapped_whole_on_reload(tmp_path):
    path = tmp_path / "b.nt"
    path.write_text(f'<{EX}x> <{EX}p> _:b .\n_:b <{EX}q> "one" .\n')
    store = KGStore()
    build(store, [str(path)], log=lambda m: None, progress=False)
    path.write_text(f'<{EX}x> <{EX}p> _:b .\n_:b <{EX}q> "two" .\n')
    build(store, [str(path)], log=lambda m: None, progress=False)
    rows = store.select(f"SELECT ?v WHERE {{ <{EX}x> <{EX}p> ?b . ?b <{EX}q> ?v }}")
    assert rows == [{"v": "two"}]
    assert store.graph_info("https://w3id.org/photonics-kg/graph/rdf/b")["triples"] == 2
