"""The network page without a browser: projection, filters, ego network, aggregation, the page, the CLI.

Expected numbers are worked out by hand from tests/data/fixture.yaml: 14 actors (5 firms, 3
clusters, 2 labs, 2 associations, 1 programme, 1 event) and 14 ties between them (4 to DEFI
Photonique, 2 partnerships with WNLO, 4 memberships, 2 participations in Optics Valley of China,
2 mergers into ALPHA-RLH). Places and domains are attributes, not nodes.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import networkx as nx
import pytest

from photonics_kg.errors import ConfigError
from photonics_kg.graph import viz

ID = "https://w3id.org/photonics-kg/id/"
QUANTEL = ID + "firm/quantel"
RDL = ID + "cluster/route-des-lasers"
ALPHA = ID + "cluster/alpha-rlh"
WNLO = ID + "lab/laboratoire-national-d-optoelectronique-de-wuhan"


@pytest.fixture(scope="module")
def graph(fixture_store):
    return viz.graph_from_store(fixture_store)


@pytest.fixture(scope="module")
def norm(graph):
    return viz.normalise(graph)


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="pkg-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


# -- the two queries -------------------------------------------------------------------------
def test_viz_queries_on_the_fixture(fixture_store):
    from photonics_kg.queries.library import get

    nodes = fixture_store.select(get("viz-nodes").text)
    assert len({r["node"] for r in nodes if r["key"] == "type"}) == 14
    assert {r["value"] for r in nodes if r["key"] == "region"} == {ID + "place/nouvelle-aquitaine",
                                                                   ID + "place/ile-de-france"}
    assert sorted(r["node"].rsplit("/", 1)[1] for r in nodes if r["key"] == "cluster") == [
        "amplitude-systemes", "edit-laser", "quantel", "xlim"]
    edges = fixture_store.select(get("viz-edges").text)
    assert len(edges) == 14                   # one fact and one source each in the fixture
    dated = sorted((r["s"].rsplit("/", 1)[1], r["start"]) for r in edges if "start" in r)
    assert dated == [("amplitude-systemes", 2011), ("elopsys", 2017), ("route-des-lasers", 2010),
                     ("route-des-lasers", 2017)]
    for name in ("viz-nodes", "viz-edges"):
        q = get(name)
        assert q.summary and q.returns and q.kind == "select"


# -- projection -------------------------------------------------------------------------------
def test_projection_counts_by_hand(graph):
    assert graph.number_of_nodes() == 14
    assert graph.number_of_edges() == 14
    assert Counter(d["type"] for _, d in graph.nodes(data=True)) == {
        "Firm": 5, "Cluster": 3, "ResearchLab": 2, "Association": 2, "Programme": 1, "Event": 1}
    assert Counter(k for *_, k in graph.edges(keys=True)) == {
        "memberOf": 4, "sponsorOf": 2, "partnerOf": 2, "participatesIn": 2, "mergedInto": 2,
        "ownerOf": 1, "managerOf": 1}


def test_projection_attributes(graph):
    amplitude = graph.nodes[ID + "firm/amplitude-systemes"]
    assert amplitude["region"] == ["Nouvelle-Aquitaine"]
    assert amplitude["domains"] == ["Manufacturing et Contrôle"]
    assert amplitude["clusters"] == ["Route des Lasers"]
    assert [s["title"] for s in amplitude["sources"]] == ["Route des Lasers and Wuhan [004_f9f87ba7564bb30f]"]
    defi = graph.nodes[ID + "programme/defi-photonique"]
    assert defi["domains"] == ["Manufacturing et Contrôle", "Santé et Vivant", "Télécoms"]
    assert defi["region"] == []
    wnlo = graph.nodes[WNLO]
    assert wnlo["region"] == [] and wnlo["countries"] == ["Chine"]
    assert wnlo["aliases"] == ["WNLO"]
    cnop = graph.nodes[ID + "association/cnop"]
    assert cnop["region"] == ["Île-de-France"]
    # a merger ends the predecessors and starts the successor
    assert graph.nodes[RDL]["founded"] == 2004 and graph.nodes[RDL]["dissolved"] == 2017
    assert graph.nodes[ALPHA]["founded"] == 2017 and graph.nodes[ALPHA]["dissolved"] is None
    # a source with a URL is a link; the merger's source is that article
    merger = graph.edges[RDL, ALPHA, "mergedInto"]
    assert merger["periods"] == [(2017, None)]
    assert merger["sources"][0]["url"].startswith("http://objectifaquitaine.latribune.fr/")
    assert graph.edges[RDL, WNLO, "partnerOf"]["periods"] == [(2010, None)]
    assert graph.edges[ID + "association/cnop", ID + "programme/defi-photonique", "ownerOf"]["periods"] == []


def test_degree_is_the_size_when_no_centrality(norm):
    assert norm.nodes[RDL]["centrality"] == 5          # wnlo, 3 members, alpha-rlh
    assert norm.nodes[ID + "programme/defi-photonique"]["centrality"] == 4
    assert norm.nodes[QUANTEL]["centrality"] == 2
    assert norm.graph["size_by"].startswith("degree")


def test_normalise_works_on_a_copy_and_accepts_the_projection_names():
    G = nx.MultiDiGraph()
    G.add_node("a", kind="lab", label="Lab A", region_labels=["Bretagne"], centrality=0.5)
    G.add_node("b", kind="public_body", label="Agence B", centrality=0.1)
    G.add_edge("a", "b", rel="partnerOf")
    G.add_edge("b", "a", rel="partnerOf")                     # the same partnership, stated twice
    before = {n: dict(d) for n, d in G.nodes(data=True)}
    N = viz.normalise(G)
    assert {n: dict(d) for n, d in G.nodes(data=True)} == before
    assert N.nodes["a"]["type"] == "ResearchLab" and N.nodes["b"]["type"] == "PublicBody"
    assert N.nodes["a"]["region"] == ["Bretagne"]
    assert N.number_of_edges() == 1
    assert N.nodes["a"]["centrality"] == 0.5 and N.graph["size_by"] == "centrality"


def test_normalise_reads_the_analysis_projection_attributes():
    """The shape of graph/projection.py's graph: kinds, IRIs, domain nodes, no clusters given."""
    place = ID + "place/"
    G = nx.MultiDiGraph()
    G.add_node("f", kind="firm", label="Firme F", regions=(place + "bretagne",), region_labels=("Bretagne",),
               countries=(place + "france",), founding=2001, dissolution=None, domains=("d",))
    G.add_node("c", kind="cluster", label="Pôle C", regions=(), region_labels=(), countries=(), domains=())
    G.add_node("d", kind="domain", label="Télécoms", regions=(), region_labels=(), countries=(), domains=())
    G.add_edge("f", "c", key="memberOf", rel="memberOf", periods=((2010, None),))
    G.add_edge("f", "d", key="activeIn", rel="activeIn", periods=())
    N = viz.normalise(G)
    f = N.nodes["f"]
    assert (f["type"], f["region"], f["countries"], f["domains"], f["clusters"], f["founded"]) == (
        "Firm", ["Bretagne"], ["France"], ["Télécoms"], ["Pôle C"], 2001)
    assert N.nodes["d"]["type"] == "Domain"
    assert N.edges["f", "c", "memberOf"]["periods"] == [(2010, None)]
    H, _ = viz.select(N, viz.Selection(clusters=("pôle c",), year=2005))
    assert sorted(H.nodes) == ["c", "f"] and H.number_of_edges() == 0      # membership from 2010
    page = viz.make_page(G)
    assert (page.nodes, page.edges) == (3, 2)
    assert {e["rel"]: e["dashes"] for e in page_data(page.html)["edges"]}["activeIn"] == [1, 4]


