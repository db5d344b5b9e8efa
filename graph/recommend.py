"""Partnership recommendations: link prediction over shared domains, places, clusters and events.

Two actors that share contexts (an application domain, a région or foreign country, a cluster
they belong to or partner, a programme or event they take part in) are candidates for a tie
they do not have yet. Each candidate pair gets the three classic scores computed on the
bipartite actor–context graph:

* **resource allocation**: ``sum(1 / size(c))`` over shared contexts ``c`` (ranks by default);
* **Adamic–Adar**: ``sum(1 / log(size(c)))`` (a context of size 1 cannot be shared);
* **Jaccard**: shared contexts / contexts of either;

where ``size(c)`` is the number of organisations in the context: sharing a small cluster says
more than sharing Île-de-France. The reasons printed are the shared contexts.

Recommendations are **hypotheses**, never facts: :func:`write_hypotheses` stores them in their
own named graph (``graph/hypotheses/link-prediction``), as reified statements
(``rdf:Statement`` with ``rdf:subject``/``rdf:predicate``/``rdf:object``) that assert nothing, and
the graph's provenance says so. :func:`evaluate` measures them by hiding known ties
(precision@k against a random baseline).

>>> import networkx as nx
>>> A = nx.Graph(domain_labels={"d": ("Santé", "Health")})
>>> A.add_node("f1", kind="firm", label="F1", domains=("d",), regions=("r",), region_labels=("Occitanie",), foreign=False, countries=())
>>> A.add_node("l1", kind="lab", label="L1", domains=("d",), regions=("r",), region_labels=("Occitanie",), foreign=False, countries=())
>>> A.add_node("f2", kind="firm", label="F2", domains=(), regions=("r",), region_labels=("Occitanie",), foreign=False, countries=())
>>> [(r.u, r.v, round(r.resource_allocation, 3), r.reasons) for r in recommend(A)]
[('f1', 'l1', 0.833, ['domain: Santé', 'place: Occitanie']), ('f2', 'l1', 0.333, ['place: Occitanie']), ('f1', 'f2', 0.333, ['place: Occitanie'])]
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Iterable

import networkx as nx

from photonics_kg.errors import ConfigError

#: pairs of node kinds recommended by default (firm–lab, firm–firm)
DEFAULT_PAIRS = (("firm", "lab"), ("firm", "firm"))
SCORES = ("resource_allocation", "adamic_adar", "jaccard")
#: contexts larger than this do not generate candidates on their own (a région of 5 000
#: firms would make 12 million pairs); they still add to the score of pairs found otherwise
MAX_CONTEXT_SIZE = 100
FRANCE = "https://w3id.org/photonics-kg/id/place/france"
HYPOTHESES_GRAPH = "https://w3id.org/photonics-kg/graph/hypotheses/link-prediction"


@dataclass
class Recommendation:
    """A suggested tie between ``u`` and ``v`` with its scores and reasons."""

    u: str
    v: str
    pair: str                       #: "firm–lab" or "firm–firm"
    resource_allocation: float
    adamic_adar: float
    jaccard: float
    reasons: list[str] = field(default_factory=list)
    u_label: str = ""
    v_label: str = ""


def contexts(G: nx.Graph, *, lang: str = "fr") -> dict[str, dict[str, str]]:
    """The contexts of each organisation: ``{node: {context key: human label}}``.

    Keys are ``domain:<iri>``, ``place:<région or country iri>``, ``cluster:<iri>`` (member or
    partner of the cluster) and ``event:<iri>`` (takes part in the programme or event).
    """
    labels = G.graph.get("domain_labels", {})
    pick = 1 if lang == "en" else 0
    out: dict[str, dict[str, str]] = {}
    for n, d in G.nodes(data=True):
        if d.get("kind") not in ("firm", "lab", "university", "cluster", "public_body", "association"):
            continue
        ctx = {}
        for dom in d.get("domains", ()):
            ctx[f"domain:{dom}"] = f"domain: {labels.get(dom, (dom, dom))[pick]}"
        for r, label in zip(d.get("regions", ()), d.get("region_labels", ())):
            ctx[f"place:{r}"] = f"place: {label}"
        for c in d.get("countries", ()):
            if c != FRANCE:  # a French actor's site abroad is shared with the actors there
                ctx[f"place:{c}"] = f"place: {_local(c).capitalize()}"
        for nb in G[n]:
            nd = G.nodes[nb]
            rels = set(G.edges[n, nb].get("rels", ()))
            if nd.get("kind") == "cluster" and rels & {"memberOf", "partnerOf"}:
                ctx[f"cluster:{nb}"] = f"cluster: {nd.get('label', nb)}"
            elif nd.get("kind") in ("programme", "event") and "participatesIn" in rels:
                ctx[f"event:{nb}"] = f"event: {nd.get('label', nb)}"
        out[n] = ctx
    return out


def score_pairs(ctx: dict[str, dict[str, str]], pairs: Iterable[tuple[str, str]]) -> dict[tuple, tuple]:
    """``{(u, v): (resource allocation, Adamic–Adar, Jaccard, shared keys)}`` for the given pairs.

    >>> ctx = {"a": {"x": "", "y": ""}, "b": {"x": "", "z": ""}, "c": {"x": ""}}
    >>> ra, aa, j, shared = score_pairs(ctx, [("a", "b")])[("a", "b")]
    >>> round(ra, 3), round(aa, 3), round(j, 3), shared
    (0.333, 0.91, 0.333, ['x'])
    """
    size: dict[str, int] = defaultdict(int)
    for keys in ctx.values():
        for k in keys:
            size[k] += 1
    out = {}
    for u, v in pairs:
        cu, cv = set(ctx.get(u, ())), set(ctx.get(v, ()))
        shared = sorted(cu & cv, key=lambda k: (size[k], k))
        union = len(cu | cv)
        ra = sum(1.0 / size[k] for k in shared)
        aa = sum(1.0 / math.log(size[k]) for k in shared if size[k] > 1)
        out[(u, v)] = (ra, aa, len(shared) / union if union else 0.0, shared)
    return out


def candidate_pairs(G: nx.Graph, ctx: dict, kinds=DEFAULT_PAIRS, *, max_context_size: int = MAX_CONTEXT_SIZE) -> set[tuple]:
    """Pairs of the requested kinds sharing at least one context of size <= ``max_context_size``, not tied yet."""
    wanted = {tuple(sorted(p)) for p in kinds}
    members: dict[str, list] = defaultdict(list)
    for n, keys in ctx.items():
        for k in keys:
            members[k].append(n)
    pairs = set()
    for k, nodes in members.items():
        if len(nodes) > max_context_size:
            continue
        for u, v in combinations(sorted(nodes, key=str), 2):
            if tuple(sorted((G.nodes[u]["kind"], G.nodes[v]["kind"]))) in wanted and not G.has_edge(u, v):
                pairs.add(_ordered(G, u, v))
    return pairs


def recommend(G: nx.Graph, *, kinds=DEFAULT_PAIRS, top: int = 10, score: str = "resource_allocation",
              lang: str = "fr", max_context_size: int = MAX_CONTEXT_SIZE) -> list[Recommendation]:
    """The ``top`` recommendations of each pair kind, best first (ties broken by Jaccard, then names)."""
    if score not in SCORES:
        raise ConfigError(f"unknown score {score!r}; allowed: {', '.join(SCORES)}")
    ctx = contexts(G, lang=lang)
    scored = score_pairs(ctx, candidate_pairs(G, ctx, kinds, max_context_size=max_context_size))
    by_kind: dict[str, list] = defaultdict(list)
    for (u, v), (ra, aa, j, shared) in scored.items():
        kind = f"{G.nodes[u]['kind']}–{G.nodes[v]['kind']}"
        label = (lambda n: (G.nodes[n].get("label_en") or G.nodes[n].get("label")) if lang == "en" else G.nodes[n].get("label", n))
        by_kind[kind].append(Recommendation(u, v, kind, ra, aa, j, [ctx[u][k] for k in shared], label(u), label(v)))
    index = SCORES.index(score)
    out = []
    for kind in (f"{a}–{b}" for a, b in (_kind_order(p) for p in kinds)):
        recs = by_kind.get(kind, [])
        recs.sort(key=lambda r: (-(r.resource_allocation, r.adamic_adar, r.jaccard)[index], -r.jaccard, r.u_label, r.v_label))
        out += recs[:top]
    return out


def evaluate(G: nx.Graph, *, kinds=DEFAULT_PAIRS, hide: float = 0.2, k: int = 10, rounds: int = 5,
             seed: int = 0, max_context_size: int = MAX_CONTEXT_SIZE) -> dict:
    """Hide a share of the known ties of the recommended kinds and see whether they come back.

    Each round hides ``hide`` of the eligible ties (at least one), rebuilds the contexts without
    them, ranks every candidate pair by resource allocation and counts hidden ties in the top
    ``k``. The random baseline is the precision of ``k`` pairs drawn at random among all pairs
    of those kinds not tied after hiding: hidden / candidates.

    Returns ``precision_at_k``, ``random_baseline``, ``lift`` (ratio), ``eligible`` (ties that
    could be hidden), ``hidden`` (per round), ``k``, ``rounds``.
    """
    wanted = {tuple(sorted(p)) for p in kinds}

    def eligible_pair(u, v):
        return tuple(sorted((G.nodes[u].get("kind"), G.nodes[v].get("kind")))) in wanted

    eligible = sorted((_ordered(G, u, v) for u, v in G.edges() if u != v and eligible_pair(u, v)), key=str)
    by_kind: dict[str, int] = defaultdict(int)
    for n, d in G.nodes(data=True):
        by_kind[d.get("kind")] += 1
    all_pairs = 0
    for a, b in wanted:
        all_pairs += by_kind[a] * (by_kind[a] - 1) // 2 if a == b else by_kind[a] * by_kind[b]
    result = {"k": k, "rounds": rounds, "eligible": len(eligible), "hidden": 0, "precision_at_k": None,
              "random_baseline": None, "lift": None, "hide": hide}
    if not eligible:
        return result
    rng = random.Random(seed)
    precisions, baselines = [], []
    n_hide = max(1, round(hide * len(eligible)))
    for _ in range(rounds):
        hidden = set(rng.sample(eligible, n_hide))
        H = G.copy()
        H.remove_edges_from(hidden)
        ctx = contexts(H)
        scored = score_pairs(ctx, candidate_pairs(H, ctx, kinds, max_context_size=max_context_size))
        ranked = sorted(scored, key=lambda p: (-scored[p][0], -scored[p][2], str(p)))[:k]
        hits = sum(1 for p in ranked if p in hidden)
        precisions.append(hits / k)
        untied = all_pairs - (len(eligible) - n_hide)
        baselines.append(n_hide / untied if untied else 0.0)
    result.update(hidden=n_hide, precision_at_k=sum(precisions) / rounds,
                  random_baseline=sum(baselines) / rounds)
    result["lift"] = result["precision_at_k"] / result["random_baseline"] if result["random_baseline"] else None
    return result


def hypotheses_graph(recs: list[Recommendation], *, method: str = "resource allocation over shared contexts"):
    """The recommendations as RDF: reified statements that assert no tie.

    >>> g = hypotheses_graph([Recommendation("https://ex.org/a", "https://ex.org/b", "firm–lab", 0.5, 1.4, 0.5, ["domain: Santé"])])
    >>> from rdflib import URIRef
    >>> (URIRef("https://ex.org/a"), URIRef("https://w3id.org/photonics-kg/ontology#partnerOf"), URIRef("https://ex.org/b")) in g
    False
    """
    from decimal import Decimal

    from rdflib import Graph, Literal, URIRef

    from photonics_kg import iri as iris
    from photonics_kg.namespaces import DCTERMS, PHOT, PREFIXES, PROV, RDF, RDFS

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    graph = URIRef(HYPOTHESES_GRAPH)
    g.add((graph, DCTERMS.type, Literal("hypotheses")))
    g.add((graph, RDFS.comment, Literal(
        "Link-prediction hypotheses (suggested partnerships), NOT facts: each is an rdf:Statement "
        "that is not asserted. Method: " + method + ".", lang="en")))
    g.add((graph, RDFS.comment, Literal(
        "Hypothèses de prédiction de liens (partenariats suggérés), PAS des faits.", lang="fr")))
    for rank, r in enumerate(recs, start=1):
        node = URIRef(f"{iris.ID}hypothesis/{iris.digest(r.u, r.v, 'partnerOf')}")
        g.add((node, RDF.type, RDF.Statement))
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, DCTERMS.type, Literal("hypothesis")))
        g.add((node, RDF.subject, URIRef(r.u)))
        g.add((node, RDF.predicate, PHOT.partnerOf))
        g.add((node, RDF.object, URIRef(r.v)))
        g.add((node, PHOT.confidence, Literal(Decimal(str(round(r.resource_allocation, 6))))))
        g.add((node, RDFS.label, Literal(f"{r.pair} #{rank}: {r.u_label} — {r.v_label}")))
        g.add((node, RDFS.comment, Literal("; ".join(r.reasons))))
        g.add((node, PROV.wasDerivedFrom, graph))
    return g


def write_hypotheses(store, recs: list[Recommendation], *, method: str = "resource allocation over shared contexts"):
    """Replace the hypotheses graph of ``store`` with ``recs``; its provenance labels it as hypotheses."""
    import hashlib

    from rdflib import URIRef

    from photonics_kg.graph.store import SourceInfo

    g = hypotheses_graph(recs, method=method)
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in g)
    info = SourceInfo(loader="link-prediction", source="photonics_kg.graph.recommend",
                      sha256=hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest(),
                      format="hypotheses", title="HYPOTHESES (not facts): suggested partnerships")
    return store.replace_graph(URIRef(HYPOTHESES_GRAPH), g, info)


def _ordered(G: nx.Graph, u, v) -> tuple:
    """Firm first, then by kind and IRI: a pair always comes in the same order."""
    ku, kv = G.nodes[u].get("kind"), G.nodes[v].get("kind")
    if (ku != "firm", ku, str(u)) <= (kv != "firm", kv, str(v)):
        return (u, v)
    return (v, u)


def _kind_order(pair: tuple[str, str]) -> tuple[str, str]:
    a, b = pair
    return (a, b) if (a != "firm", a) <= (b != "firm", b) else (b, a)


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]
