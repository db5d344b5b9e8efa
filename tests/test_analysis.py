"""Structural analyses: hand-worked answers on tiny graphs and on the fixture graph; networkx and
python-igraph agree."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import networkx as nx
import pytest

from photonics_kg.graph import analysis as an
from photonics_kg.graph.projection import actor_graph, project

ID = "https://w3id.org/photonics-kg/id/"
DEFI = ID + "programme/defi-photonique"
RDL = ID + "cluster/route-des-lasers"
AMP = ID + "firm/amplitude-systemes"
EDIT = ID + "firm/edit-laser"
QUANTEL = ID + "firm/quantel"
OVC = ID + "event/optics-valley-of-china"
WNLO = ID + "lab/laboratoire-national-d-optoelectronique-de-wuhan"
XLIM = ID + "lab/xlim"
ELOPSYS = ID + "cluster/elopsys"
ALPHA = ID + "cluster/alpha-rlh"
SAGEM, THALES = ID + "firm/sagem", ID + "firm/thales"
CNOP, AFOP = ID + "association/cnop", ID + "association/afop"


@pytest.fixture(scope="module")
def fixture_graphs(fixture_store):
    P = project(fixture_store)
    return P, actor_graph(P)


# -- the fixture, worked by hand ---------------------------------------------------------------
# Components: DEFI with its 4 leaves (CNOP, AFOP, Sagem, Thales); Route des Lasers (R) with WNLO (W),
# Amplitude (A), Edit Laser (E), Quantel (Q), Optics Valley (O): R-W, A-W, A-R, E-R, Q-R, A-O, Q-O;
# Elopsys-XLIM; ALPHA-RLH alone. 14 nodes, 12 ties.

def test_degree_on_fixture(fixture_graphs):
    _, A = fixture_graphs
    d = an.degree(A)
    assert (d[DEFI], d[RDL], d[AMP], d[QUANTEL], d[WNLO], d[OVC], d[EDIT], d[ALPHA]) == (4, 4, 3, 2, 2, 2, 1, 0)


def test_betweenness_on_fixture(fixture_graphs):
    _, A = fixture_graphs
    b = an.betweenness(A, normalized=False)
    # DEFI: the 6 pairs of its leaves. R: E-W, E-A, E-Q, E-O (both E-O paths cross R), W-Q, half of A-Q.
    # A: W-O, half of E-O (E-R-A-O | E-R-Q-O), half of R-O. Q: the other halves. O: half of A-Q.
    assert b[DEFI] == 6 and b[RDL] == 5.5 and b[AMP] == 2 and b[QUANTEL] == 1 and b[OVC] == 0.5
    assert sum(b.values()) == 15
    normalized = an.betweenness(A)
    assert normalized[RDL] == pytest.approx(5.5 / 78)        # (n-1)(n-2)/2 = 78 pairs for n = 14


def test_cores_bridges_articulation_points_on_fixture(fixture_graphs):
    _, A = fixture_graphs
    k, members = an.main_core(A)
    assert k == 2 and set(members) == {RDL, WNLO, AMP, QUANTEL, OVC}      # E is a leaf, the rest a tree
    assert an.core_numbers(A)[EDIT] == 1 and an.core_numbers(A)[ALPHA] == 0
    assert an.articulation_points(A) == sorted([DEFI, RDL])
    expected = {tuple(sorted(e)) for e in [(DEFI, CNOP), (DEFI, AFOP), (DEFI, SAGEM), (DEFI, THALES),
                                           (RDL, EDIT), (ELOPSYS, XLIM)]}
    assert set(an.bridges(A)) == expected


def test_structural_holes_on_fixture(fixture_graphs):
    _, A = fixture_graphs
    c = an.constraint(A)
    assert c[DEFI] == pytest.approx(0.25)                    # 4 unconnected contacts: 4 x (1/4)^2
    assert c[CNOP] == pytest.approx(1.0)
    # R's contacts W, A, E, Q (p = 1/4 each); W-A tied: p(R,W) + p(R,A)p(A,W) = 1/4 + 1/4*1/3,
    # p(R,A) + p(R,W)p(W,A) = 1/4 + 1/4*1/2
    expected = (Fraction(1, 4) + Fraction(1, 12)) ** 2 + (Fraction(1, 4) + Fraction(1, 8)) ** 2 + 2 * Fraction(1, 16)
    assert c[RDL] == pytest.approx(float(expected))
    assert math.isnan(c[ALPHA])
    e = an.effective_size(A)
    assert (e[DEFI], e[RDL], e[AMP], e[WNLO], e[QUANTEL]) == pytest.approx((4, 3.5, 3 - 2 / 3, 1, 2))


def test_sponsor_dependence_on_fixture(fixture_graphs):
    P, A = fixture_graphs
    groups = an.sponsor_groups(P)
    assert groups == {"Sagem": {"members": [SAGEM], "sponsorships": 1},
                      "Thales": {"members": [THALES], "sponsorships": 1}}
    d = an.sponsor_dependence(A, [SAGEM, THALES], sponsorships={"Sagem": 1, "Thales": 1})
    # Sagem and Thales are leaves of DEFI: 2 of 12 ties, no path between others runs through them
    assert d["link_share"] == pytest.approx(2 / 12)
    assert d["path_share"] == 0 and d["cut_share"] == 0
    assert d["sponsorship_hhi"] == 0.5
    # brokerage concentration: betweenness 6, 5.5, 2, 1, 0.5 of 15
    assert an.hhi(an.betweenness(A).values()) == pytest.approx((36 + 30.25 + 4 + 1 + 0.25) / 225)


def test_louvain_on_fixture_reaches_the_best_partition(fixture_graphs):
    _, A = fixture_graphs
    found = an.communities(A)
    # never across components, and as good as the best partition found by brute force
    comps = [set(c) for c in nx.connected_components(A)]
    assert all(any(c <= comp for comp in comps) for c in found)
    assert an.modularity(A, found) == pytest.approx(_best_modularity(A), abs=1e-9)


def _partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first] + part[i]] + part[i + 1:]
        yield [[first]] + part


def _best_modularity(G):
    # modularity is a sum over communities and the best partition never joins two components,
    # so the optimum is the sum of the per-component optima (m stays the whole graph's)
    m = G.number_of_edges()
    total = 0.0
    for comp in nx.connected_components(G):
        best = -1.0
        for part in _partitions(sorted(comp)):
            q = 0.0
            for block in part:
                inner = G.subgraph(block).number_of_edges()
                deg = sum(d for _, d in G.degree(block))
                q += inner / m - (deg / (2 * m)) ** 2
            best = max(best, q)
        total += best
    return total


def test_communities_are_named_by_dominant_domain_and_region(fixture_graphs):
    _, A = fixture_graphs
    named = {frozenset(c): an.name_community(A, c) for c in an.communities(A)}
    route = next(v for c, v in named.items() if RDL in c)
    # Amplitude and Edit Laser (manufacturing) outnumber Quantel (health); all located ones are in Nouvelle-Aquitaine
    assert route["name"] == "Manufacturing et Contrôle · Nouvelle-Aquitaine"
    xlim = next(v for c, v in named.items() if XLIM in c)
    assert xlim["name"] == "Télécoms · Nouvelle-Aquitaine"
    assert an.name_community(A, [ALPHA])["name"] == "—"
    assert an.name_community(A, [XLIM], lang="en")["name"] == "Telecommunications · Nouvelle-Aquitaine"


def test_analyze_bundles_everything(fixture_graphs):
    P, A = fixture_graphs
    r = an.analyze(A, sponsors=an.sponsor_groups(P))
    assert [b["label"] for b in r["brokers"][:2]] == ["DEFI Photonique", "Route des Lasers"]
    assert r["brokers"][0]["articulation_point"] is True
    assert r["summary"]["components"] == 4 and r["summary"]["isolated"] == 1
    assert r["bridges"]["count"] == 6 and r["articulation_points"]["count"] == 2
    assert r["sponsor_dependence"]["link_share"] == pytest.approx(1 / 6)
    assert r["top_eigenvector"][0]["label"] == "Route des Lasers"   # centre of the largest component
    assert set(r["timings"]) >= {"betweenness", "communities", "constraint"}


# -- tiny graphs ---------------------------------------------------------------------------------
def test_path_share_on_a_cycle_and_a_bridge():
    assert an.path_share_through(nx.path_graph(["a", "s", "b"]), {"s"}) == 1.0
    # square 0-1-2-3: pairs outside {0}: 1-2 (adjacent), 2-3 (adjacent), 1-3 (one of 2 paths through 0)
    assert an.path_share_through(nx.cycle_graph(4), {0}) == pytest.approx(1 / 6)


def test_path_share_matches_group_betweenness_on_a_connected_graph():
    G = nx.karate_club_graph()
    group = {0, 33}
    n_out = len(G) - len(group)
    expected = nx.group_betweenness_centrality(G, group, normalized=False) / (n_out * (n_out - 1) / 2)
    assert an.path_share_through(G, group) == pytest.approx(expected)
    sampled = an.path_share_through(G, group, samples=16, seed=1)
    assert abs(sampled - expected) < 0.1


def test_sponsor_groups_join_subsidiaries():
    P = nx.MultiDiGraph()
    for n, kind, label in [("s", "firm", "Sagem"), ("p", "firm", "Safran"), ("t", "firm", "Thales"),
                           ("d", "programme", "DEFI"), ("r", "public_body", "Région")]:
        P.add_node(n, kind=kind, label=label)
    for s, o, rel in [("s", "d", "sponsorOf"), ("t", "d", "sponsorOf"), ("p", "d", "sponsorOf"),
                      ("s", "p", "subsidiaryOf"), ("r", "d", "sponsorOf")]:
        P.add_edge(s, o, key=rel, rel=rel)
    groups = an.sponsor_groups(P)
    assert groups["Safran / Sagem"] == {"members": ["p", "s"], "sponsorships": 2}
    assert len(groups) == 2                        # the public body is no industrial sponsor
    assert an.hhi(g["sponsorships"] for g in groups.values()) == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)


def test_unknown_backend_is_a_config_error():
    from photonics_kg.errors import ConfigError

    with pytest.raises(ConfigError, match="allowed: auto, networkx, igraph"):
        an.betweenness(nx.path_graph(3), backend="graph-tool")


# -- networkx and igraph agree ------------------------------------------------------------------
GRAPHS = {
    "karate": lambda: nx.karate_club_graph(),
    "random": lambda: nx.gnm_random_graph(200, 500, seed=3),
    "fixture-like": lambda: nx.Graph([("d", "a"), ("d", "b"), ("r", "w"), ("a2", "w"), ("a2", "r"), ("e", "r"), ("x", "y")]),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_backends_agree(name):
    G = nx.Graph(GRAPHS[name]())
    for metric in (lambda b: an.betweenness(G, backend=b),
                   lambda b: an.betweenness(G, backend=b, sample_above=5, k=7, seed=2),
                   lambda b: an.eigenvector(G, backend=b), lambda b: an.pagerank(G, backend=b),
                   lambda b: an.core_numbers(G, backend=b), lambda b: an.constraint(G, backend=b),
                   lambda b: an.effective_size(G, backend=b)):
        ours, theirs = metric("networkx"), metric("igraph")
        for n in G:
            if isinstance(ours[n], float) and math.isnan(ours[n]):
                assert math.isnan(theirs[n])
            else:
                assert theirs[n] == pytest.approx(ours[n], abs=1e-6)
    assert an.bridges(G, backend="networkx") == an.bridges(G, backend="igraph")
    assert an.articulation_points(G, backend="networkx") == an.articulation_points(G, backend="igraph")


def test_louvain_backends_find_planted_communities():
    G = nx.planted_partition_graph(4, 25, 0.5, 0.01, seed=7)
    planted = [set(range(i * 25, (i + 1) * 25)) for i in range(4)]
    for backend in ("networkx", "igraph"):
        found = an.communities(G, backend=backend, seed=1)
        assert sorted(map(sorted, found)) == sorted(map(sorted, planted))


def test_auto_backend_switches_on_size():
    assert an.choose_backend(nx.empty_graph(an.IGRAPH_ABOVE)) == "networkx"
    assert an.choose_backend(nx.empty_graph(an.IGRAPH_ABOVE + 1)) == "igraph"