# -- filters, year, ego -----------------------------------------------------------------------
@pytest.mark.parametrize("sel, nodes, edges", [
    (viz.Selection(), 14, 14),
    (viz.Selection(types=("Firm",)), 5, 0),
    (viz.Selection(types=("cluster",)), 3, 2),
    (viz.Selection(domains=("Manufacturing et Contrôle",)), 3, 0),
    (viz.Selection(domains=("health and life sciences",)), 2, 0),     # English label, any case
    (viz.Selection(regions=("nouvelle-aquitaine",)), 5, 3),
    (viz.Selection(regions=("Île-de-France",)), 1, 0),
    (viz.Selection(clusters=("Route des Lasers",)), 4, 3),
    (viz.Selection(year=2010), 13, 11),      # ALPHA-RLH not yet; Amplitude-WNLO (2011) and mergers not yet
    (viz.Selection(year=2017), 12, 7),       # Route des Lasers and Elopsys merged away
    (viz.Selection(focus="Quantel", depth=1), 3, 2),
    (viz.Selection(focus="quantel", depth=2), 7, 8),
    (viz.Selection(focus=ALPHA, depth=2), 8, 8),
    (viz.Selection(focus="WNLO", depth=1, types=("Firm",)), 2, 1),   # the focus stays
])
def test_selection_by_hand(norm, sel, nodes, edges):
    H, _ = viz.select(norm, sel)
    assert (H.number_of_nodes(), H.number_of_edges()) == (nodes, edges)


