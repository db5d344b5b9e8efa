"""Network analyses of the ecosystem: who holds it together, what depends on one actor.

One function per analysis, each pure over an undirected ``networkx.Graph`` (the
:func:`~photonics_kg.graph.projection.actor_graph` of the store, or any graph you build), each
documented with an example you can check by hand. Metrics are computed on the unweighted graph:
a tie is a tie, whatever the number of relations behind it (``weight`` stays available to you).

Past :data:`IGRAPH_ABOVE` nodes the heavy metrics (betweenness, eigenvector, PageRank, k-cores,
Louvain, bridges, articulation points, constraint, effective size) are computed with
python-igraph, which does the same work in compiled code: on this machine it is tens to hundreds
of times faster (``bench/analysis.py``), and ``tests/test_analysis.py`` checks that both backends
agree on small graphs. ``backend="networkx"`` or ``"igraph"`` forces one.

>>> G = nx.star_graph(3)                     # 0 in the middle of 1, 2, 3
>>> betweenness(G, normalized=False)
{0: 3.0, 1: 0.0, 2: 0.0, 3: 0.0}
>>> articulation_points(G), len(bridges(G))
([0], 3)
"""

from __future__ import annotations

import math
import random
import time
import weakref
from collections import Counter
from typing import Callable, Iterable

import networkx as nx

from photonics_kg.errors import ConfigError

#: above this many nodes the heavy metrics use python-igraph ("auto" backend)
IGRAPH_ABOVE = 3000
#: above this many nodes betweenness is estimated from a sample of source nodes
SAMPLE_ABOVE = 2000
#: number of source nodes of sampled betweenness (BIG_GRAPH_SAMPLES above BIG_GRAPH nodes, where
#: each breadth-first search costs ~0.1 s: the ranking of the top brokers is stable with fewer)
BETWEENNESS_SAMPLES = 500
BIG_GRAPH = 20000
BIG_GRAPH_SAMPLES = 64
#: number of source nodes of the sampled share of shortest paths through the sponsors
PATH_SAMPLES = 256
BIG_GRAPH_PATH_SAMPLES = 32
BACKENDS = ("auto", "networkx", "igraph")


# -- backends ------------------------------------------------------------------------------
def choose_backend(G: nx.Graph, backend: str = "auto") -> str:
    """``networkx`` or ``igraph`` for ``G``.

    >>> choose_backend(nx.path_graph(3)), choose_backend(nx.path_graph(3), "igraph")
    ('networkx', 'igraph')
    """
    if backend not in BACKENDS:
        raise ConfigError(f"unknown backend {backend!r}; allowed: {', '.join(BACKENDS)}")
    if backend == "auto":
        return "igraph" if G.number_of_nodes() > IGRAPH_ABOVE else "networkx"
    return backend


_IGRAPH_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def to_igraph(G: nx.Graph):
    """``(igraph.Graph, nodes)``: the same undirected graph, vertex ``i`` being ``nodes[i]``.

    The conversion is remembered for ``G`` (while its size is unchanged): :func:`analyze` runs
    ten metrics on one graph, and converting 100k actors takes a second or two each time.
    """
    import igraph as ig

    size = (G.number_of_nodes(), G.number_of_edges())
    cached = _IGRAPH_CACHE.get(G)
    if cached is not None and cached[0] == size:
        return cached[1], cached[2]
    nodes = list(G.nodes())
    index = {n: i for i, n in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges() if u != v], directed=False)
    try:
        _IGRAPH_CACHE[G] = (size, g, nodes)
    except TypeError:  # pragma: no cover - a graph class that cannot be weakly referenced
        pass
    return g, nodes


# -- centralities --------------------------------------------------------------------------
def degree(G: nx.Graph) -> dict:
    """Number of ties of each node.

    >>> degree(nx.path_graph(3))
    {0: 1, 1: 2, 2: 1}
    """
    return dict(G.degree())


