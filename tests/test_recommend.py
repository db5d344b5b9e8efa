"""Link prediction: hand-worked scores on the fixture, hypotheses kept apart from facts, evaluation."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest
from rdflib import URIRef

from photonics_kg.graph import recommend as rc
from photonics_kg.graph.projection import actor_graph, project

ID = "https://w3id.org/photonics-kg/id/"
AMP, EDIT, QUANTEL = ID + "firm/amplitude-systemes", ID + "firm/edit-laser", ID + "firm/quantel"
WNLO, XLIM = ID + "lab/laboratoire-national-d-optoelectronique-de-wuhan", ID + "lab/xlim"


def test_fixture_recommendations_by_hand(fixture_store):
    A = actor_graph(project(fixture_store))
    recs = {(r.u, r.v): r for r in rc.recommend(A)}
    # context sizes: manufacturing 2 (Amplitude, Edit), Nouvelle-Aquitaine 5 (Amplitude, Edit, XLIM, Route des
    # Lasers, Elopsys), China 2 (Edit's site, WNLO), Route des Lasers 4 (3 members + partner WNLO), OVC 2
    amp_edit = recs[(AMP, EDIT)]
    assert amp_edit.resource_allocation == pytest.approx(1 / 2 + 1 / 5 + 1 / 4)
    assert amp_edit.adamic_adar == pytest.approx(1 / math.log(2) + 1 / math.log(5) + 1 / math.log(4))
    assert amp_edit.jaccard == pytest.approx(3 / 5)          # Edit also has China; Amplitude also OVC
    edit_wnlo = recs[(EDIT, WNLO)]
    assert edit_wnlo.resource_allocation == pytest.approx(1 / 2 + 1 / 4)
    assert edit_wnlo.reasons == ["place: Chine", "cluster: Route des Lasers"]
    assert recs[(AMP, QUANTEL)].resource_allocation == pytest.approx(1 / 4 + 1 / 2)   # cluster + OVC
    assert recs[(AMP, XLIM)].resource_allocation == pytest.approx(1 / 5)
    assert (AMP, WNLO) not in recs                              # already partners
    order = [(r.pair, r.u_label, r.v_label) for r in rc.recommend(A)]
    assert order[0] == ("firm–lab", "Edit Laser", "Laboratoire national d’optoélectronique de Wuhan")
    assert order[4][0] == "firm–firm" and order[4][1:] == ("Amplitude Systèmes", "Edit Laser")
    assert all(r.u_label != "Sagem" for r in recs.values())     # no shared context, no suggestion


def test_hypotheses_are_a_separate_graph_that_asserts_nothing(fresh_store):
    from photonics_kg.graph.build import build
    from conftest import FIXTURE_YAML

    build(fresh_store, [str(FIXTURE_YAML)], log=lambda m: None, progress=False)
    before = project(fresh_store)
    recs = rc.recommend(actor_graph(before))
    result = rc.write_hypotheses(fresh_store, recs)
    assert str(result.graph) == rc.HYPOTHESES_GRAPH and rc.HYPOTHESES_GRAPH in fresh_store.named_graphs()
    after = project(fresh_store)
    assert sorted(after.edges(keys=True)) == sorted(before.edges(keys=True))
    info = fresh_store.graph_info(URIRef(rc.HYPOTHESES_GRAPH))
    assert info["loader"] == "link-prediction"
    import pyoxigraph as ox

    graph = ox.NamedNode(rc.HYPOTHESES_GRAPH)
    kind = list(fresh_store.oxigraph.quads_for_pattern(graph, ox.NamedNode("http://purl.org/dc/terms/type"), None, graph))
    assert [q.object.value for q in kind] == ["hypotheses"]
    statements = list(fresh_store.oxigraph.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement"), graph))
    assert len(statements) == len(recs) == 7


def _planted(seed=0, firms=60, labs=30, domains=10):
    """Synthetic: actors tie mostly within their domain, so shared domains predict ties."""
    rng = random.Random(seed)
    G = nx.Graph(domain_labels={f"d{i}": (f"d{i}", f"d{i}") for i in range(domains)})
    for i in range(firms + labs):
        kind = "firm" if i < firms else "lab"
        G.add_node(f"n{i}", kind=kind, label=f"n{i}", domains=(f"d{i % domains}",), regions=(), region_labels=(),
                   countries=(), foreign=False)
    nodes = list(G)
    for u in nodes:
        for v in nodes:
            if u < v and (G.nodes[u]["kind"], G.nodes[v]["kind"]) != ("lab", "lab"):
                same = G.nodes[u]["domains"] == G.nodes[v]["domains"]
                if rng.random() < (0.5 if same else 0.005):
                    G.add_edge(u, v, rels=("partnerOf",), weight=1)
    return G


def test_evaluation_beats_random_on_a_planted_graph():
    ev = rc.evaluate(_planted(), k=20, rounds=3, seed=1)
    assert ev["eligible"] > 50 and ev["hidden"] >= 10
    assert ev["precision_at_k"] > 3 * ev["random_baseline"]
    assert ev["lift"] == pytest.approx(ev["precision_at_k"] / ev["random_baseline"])


def test_evaluation_without_ties_says_so():
    G = nx.Graph()
    G.add_node("a", kind="firm")
    assert rc.evaluate(G)["precision_at_k"] is None


def test_unknown_score_is_rejected():
    from photonics_kg.errors import ConfigError

    with pytest.raises(ConfigError, match="resource_allocation"):
        rc.recommend(nx.Graph(), score="katz")