def test_bad_filter_values_name_the_allowed_ones(norm):
    with pytest.raises(ConfigError, match="unknown région 'Bretagne'; allowed: Île-de-France, Nouvelle-Aquitaine"):
        viz.select(norm, viz.Selection(regions=("Bretagne",)))
    with pytest.raises(ConfigError, match="unknown domain 'Spatial'; allowed: Manufacturing et Contrôle"):
        viz.select(norm, viz.Selection(domains=("Spatial",)))


def test_focus_resolution(norm):
    assert viz.resolve_focus(norm, "route des lasers") == RDL
    assert viz.resolve_focus(norm, "wnlo") == WNLO                      # an alias
    assert viz.resolve_focus(norm, "Optics Valley") == ID + "event/optics-valley-of-china"   # unique part
    with pytest.raises(ConfigError, match="did you mean: Quantel"):
        viz.resolve_focus(norm, "Quantell")
    with pytest.raises(ConfigError, match="matches 2 nodes"):
        viz.resolve_focus(norm, "laser")                                # Edit Laser, Route des Lasers
    with pytest.raises(ConfigError, match="did not exist in 2010"):
        viz.select(norm, viz.Selection(focus="ALPHA-RLH", year=2010))


# -- aggregation ------------------------------------------------------------------------------
def test_aggregate_by_region_by_hand(norm):
    A = viz.aggregate(norm, "region")
    assert dict(A.nodes(data="members")) == {"Nouvelle-Aquitaine": 5, "Île-de-France": 1,
                                             viz.ABROAD: 1, viz.NO_REGION: 7}
    assert A.nodes["Nouvelle-Aquitaine"]["internal"] == 3
    assert A.edges["Nouvelle-Aquitaine", viz.NO_REGION]["weight"] == 4
    assert A.edges["Nouvelle-Aquitaine", viz.ABROAD]["weight"] == 2
    assert A.edges["Île-de-France", viz.NO_REGION]["weight"] == 1
    assert A.number_of_edges() == 3
    # every tie is counted once: inside a group or between two
    assert sum(d["internal"] for _, d in A.nodes(data=True)) + A.size(weight="weight") == 14


def test_aggregate_by_cluster_by_hand(norm):
    A = viz.aggregate(norm, "cluster")
    assert dict(A.nodes(data="members")) == {"Route des Lasers": 4, "Elopsys": 2, "ALPHA-RLH": 1,
                                             viz.NO_CLUSTER: 7}
    assert A.nodes["Route des Lasers"]["top"][0] == "Route des Lasers"


def test_big_graphs_are_aggregated_with_a_note(graph):
    page = viz.make_page(graph, max_nodes=10)
    assert page.view == "aggregated" and page.aggregated_by == "region"
    assert (page.nodes, page.edges) == (4, 3)
    assert "Aggregated view: 14 organisations are too many to draw one by one" in page.html
    data = page_data(page.html)
    assert data["meta"]["view"] == "aggregated"
    assert {n["id"]: n["members"] for n in data["nodes"]}["Nouvelle-Aquitaine"] == 5
    small = viz.make_page(graph, max_nodes=14)
    assert small.view == "whole" and small.nodes == 14