def betweenness(G: nx.Graph, *, normalized: bool = True, sample_above: int = SAMPLE_ABOVE,
                k: int | None = None, seed: int = 0, backend: str = "auto") -> dict:
    """Betweenness centrality: the share of shortest paths between other nodes passing through each node.

    Exact up to ``sample_above`` nodes; above, estimated from ``k`` source nodes drawn with
    ``seed`` (networkx's estimator; both backends draw the same sources, so they agree).

    Parameters
    ----------
    normalized : divide by the number of pairs (True) or count pairs (False, undirected pairs once)

    Examples
    --------
    A path a-b-c-d: b lies on a-c and a-d, c on a-d and b-d.

    >>> betweenness(nx.path_graph(["a", "b", "c", "d"]), normalized=False)
    {'a': 0.0, 'b': 2.0, 'c': 2.0, 'd': 0.0}
    """
    n = G.number_of_nodes()
    if k is None:
        k = BIG_GRAPH_SAMPLES if n > BIG_GRAPH else BETWEENNESS_SAMPLES
    sampled = n > sample_above and k < n
    if choose_backend(G, backend) == "networkx":
        return nx.betweenness_centrality(G, k=k if sampled else None, normalized=normalized, seed=seed)
    g, nodes = to_igraph(G)
    if not sampled:
        raw = g.betweenness(directed=False)
        scale = (2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0) if normalized else 1.0
        return {node: raw[i] * scale for i, node in enumerate(nodes)}
    pivots = random.Random(seed).sample(list(G.nodes()), k)  # the sources networkx would draw
    index = {node: i for i, node in enumerate(nodes)}
    raw = g.betweenness(directed=False, sources=[index[p] for p in pivots])
    # igraph counts each (source, target) path once; networkx's estimator counts ordered pairs
    # from the sources and rescales sources and non-sources differently (networkx._rescale)
    N, pivot_set = n - 1, set(pivots)
    out = {}
    for i, node in enumerate(nodes):
        kk = k - 1 if node in pivot_set else k
        scale = (1.0 / (kk * (N - 1))) if normalized else (N / (kk * 2.0))
        out[node] = 2.0 * raw[i] * scale if kk > 0 else math.nan
    return out


def eigenvector(G: nx.Graph, *, backend: str = "auto") -> dict:
    """Eigenvector centrality in the largest connected component (unit Euclidean norm); 0 elsewhere.

    The measure is only defined component by component, and scores of different components
    cannot be compared: the report reads it as "central in the main body of the network".

    >>> {n: round(x, 3) for n, x in eigenvector(nx.star_graph(4)).items()}   # centre: 1/sqrt(2)
    {0: 0.707, 1: 0.354, 2: 0.354, 3: 0.354, 4: 0.354}
    """
    out = dict.fromkeys(G, 0.0)
    if G.number_of_edges() == 0:
        return out
    if choose_backend(G, backend) == "igraph":
        g, nodes = to_igraph(G)
        comps = g.connected_components()
        main = max(comps, key=lambda c: (len(c), -min(c)))
        if len(main) < 3:
            out.update({nodes[i]: 1 / math.sqrt(len(main)) for i in main})
            return out
        raw = g.induced_subgraph(main).eigenvector_centrality()
        norm = math.sqrt(sum(x * x for x in raw)) or 1.0
        out.update({nodes[i]: abs(x) / norm for i, x in zip(sorted(main), raw)})
        return out
    main = max(nx.connected_components(G), key=lambda c: (len(c), -min(_position(G, c))))
    H = G.subgraph(main)
    if len(H) < 3:
        out.update({n: 1 / math.sqrt(len(H)) for n in H})
        return out
    out.update({n: abs(v) for n, v in nx.eigenvector_centrality_numpy(H).items()})
    return out


def _position(G: nx.Graph, members) -> list[int]:
    order = {n: i for i, n in enumerate(G)}
    return [order[n] for n in members]


def pagerank(G: nx.Graph, *, alpha: float = 0.85, backend: str = "auto") -> dict:
    """PageRank with damping ``alpha`` (scores sum to 1).

    >>> {n: round(x, 3) for n, x in pagerank(nx.star_graph(2)).items()}
    {0: 0.486, 1: 0.257, 2: 0.257}
    """
    if G.number_of_nodes() == 0:
        return {}
    if choose_backend(G, backend) == "networkx":
        return nx.pagerank(G, alpha=alpha, weight=None, tol=1e-10, max_iter=1000)
    g, nodes = to_igraph(G)
    raw = g.pagerank(directed=False, damping=alpha)
    return {node: raw[i] for i, node in enumerate(nodes)}


