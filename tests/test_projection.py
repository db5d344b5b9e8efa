"""The networkx projection: node and edge typing, the "as of year" rules, stores with select()."""

from __future__ import annotations

import pytest

from photonics_kg.graph.projection import (ORG_NS, PHOT_NS, SparqlEndpoint, actor_graph, graph_from_rows,
                                           holds_in, exists_in, project)

ID = "https://w3id.org/photonics-kg/id/"
RDL = ID + "cluster/route-des-lasers"
AMPLITUDE = ID + "firm/amplitude-systemes"
WNLO = ID + "lab/laboratoire-national-d-optoelectronique-de-wuhan"


def test_fixture_projection_by_hand(fixture_store):
    P = project(fixture_store)
    A = actor_graph(P)
    # 14 actors: 2 associations, 5 firms, 1 programme, 3 clusters, 2 labs, 1 event; 6 domains
    assert A.number_of_nodes() == 14
    assert sum(1 for _, d in P.nodes(data=True) if d["kind"] == "domain") == 6
    # 12 ties: 4 around DEFI, 7 around Route des Lasers, XLIM-Elopsys (mergers are no ties)
    assert A.number_of_edges() == 12
    assert A.edges[RDL, WNLO]["rels"] == ("partnerOf",)
    assert P.edges[RDL, WNLO, "partnerOf"]["periods"] == ((2010, None),)
    assert P.nodes[AMPLITUDE]["sme"] is True
    assert P.nodes[WNLO]["foreign"] is True and P.nodes[AMPLITUDE]["foreign"] is False
    assert P.nodes[AMPLITUDE]["region_labels"] == ("Nouvelle-Aquitaine",)
    assert P.nodes[AMPLITUDE]["domains"] == (ID + "domain/manufacturing-et-controle",)
    assert not A.has_edge(RDL, ID + "cluster/alpha-rlh")   # mergedInto is a succession, not a tie
    assert set(P.graph["queries"]) == {"graph-nodes", "graph-edges", "graph-periods"}


def test_fixture_as_of_years(fixture_store):
    # 2020: Route des Lasers and Elopsys merged into ALPHA-RLH in 2017 and are gone with their ties
    A = actor_graph(project(fixture_store, 2020))
    assert RDL not in A and ID + "cluster/elopsys" not in A and ID + "cluster/alpha-rlh" in A
    assert A.number_of_nodes() == 12 and A.number_of_edges() == 7
    # 2010: the Route des Lasers-WNLO agreement (2010) holds, the Amplitude-WNLO one (2011) not yet
    A = actor_graph(project(fixture_store, 2010))
    assert A.has_edge(RDL, WNLO) and not A.has_edge(AMPLITUDE, WNLO)
    # 2003: Route des Lasers was created in 2004
    assert RDL not in actor_graph(project(fixture_store, 2003))


def test_year_rules():
    assert exists_in(2004, 2017, 2016) and not exists_in(2004, 2017, 2017) and not exists_in(2004, None, 2003)
    assert holds_in(2010, 2012, 2010) and holds_in(2010, 2012, 2012) and not holds_in(2010, 2012, 2013)


def test_tie_with_two_periods_holds_in_either():
    nodes = [{"node": "a", "class": PHOT_NS + "Firm"}, {"node": "b", "class": PHOT_NS + "ResearchLab"}]
    edges = [{"s": "a", "rel": PHOT_NS + "partnerOf", "o": "b", "start": 2001, "end": 2003},
             {"s": "a", "rel": PHOT_NS + "partnerOf", "o": "b", "start": 2010}]
    assert graph_from_rows(nodes, edges, year=2002).has_edge("a", "b")
    assert not graph_from_rows(nodes, edges, year=2005).has_edge("a", "b")
    assert graph_from_rows(nodes, edges, year=2011).has_edge("a", "b")


def test_edges_to_unknown_or_mistyped_nodes_are_dropped():
    nodes = [{"node": "a", "class": PHOT_NS + "Firm"}, {"node": "b", "class": PHOT_NS + "Firm"}]
    edges = [{"s": "a", "rel": ORG_NS + "memberOf", "o": "nowhere"},
             {"s": "a", "rel": PHOT_NS + "activeIn", "o": "b"}]          # activeIn must point to a domain
    G = graph_from_rows(nodes, edges)
    assert G.number_of_edges() == 0 and G.number_of_nodes() == 2


def test_any_object_with_select_is_a_store(fixture_store):
    class Recorder:
        def __init__(self):
            self.calls = 0

        def select(self, text, bindings=None):
            self.calls += 1
            return fixture_store.select(text, bindings)

    rec = Recorder()
    assert project(rec).number_of_nodes() == project(fixture_store).number_of_nodes()
    assert rec.calls == 3


def test_endpoint_rejects_non_http_urls():
    from photonics_kg.errors import ConfigError

    with pytest.raises(ConfigError):
        SparqlEndpoint("file:///etc/passwd")