# -- the page ---------------------------------------------------------------------------------
def test_page_is_self_contained(graph):
    html = viz.make_page(graph).html
    # no script, stylesheet, image or frame fetched from anywhere: everything is inline
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html, re.I)
    assert not re.search(r"<link[^>]*href=\"(?!data:)", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", html, re.I)
    assert "vis.Network" in html and "DataSet" in html          # vis-network is inlined
    assert html.count("</script>") == 4                          # data, options, vis-network, page


def test_page_data_carries_what_the_tooltips_show(graph):
    data = page_data(viz.make_page(graph).html)
    by_id = {n["id"]: n for n in data["nodes"]}
    q = by_id[QUANTEL]
    assert q["label"] == "Quantel" and q["type"] == "Firm" and q["group"] == "Firm"
    assert q["domains"] == ["Santé et Vivant"] and q["clusters"] == ["Route des Lasers"]
    assert [data["docs"][i]["title"] for i in q["src"]] == ["Route des Lasers and Wuhan [004_f9f87ba7564bb30f]"]
    assert by_id[RDL]["value"] == 5
    styles = {e["rel"]: (e["dashes"], e["arrows"]["to"]["enabled"]) for e in data["edges"]}
    assert styles["partnerOf"] == (False, False)
    assert styles["mergedInto"][0] and styles["mergedInto"][1]
    assert len(data["edges"]) == 14 and len({e["id"] for e in data["edges"]}) == 14


def test_data_cannot_break_out_of_the_page():
    G = nx.Graph()
    G.add_node("x", type="Firm", label="</script><script>alert(1)</script>")
    G.add_node("y", type="Firm", label="Ordinary")
    G.add_edge("x", "y", relation="partnerOf")
    html = viz.make_page(G).html
    assert "<script>alert(1)" not in html
    assert page_data(html)["nodes"][0]["label"] == "</script><script>alert(1)</script>"


def test_ego_page_marks_the_focus(graph):
    page = viz.make_page(graph, viz.Selection(focus="Quantel", depth=2))
    assert (page.view, page.nodes, page.edges, page.focus) == ("ego", 7, 8, QUANTEL)
    assert "Ego network of Quantel" in page.html
    focus = [n for n in page_data(page.html)["nodes"] if n.get("focus")]
    assert [n["id"] for n in focus] == [QUANTEL]


def test_nothing_to_draw_is_an_error(graph):
    with pytest.raises(ConfigError, match="nothing matches"):
        viz.make_page(graph, viz.Selection(types=("University",)))
    with pytest.raises(ConfigError, match="no organisation, programme or event to draw"):
        viz.make_page(nx.Graph())


# -- the command line -------------------------------------------------------------------------
def _fixture_store_dir(tmp_path):
    from conftest import FIXTURE_YAML
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    path = tmp_path / "store"
    with KGStore(path) as store:
        build(store, [str(FIXTURE_YAML)], log=lambda m: None, progress=False)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _fixture_store_dir(tmp_path_factory.mktemp("viz"))


def test_cli_writes_the_page(cli, built, tmp_path):
    out = tmp_path / "network.html"
    result = cli("viz", "--out", out, "--store", built)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: 14 nodes, 14 edges, whole ecosystem")
    assert page_data(out.read_text(encoding="utf-8"))["meta"]["totalNodes"] == 14


def test_cli_filters_and_focus(cli, built, tmp_path):
    out = tmp_path / "na.html"
    result = cli("viz", "--out", out, "--store", built, "--region", "Nouvelle-Aquitaine", "--year", "2016")
    assert result.exit_code == 0, result.output
    assert "5 nodes, 3 edges" in result.output
    result = cli("viz", "--out", out, "--store", built, "--focus", "Quantel", "--depth", "1")
    assert result.exit_code == 0, result.output
    assert "3 nodes, 2 edges, ego network of Quantel" in result.output
    result = cli("viz", "--out", out, "--store", built, "--max-nodes", "5", "--aggregate", "cluster")
    assert "4 nodes, 3 edges, aggregated by cluster (14 organisations)" in result.output


@pytest.mark.parametrize("args, message", [
    (["--type", "Spaceship"], "unknown type 'Spaceship'; allowed: Association, Cluster, Domain, Event, Firm, Programme, PublicBody, ResearchLab, University"),
    (["--region", "Atlantis"], "unknown région 'Atlantis'; allowed: Île-de-France, Nouvelle-Aquitaine"),
    (["--domain", "Cuisine"], "unknown domain 'Cuisine'; allowed: Manufacturing et Contrôle, Santé et Vivant, Télécoms"),
    (["--cluster", "Pôle X"], "unknown cluster 'Pôle X'; allowed: ALPHA-RLH, Elopsys, Route des Lasers"),
    (["--focus", "Nobody"], "--focus 'Nobody': no organisation of that name"),
    (["--depth", "2"], "--depth needs --focus"),
    (["--depth", "0", "--focus", "Quantel"], "0 is not in the range"),
    (["--year", "20000"], "20000 is not in the range"),
    (["--aggregate", "country"], "'country' is not one of 'auto', 'region', 'cluster', 'none'"),
])
def test_cli_bad_values_exit_2_listing_the_allowed_ones(cli, built, tmp_path, args, message):
    out = tmp_path / "bad.html"
    result = cli("viz", "--out", out, "--store", built, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_without_a_store(cli, tmp_path):
    result = cli("viz", "--out", tmp_path / "x.html", "--store", tmp_path / "nothing")
    assert result.exit_code == 2 and "run 'photonics-kg build' first" in result.output


# -- layout of big graphs ---------------------------------------------------------------------
def ring_of_rings(n: int) -> nx.Graph:
    """A SYNTHETIC graph of n firms in rings of 10 joined in a chain (no real organisation)."""
    G = nx.Graph(synthetic=True)
    for i in range(n):
        G.add_node(i, type="Firm", label=f"synthetic firm {i}", region=[f"R{i // 100}"])
    for i in range(n):
        G.add_edge(i, (i // 10) * 10 + (i + 1) % 10, relation="partnerOf")
        if i % 10 == 0 and i + 10 < n:
            G.add_edge(i, i + 10, relation="memberOf")
    return G


def test_big_graphs_are_laid_out_when_written():
    pytest.importorskip("igraph")
    G = ring_of_rings(400)
    page = viz.make_page(G)
    data = page_data(page.html)
    assert data["meta"]["layout"] == "precomputed"
    assert all("x" in n and "y" in n for n in data["nodes"])
    assert len({(n["x"], n["y"]) for n in data["nodes"]}) == 400
    # the same graph gives the same page
    assert viz.make_page(G).html == page.html
    # neighbours end up closer than the average pair: the layout follows the ties
    pos = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    dist = lambda a, b: ((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5
    tied = sum(dist(str(u), str(v)) for u, v in G.edges()) / G.number_of_edges()
    spread = sum(dist(str(i), str((i * 7919) % 400)) for i in range(400)) / 400
    assert tied < spread / 3


def test_physics_layout_starts_from_seeded_positions():
    page = viz.make_page(ring_of_rings(400), layout="physics")
    data = page_data(page.html)
    options = json.loads(re.search(r'id="pkg-options">(.*?)</script>', page.html, re.S).group(1))
    assert data["meta"]["layout"] == "physics" and options["physics"]["enabled"] is True
    assert options["physics"]["stabilization"]["iterations"] == 300
    assert data["meta"]["settleDeadlineMs"] == viz.SETTLE_DEADLINE_MS
    assert all("x" in n for n in data["nodes"])
    with pytest.raises(ConfigError, match="unknown layout 'spring'; allowed: auto, physics"):
        viz.make_page(ring_of_rings(20), layout="spring")