# -- cohesion ------------------------------------------------------------------------------
def core_numbers(G: nx.Graph, *, backend: str = "auto") -> dict:
    """The k-core number of each node: the largest k such that it belongs to a subgraph where every node has k ties.

    >>> core_numbers(nx.lollipop_graph(3, 1))     # a triangle 0-1-2 with a tail 2-3
    {0: 2, 1: 2, 2: 2, 3: 1}
    """
    H = G
    if nx.number_of_selfloops(G):
        H = G.copy()
        H.remove_edges_from(list(nx.selfloop_edges(H)))
    if choose_backend(G, backend) == "networkx":
        return nx.core_number(H)
    g, nodes = to_igraph(H)
    return {node: c for node, c in zip(nodes, g.coreness())}


def main_core(G: nx.Graph, *, backend: str = "auto") -> tuple[int, list]:
    """``(k, members)`` of the innermost k-core.

    >>> main_core(nx.lollipop_graph(3, 1))
    (2, [0, 1, 2])
    """
    cores = core_numbers(G, backend=backend)
    if not cores:
        return 0, []
    k = max(cores.values())
    return k, sorted((n for n, c in cores.items() if c == k), key=str)


def communities(G: nx.Graph, *, seed: int = 0, resolution: float = 1.0, backend: str = "auto") -> list[set]:
    """Louvain communities, largest first (isolated nodes are communities of one).

    With the igraph backend: Leiden, which refines Louvain's partition on the same modularity
    objective (and never leaves a community disconnected); both find planted communities.

    >>> two_triangles = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> communities(two_triangles)
    [{1, 2, 3}, {4, 5, 6}]
    """
    if G.number_of_nodes() == 0:
        return []
    if choose_backend(G, backend) == "networkx":
        found = nx.community.louvain_communities(G, seed=seed, resolution=resolution)
    else:
        # Leiden, the refinement of Louvain on the same modularity objective: igraph's multilevel
        # (Louvain) took 26 s on the 100k-actor benchmark graph, Leiden under 4 s
        import igraph as ig

        g, nodes = to_igraph(G)
        state = random.getstate()  # python-igraph draws from the random module: seed it, then restore
        random.seed(seed)
        try:
            clustering = g.community_leiden(objective_function="modularity", resolution=resolution,
                                            n_iterations=2)
        finally:
            random.setstate(state)
        found = [{nodes[i] for i in members} for members in clustering]
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


def modularity(G: nx.Graph, parts: Iterable[set], *, backend: str = "auto") -> float:
    """Newman's modularity of a partition (unweighted).

    >>> round(modularity(nx.Graph([(1, 2), (3, 4)]), [{1, 2}, {3, 4}]), 3)
    0.5
    """
    if not G.number_of_edges():
        return 0.0
    parts = list(parts)
    if choose_backend(G, backend) == "networkx":
        return nx.community.modularity(G, parts, weight=None)
    g, nodes = to_igraph(G)
    block = {n: i for i, part in enumerate(parts) for n in part}
    return g.modularity([block[n] for n in nodes])


def name_community(G: nx.Graph, members: Iterable, *, lang: str = "fr") -> dict:
    """Name a community by its dominant domain and région (the most frequent among its members).

    Returns ``{"name", "domain", "region", "size", "domain_share", "region_share"}``; ties go
    to the alphabetically first label, a missing part is ``None``.

    >>> G = nx.Graph(domain_labels={"d:1": ("Santé", "Health")})
    >>> G.add_node("a", domains=("d:1",), region_labels=("Occitanie",))
    >>> G.add_node("b", domains=(), region_labels=("Occitanie",))
    >>> name_community(G, ["a", "b"], lang="en")["name"]
    'Health · Occitanie'
    """
    members = list(members)
    labels = G.graph.get("domain_labels", {})
    pick = 1 if lang == "en" else 0
    domains: Counter = Counter()
    regions: Counter = Counter()
    for n in members:
        data = G.nodes[n]
        for d in data.get("domains", ()):
            domains[labels.get(d, (d, d))[pick]] += 1
        for r in data.get("region_labels", ()):
            regions[r] += 1

    def top(counter: Counter):
        if not counter:
            return None, 0.0
        label, count = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        return label, count / len(members)

    domain, dshare = top(domains)
    region, rshare = top(regions)
    name = " · ".join(p for p in (domain, region) if p) or "—"
    return {"name": name, "domain": domain, "region": region, "size": len(members),
            "domain_share": dshare, "region_share": rshare}


# -- single points of failure --------------------------------------------------------------
def bridges(G: nx.Graph, *, backend: str = "auto") -> list[tuple]:
    """Ties whose removal disconnects the network (each pair sorted, the list sorted).

    >>> bridges(nx.lollipop_graph(3, 1))
    [(2, 3)]
    """
    if choose_backend(G, backend) == "networkx":
        found = nx.bridges(G)
    else:
        g, nodes = to_igraph(G)
        found = ((nodes[g.es[e].source], nodes[g.es[e].target]) for e in g.bridges())
    return sorted((tuple(sorted((u, v), key=str)) for u, v in found), key=lambda e: (str(e[0]), str(e[1])))


def articulation_points(G: nx.Graph, *, backend: str = "auto") -> list:
    """Actors whose removal disconnects the network: single points of failure.

    >>> articulation_points(nx.path_graph(4))
    [1, 2]
    """
    if choose_backend(G, backend) == "networkx":
        found = nx.articulation_points(G)
    else:
        g, nodes = to_igraph(G)
        found = (nodes[i] for i in g.articulation_points())
    return sorted(set(found), key=str)


# -- structural holes ----------------------------------------------------------------------
def constraint(G: nx.Graph, *, backend: str = "auto") -> dict:
    """Burt's constraint: high when an actor's contacts are tied to each other (no structural hole).

    1 for a leaf, ``1/n`` for the centre of a star of ``n`` leaves, ``nan`` for an isolated node.

    >>> constraint(nx.star_graph(4))
    {0: 0.25, 1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0}
    """
    if choose_backend(G, backend) == "networkx":
        return nx.constraint(G)
    g, nodes = to_igraph(G)
    values = g.constraint()
    return {node: (math.nan if g.degree(i) == 0 else float(values[i])) for i, node in enumerate(nodes)}


def effective_size(G: nx.Graph, *, backend: str = "auto") -> dict:
    """Burt's effective size (Borgatti's form ``n - 2t/n``: contacts minus their redundancy).

    >>> effective_size(nx.complete_graph(3))     # two contacts tied to each other: one is redundant
    {0: 1.0, 1: 1.0, 2: 1.0}
    """
    if choose_backend(G, backend) == "networkx":
        return nx.effective_size(G)
    g, nodes = to_igraph(G)
    ties = [0] * len(nodes)
    for a, b, c in g.list_triangles():
        ties[a] += 1
        ties[b] += 1
        ties[c] += 1
    out = {}
    for i, node in enumerate(nodes):
        d = g.degree(i)
        out[node] = math.nan if d == 0 else d - 2.0 * ties[i] / d
    return out


# -- sponsors ------------------------------------------------------------------------------
def hhi(values: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of the shares of ``values`` (1: one holds everything; 1/n: even).

    >>> hhi([1, 1]), hhi([3, 1]), hhi([])
    (0.5, 0.625, 0.0)
    """
    values = [float(v) for v in values if v and v > 0]
    total = sum(values)
    return sum((v / total) ** 2 for v in values) if total else 0.0


def path_share_through(G: nx.Graph, group: Iterable, *, samples: int | None = None, seed: int = 0) -> float:
    """Share of shortest paths between actors outside ``group`` that pass through ``group``.

    Averaged over connected pairs (s, t) outside the group: for each pair, the fraction of its
    shortest paths with an inner node in the group (1 when every shortest path does). Exact
    when ``samples`` is None or not smaller than the number of actors outside the group; else
    estimated from that many source actors drawn with ``seed``. Computed by breadth-first path
    counting on sparse matrices, with and without the group.

    >>> path_share_through(nx.path_graph(["a", "s", "b"]), {"s"})       # a-b only through s
    1.0
    >>> path_share_through(nx.cycle_graph(4), {0})      # of 1-2, 1-3, 2-3 only 1-3, by one path of two
    0.16666666666666666
    """
    import numpy as np

    group = set(group) & set(G)
    nodes = list(G.nodes())
    outside = [i for i, n in enumerate(nodes) if n not in group]
    if len(outside) < 2 or not group:
        return 0.0
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    A = _adjacency(G, index)
    keep = np.ones(n)
    keep[[index[g] for g in group]] = 0.0
    A_without = _without(A, keep == 0.0)
    sources = outside
    if samples is not None and samples < len(outside):
        sources = sorted(random.Random(seed).sample(outside, samples))
    mask = keep.astype(bool)
    total, pairs = 0.0, 0
    for start in range(0, len(sources), 64):
        batch = sources[start:start + 64]
        dist, sigma = _path_counts(A, batch, n)
        dist_w, sigma_w = _path_counts(A_without, batch, n)
        reach = (dist > 0) & mask[:, None]
        same = reach & (dist_w == dist)
        through = np.where(same, 1.0 - np.divide(sigma_w, sigma, out=np.zeros_like(sigma), where=sigma > 0), 1.0)
        total += float(through[reach].sum())
        pairs += int(reach.sum())
    return total / pairs if pairs else 0.0


def _path_counts(A, sources: list[int], n: int):
    """Distances (0: unreached or the source itself) and numbers of shortest paths from each source."""
    import numpy as np

    k = len(sources)
    dist = np.zeros((n, k), dtype=np.int32)
    sigma = np.zeros((n, k))
    frontier = np.zeros((n, k))
    frontier[sources, np.arange(k)] = 1.0
    sigma += frontier
    seen = frontier > 0
    level = 0
    while frontier.any():
        level += 1
        frontier = A @ frontier
        frontier[seen] = 0.0
        new = frontier > 0
        if not new.any():
            break
        sigma[new] = frontier[new]
        dist[new] = level
        seen |= new
    return dist, sigma


def sponsor_dependence(G: nx.Graph, sponsors: Iterable, *, sponsorships: dict | None = None,
                       samples: int | None = -1, seed: int = 0) -> dict:
    """How much the network depends on its sponsors (e.g. the groups Sagem/Safran and Thales).

    Parameters
    ----------
    sponsors : the sponsor actors (a group with its subsidiaries counts as one sponsor when
        passed as one set inside ``sponsorships``' keys; see :func:`sponsor_groups`)
    sponsorships : optional ``{sponsor group name: number of sponsorship ties}`` for the
        concentration index of the funding

    Returns
    -------
    dict with ``link_share`` (share of ties touching a sponsor), ``path_share`` (share of shortest
    paths between other actors running through a sponsor, :func:`path_share_through`),
    ``cut_share`` (share of connected pairs of other actors that removing the sponsors would
    disconnect) and ``sponsorship_hhi`` (Herfindahl–Hirschman index of ``sponsorships``).

    Examples
    --------
    >>> G = nx.Graph([("a", "s"), ("s", "b"), ("b", "c")])
    >>> d = sponsor_dependence(G, ["s"], sponsorships={"s": 1})
    >>> d["link_share"], round(d["path_share"], 3), d["cut_share"], d["sponsorship_hhi"]
    (0.6666666666666666, 0.667, 0.6666666666666666, 1.0)
    """
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    if samples == -1:  # default: exact on small graphs, sampled sources on large ones
        samples = BIG_GRAPH_PATH_SAMPLES if G.number_of_nodes() > BIG_GRAPH else PATH_SAMPLES
    group = set(sponsors) & set(G)
    m = G.number_of_edges()
    touching = sum(1 for u, v in G.edges() if u in group or v in group)
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    A = _adjacency(G, index)
    outside = np.ones(len(nodes), dtype=bool)
    outside[[index[g] for g in group]] = False

    def connected_pairs(matrix):
        # pairs of actors outside the group joined by a path in ``matrix``
        _, labels = connected_components(matrix, directed=False)
        sizes = np.bincount(labels[outside]) if outside.any() else np.zeros(0)
        return int((sizes * (sizes - 1) // 2).sum())

    before = connected_pairs(A)
    after = connected_pairs(_without(A, ~outside))
    n_out = int(outside.sum())
    return {
        "sponsors": sorted(group, key=str),
        "link_share": touching / m if m else 0.0,
        "path_share": path_share_through(G, group, samples=samples, seed=seed),
        "cut_share": (before - after) / before if before else 0.0,
        "sponsorship_hhi": hhi((sponsorships or {}).values()),
        "path_samples": samples if samples is not None and samples < n_out else None,
    }


def _adjacency(G: nx.Graph, index: dict):
    import numpy as np
    import scipy.sparse as sp

    rows, cols = [], []
    for u, v in G.edges():
        if u != v:
            rows += [index[u], index[v]]
            cols += [index[v], index[u]]
    n = len(index)
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _without(A, removed):
    """``A`` with the rows and columns of the ``removed`` mask zeroed."""
    import numpy as np
    import scipy.sparse as sp

    keep = sp.diags((~removed).astype(float))
    return (keep @ A @ keep).tocsr()


def sponsor_groups(P: nx.MultiDiGraph, kinds: Iterable[str] = ("firm",)) -> dict[str, dict]:
    """The sponsors in a projection, each grouped with its parents and subsidiaries.

    Returns ``{group label: {"members": [...], "sponsorships": n}}`` for every actor of the
    given kinds with a ``sponsorOf`` tie; members tied by ``subsidiaryOf`` (either way,
    transitively) form one group, labelled ``"Sagem / Safran"``.

    >>> P = nx.MultiDiGraph()
    >>> P.add_nodes_from([("s", {"kind": "firm", "label": "Sagem"}), ("p", {"kind": "firm", "label": "Safran"}),
    ...                   ("d", {"kind": "programme", "label": "DEFI"})])
    >>> _ = P.add_edge("s", "d", key="sponsorOf", rel="sponsorOf"); _ = P.add_edge("s", "p", key="subsidiaryOf", rel="subsidiaryOf")
    >>> sponsor_groups(P)
    {'Sagem / Safran': {'members': ['p', 's'], 'sponsorships': 1}}
    """
    kinds = set(kinds)
    counts: Counter = Counter()
    for s, _o, rel in P.edges(keys=True):
        if rel == "sponsorOf" and P.nodes[s].get("kind") in kinds:
            counts[s] += 1
    family = nx.Graph()
    family.add_nodes_from(counts)
    family.add_edges_from((s, o) for s, o, rel in P.edges(keys=True) if rel == "subsidiaryOf")
    groups = {}
    seen = set()
    for sponsor in sorted(counts, key=lambda n: (-counts[n], str(n))):
        if sponsor in seen:
            continue
        members = nx.node_connected_component(family, sponsor)
        seen |= members
        ordered = [sponsor] + sorted(members - {sponsor}, key=lambda n: P.nodes[n].get("label", str(n)))
        label = " / ".join(P.nodes[n].get("label", str(n)) for n in ordered)
        groups[label] = {"members": sorted(members, key=str), "sponsorships": sum(counts[n] for n in members)}
    return groups


# -- everything at once --------------------------------------------------------------------
def summary(G: nx.Graph) -> dict:
    """Size and shape: nodes, ties, components, share of actors in the largest one, density, kinds.

    >>> summary(nx.Graph([(1, 2), (3, 4), (4, 5)]))["largest_component_share"]
    0.6
    """
    comps = sorted((len(c) for c in nx.connected_components(G)), reverse=True)
    n = G.number_of_nodes()
    return {
        "nodes": n, "ties": G.number_of_edges(), "components": len(comps),
        "largest_component": comps[0] if comps else 0,
        "largest_component_share": comps[0] / n if n else 0.0,
        "isolated": sum(1 for _, d in G.degree() if d == 0),
        "density": nx.density(G) if n > 1 else 0.0,
        "kinds": dict(sorted(Counter(d.get("kind", "?") for _, d in G.nodes(data=True)).items())),
    }


def analyze(G: nx.Graph, *, sponsors: dict[str, dict] | None = None, backend: str = "auto",
            top: int = 10, seed: int = 0, lang: str = "fr",
            progress: Callable[[str], None] | None = None) -> dict:
    """Every structural analysis of ``G`` in one dict (what ``photonics-kg analyze`` prints).

    ``sponsors`` is the output of :func:`sponsor_groups` on the projection. ``timings`` records
    the seconds each analysis took and ``backend`` which library computed the heavy ones.
    """
    step = progress or (lambda name: None)
    chosen = choose_backend(G, backend)
    timings: dict[str, float] = {}
    out: dict = {"backend": chosen, "summary": summary(G)}

    def timed(name, fn):
        step(name)
        t0 = time.perf_counter()
        value = fn()
        timings[name] = time.perf_counter() - t0
        return value

    deg = timed("degree", lambda: degree(G))
    btw = timed("betweenness", lambda: betweenness(G, seed=seed, backend=chosen))
    eig = timed("eigenvector", lambda: eigenvector(G, backend=chosen))
    pr = timed("pagerank", lambda: pagerank(G, backend=chosen))
    cores = timed("k-cores", lambda: core_numbers(G, backend=chosen))
    comms = timed("communities", lambda: communities(G, seed=seed, backend=chosen))
    brs = timed("bridges", lambda: bridges(G, backend=chosen))
    arts = timed("articulation points", lambda: articulation_points(G, backend=chosen))
    cons = timed("constraint", lambda: constraint(G, backend=chosen))
    esize = timed("effective size", lambda: effective_size(G, backend=chosen))

    def label(n):
        d = G.nodes[n]
        return (d.get("label_en") or d.get("label")) if lang == "en" else d.get("label", str(n))

    art_set = set(arts)
    ranked = sorted(G, key=lambda n: (-btw[n], -deg[n], str(n)))
    out["brokers"] = [
        {"node": n, "label": label(n), "kind": G.nodes[n].get("kind"), "degree": deg[n],
         "betweenness": btw[n], "eigenvector": eig.get(n, 0.0), "pagerank": pr.get(n, 0.0),
         "constraint": _finite(cons.get(n)), "effective_size": _finite(esize.get(n)),
         "core": cores.get(n, 0), "articulation_point": n in art_set}
        for n in ranked[:top] if btw[n] > 0 or deg[n] > 0]
    out["top_degree"] = [{"node": n, "label": label(n), "degree": deg[n]}
                         for n in sorted(G, key=lambda n: (-deg[n], str(n)))[:top]]
    out["top_eigenvector"] = [{"node": n, "label": label(n), "eigenvector": eig[n]}
                              for n in sorted(G, key=lambda n: (-eig.get(n, 0.0), str(n)))[:top]]
    out["top_pagerank"] = [{"node": n, "label": label(n), "pagerank": pr[n]}
                           for n in sorted(G, key=lambda n: (-pr.get(n, 0.0), str(n)))[:top]]
    k, core_members = (max(cores.values()), None) if cores else (0, None)
    core_members = sorted((n for n, c in cores.items() if c == k), key=str) if cores else []
    out["main_core"] = {"k": k, "size": len(core_members), "members": [label(n) for n in core_members[:50]]}
    out["communities"] = [dict(name_community(G, c, lang=lang), members=[label(n) for n in sorted(c, key=str)[:20]])
                          for c in comms[:top] if len(c) > 1]
    out["modularity"] = timed("modularity", lambda: modularity(G, comms, backend=chosen))
    out["community_count"] = sum(1 for c in comms if len(c) > 1)
    out["bridges"] = {"count": len(brs), "sample": [(label(u), label(v)) for u, v in brs[:top]]}
    out["articulation_points"] = {
        "count": len(arts),
        "top": [{"node": n, "label": label(n), "betweenness": btw[n]}
                for n in sorted(arts, key=lambda n: (-btw[n], str(n)))[:top]]}
    out["brokerage_hhi"] = hhi(btw.values())
    if sponsors:
        members = {m for g in sponsors.values() for m in g["members"]}
        dep = timed("sponsor dependence", lambda: sponsor_dependence(
            G, members, sponsorships={k: g["sponsorships"] for k, g in sponsors.items()}, seed=seed))
        dep["groups"] = {name: dict(g, labels=[label(m) for m in g["members"] if m in G]) for name, g in sponsors.items()}
        m = G.number_of_edges() or 1
        dep["per_group"] = {name: {"link_share": sum(1 for u, v in G.edges() if u in g["members"] or v in g["members"]) / m}
                            for name, g in sponsors.items()}
        out["sponsor_dependence"] = dep
    else:
        out["sponsor_dependence"] = None
    out["timings"] = timings
    return out


def _finite(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x
