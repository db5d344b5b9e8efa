"""Interactive network pages: one self-contained HTML file a cluster analyst opens offline.

The page draws who is tied to whom (colour = type, size = centrality, line style = relation),
with tooltips and a details panel (label, type, région, domains, identifiers, source documents),
a legend, a search box, filter menus (type, domain, région, cluster, year) and a layout whose
physics stops once it has settled. vis-network is inlined from pyvis' own copy, so nothing is
fetched at run time. Above ``max_nodes`` nodes (2,000) the page aggregates organisations into
région (or cluster) groups and says so.

Pipeline: :func:`graph_from_store` (two library queries, ``viz-nodes`` and ``viz-edges``) →
networkx graph → :func:`select` (filters, as-of year, ego network) → :func:`build_network`
(a pyvis ``Network``, filled without pyvis' quadratic ``add_edge``) → :func:`render_page`.

The graph contract
------------------
Any networkx graph (``Graph``, ``DiGraph``, ``MultiGraph``, ``MultiDiGraph``) whose nodes carry
these attributes can be drawn; :func:`normalise` fills the gaps on a copy, the caller's graph is
never modified (pyvis mutates what it is given; we never give it the caller's graph).

Node attributes (all optional except ``type`` and ``label``):

``type``
    entity type of the evaluation vocabulary (``Firm``, ``Cluster``, ``ResearchLab``,
    ``University``, ``PublicBody``, ``Association``, ``Programme``, ``Event``; any other value
    is drawn in grey). ``kind`` with the projection's lower-case names (``firm``, ``lab``,
    ``public_body``...) is accepted too.
``label``, ``aliases``
    the name shown, and other names the search box finds.
``region``
    French région label, or a list of them (``region_labels`` is accepted too).
``countries``
    country labels or place IRIs (shown in the details; a node with no région but a country
    abroad is grouped as abroad).
``domains``
    application-domain labels (a list; IRIs of labelled nodes of the graph are shown by their
    label). ``domain_labels`` wins when both are present.
``clusters``
    labels of the clusters (pôles) the node is a member of; when absent, read from its
    ``memberOf`` edges to ``Cluster`` nodes.
``identifiers``
    ``{"SIREN": "...", "RNSR": "...", "Wikidata": "Q..."}``.
``sources``
    source documents: a list of ``{"title": ..., "url": ...}`` dicts or plain strings.
``centrality``
    a number; node size is proportional to it. When no node has one, the degree (number of
    distinct neighbours in the whole graph, before any filter) is used.
``founded``, ``dissolved``
    years; a node exists as of year Y when ``founded <= Y < dissolved`` (missing bounds are open).
``iri``
    the node's IRI, shown in the details (defaults to the node key).

Edge attributes: ``relation`` (or ``rel``; the 16 relation names of the evaluation vocabulary),
``periods`` (``[(start, end), ...]``; missing bounds are open; an edge with no period always
holds) and ``sources`` (as for nodes). Parallel edges of the same relation are merged; a
``partnerOf`` edge is undirected.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("a", type="Firm", label="Acme Optique", region="Île-de-France", domains=["Santé et Vivant"])
>>> G.add_node("b", type="Cluster", label="Pôle Lumière")
>>> G.add_edge("a", "b", relation="memberOf")
0
>>> page = make_page(G, title="demo")
>>> page.nodes, page.edges, page.view
(2, 1, 'whole')
>>> "<script src=" in page.html or "https://cdn" in page.html
False
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import get_close_matches
from importlib import resources
from typing import Iterable

import networkx as nx

from photonics_kg.errors import ConfigError

PHOT_NS = "https://w3id.org/photonics-kg/ontology#"
ORG_NS = "http://www.w3.org/ns/org#"
ID_BASE = "https://w3id.org/photonics-kg/id/"

#: drawn node types: colour (Okabe-Ito palette, readable by most colour-blind readers) and a
#: shape, so the type can be read without colour too
NODE_TYPES: dict[str, dict] = {
    "Firm": {"color": "#0072B2", "shape": "dot", "label": "Firm"},
    "Cluster": {"color": "#D55E00", "shape": "diamond", "label": "Cluster (pôle)"},
    "ResearchLab": {"color": "#009E73", "shape": "square", "label": "Research lab"},
    "University": {"color": "#CC79A7", "shape": "triangle", "label": "University or school"},
    "PublicBody": {"color": "#555555", "shape": "hexagon", "label": "Public body"},
    "Association": {"color": "#E69F00", "shape": "star", "label": "Association"},
    "Programme": {"color": "#56B4E9", "shape": "triangleDown", "label": "Programme"},
    "Event": {"color": "#C9B800", "shape": "dot", "label": "Event"},
    "Domain": {"color": "#8A8A5C", "shape": "dot", "label": "Application domain"},
}
OTHER_TYPE = {"color": "#AAAAAA", "shape": "dot", "label": "Other"}
GROUP_TYPE = {"color": "#8E6C8A", "shape": "dot", "label": "Group of organisations"}

#: the projection's lower-case kinds, and class IRIs, to our type names
TYPE_SYNONYMS = {
    "firm": "Firm", "cluster": "Cluster", "lab": "ResearchLab", "researchlab": "ResearchLab",
    "university": "University", "public_body": "PublicBody", "publicbody": "PublicBody",
    "association": "Association", "programme": "Programme", "event": "Event", "domain": "Domain",
    **{PHOT_NS + t: t for t in ("Firm", "Cluster", "ResearchLab", "University", "PublicBody",
                                 "Association", "Programme", "Event")},
    PHOT_NS + "ApplicationDomain": "Domain",
}

#: line style of each relation: colour, dash pattern, arrow head, and a legend label
RELATIONS: dict[str, dict] = {
    "memberOf": {"color": "#888888", "dashes": False, "arrows": "to", "label": "member of"},
    "partnerOf": {"color": "#0072B2", "dashes": False, "arrows": "", "label": "partner of", "width": 2},
    "sponsorOf": {"color": "#E69F00", "dashes": False, "arrows": "to", "label": "sponsor of", "width": 2},
    "ownerOf": {"color": "#8C510A", "dashes": False, "arrows": "to", "label": "owner / carrier of"},
    "managerOf": {"color": "#009E73", "dashes": False, "arrows": "to", "label": "manager of"},
    "subsidiaryOf": {"color": "#6A3D9A", "dashes": [2, 4], "arrows": "to", "label": "subsidiary of"},
    "acquired": {"color": "#A50026", "dashes": [10, 4, 2, 4], "arrows": "to", "label": "acquired"},
    "mergedInto": {"color": "#D55E00", "dashes": [8, 6], "arrows": "to", "label": "merged into"},
    "renamedTo": {"color": "#D55E00", "dashes": [2, 5], "arrows": "to", "label": "renamed to"},
    "participatesIn": {"color": "#56B4E9", "dashes": [3, 3], "arrows": "to", "label": "takes part in"},
    "founded": {"color": "#222222", "dashes": [6, 3], "arrows": "to", "label": "founded"},
    # when the graph has domain nodes (the analysis projection does)
    "activeIn": {"color": "#B5B58C", "dashes": [1, 4], "arrows": "", "label": "active in"},
    "priorityDomain": {"color": "#8A8A5C", "dashes": [1, 4], "arrows": "", "label": "priority domain"},
}
OTHER_RELATION = {"color": "#BBBBBB", "dashes": False, "arrows": "to", "label": "other"}
SYMMETRIC = frozenset({"partnerOf"})
REL_IRIS = {ORG_NS + "memberOf": "memberOf", **{PHOT_NS + r: r for r in RELATIONS if r != "memberOf"}}

#: above this many nodes the page shows groups instead of organisations
MAX_NODES = 2000
AGGREGATE_MODES = ("auto", "region", "cluster", "none")
LAYOUTS = ("auto", "physics")
NO_REGION = "(no French région)"
ABROAD = "(abroad)"
NO_CLUSTER = "(outside any cluster)"


# -- from the store ---------------------------------------------------------------------------
def graph_from_store(store) -> nx.MultiDiGraph:
    """The actors and their ties, read with the ``viz-nodes`` and ``viz-edges`` library queries.

    ``store`` is anything with ``select(text) -> list[dict]`` (a ``KGStore``).
    """
    from photonics_kg.queries.library import get

    graph = graph_from_rows(store.select(get("viz-nodes").text), store.select(get("viz-edges").text))
    try:
        flags = store.select(get("stats-by-graph").text)
    except Exception:  # pragma: no cover - a remote store without provenance: no banner
        flags = []
    graph.graph["sample"] = any(r.get("sample") for r in flags)
    return graph


def _pick_label(labels: list[tuple[str, str]]) -> str | None:
    """French label first, then untagged, then English, then any."""
    for wanted in ("fr", "", "en"):
        for text, lang in labels:
            if (lang or "") == wanted:
                return text
    return labels[0][0] if labels else None


def graph_from_rows(node_rows: Iterable[dict], edge_rows: Iterable[dict]) -> nx.MultiDiGraph:
    """Fold the rows of ``viz-nodes`` (long form) and ``viz-edges`` into a networkx graph.

    >>> G = graph_from_rows(
    ...     [{"node": "ex:a", "key": "type", "value": PHOT_NS + "Firm"},
    ...      {"node": "ex:a", "key": "label", "value": "A", "lang": "fr"},
    ...      {"node": "ex:b", "key": "type", "value": PHOT_NS + "Cluster"},
    ...      {"node": "ex:b", "key": "label", "value": "B"},
    ...      {"node": "ex:a", "key": "cluster", "value": "ex:b"}],
    ...     [{"s": "ex:a", "rel": ORG_NS + "memberOf", "o": "ex:b", "start": 2010}])
    >>> G.nodes["ex:a"]["clusters"], list(G.edges(data="periods"))
    (['B'], [('ex:a', 'ex:b', [(2010, None)])])
    """
    raw: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for row in node_rows:
        if "value" in row:
            raw[row["node"]][row["key"]].append((row["value"], row.get("detail"), row.get("lang") or ""))
    G = nx.MultiDiGraph()
    synonyms: dict[str, dict] = {}
    G.graph["synonyms"] = synonyms
    for node, attrs in raw.items():
        types = sorted({TYPE_SYNONYMS.get(v, v) for v, _, _ in attrs["type"]})
        if not types:
            continue
        label = _pick_label([(v, lang) for v, _, lang in attrs["label"]]) or node.rsplit("/", 1)[-1]
        place_labels = {}
        for key in ("region", "country", "domain"):
            by_iri: dict[str, list] = defaultdict(list)
            for value, detail, lang in attrs[key]:
                by_iri[value].append((detail, lang) if detail else (value.rsplit("/", 1)[-1], ""))
            chosen = {iri: _pick_label(v) for iri, v in by_iri.items()}
            place_labels[key] = sorted(set(chosen.values()))
            # other labels and the IRI of a domain or région name the same filter value
            table = synonyms.setdefault(key, {})
            for iri, labels in by_iri.items():
                table[iri] = chosen[iri]
                for text, _lang in labels:
                    table.setdefault(text, chosen[iri])
        founded = [int(v) for v, _, _ in attrs["founded"]]
        since = [int(v) for v, _, _ in attrs["successorSince"]]
        dissolved = [int(v) for v, _, _ in attrs["dissolved"]]
        urls = {v: d for v, d, _ in attrs["sourceUrl"]}
        titles: dict[str, str | None] = {}
        for value, detail, _ in attrs["source"]:
            titles[value] = titles.get(value) or detail
        G.add_node(
            node, iri=node, type=types[0], label=label,
            aliases=sorted({v for v, _, _ in attrs["alias"]} - {label}),
            region=place_labels["region"], countries=place_labels["country"],
            domains=place_labels["domain"],
            identifiers={scheme: value for value, scheme, _ in sorted(attrs["identifier"], key=str)},
            founded=min(founded) if founded else (min(since) if since else None),
            dissolved=min(dissolved) if dissolved else None,
            cluster_iris=sorted({v for v, _, _ in attrs["cluster"]}),
            sources=[_document(d, titles[d], urls.get(d)) for d in sorted(titles)],
        )
    for node in G.nodes:
        G.nodes[node]["clusters"] = sorted(G.nodes[c]["label"] for c in G.nodes[node].pop("cluster_iris")
                                           if c in G)
    edges: dict[tuple, dict] = {}
    for row in edge_rows:
        s, o = row["s"], row["o"]
        if s not in G or o not in G:
            continue
        rel = REL_IRIS.get(row["rel"], row["rel"].rsplit("#", 1)[-1].rsplit("/", 1)[-1])
        key = (s, rel, o)
        e = edges.setdefault(key, {"periods": set(), "sources": set()})
        if row.get("start") is not None or row.get("end") is not None:
            e["periods"].add((row.get("start"), row.get("end")))
        if row.get("source"):
            e["sources"].add(row["source"])
    doc_titles = {s["iri"]: s for n in G.nodes for s in G.nodes[n]["sources"]}
    for (s, rel, o), e in sorted(edges.items()):
        G.add_edge(s, o, key=rel, relation=rel, periods=sorted(e["periods"], key=_period_key),
                   sources=[doc_titles.get(d) or _document(d, None, None) for d in sorted(e["sources"])])
    return G


def _document(iri: str, title: str | None, url: str | None) -> dict:
    """A source document for the page: its title, and a link only when it has a real URL.

    >>> _document(ID_BASE + "document/004_f9f8", "Route des Lasers and Wuhan", None)
    {'title': 'Route des Lasers and Wuhan [004_f9f8]', 'url': None, 'iri': 'https://w3id.org/photonics-kg/id/document/004_f9f8'}
    """
    if url is None and not iri.startswith(ID_BASE) and iri.startswith(("http://", "https://")):
        url = iri
    if url is None and title:
        title = f"{title} [{_short(iri)}]"       # a file name the maintainers can find
    return {"title": title or _short(iri), "url": url, "iri": iri}


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1] or iri


def _period_key(p):
    return tuple(-10**6 if v is None else v for v in p)


# -- the contract ------------------------------------------------------------------------------
def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(str(v) for v in value if v is not None and v != "")
    return [str(value)] if value != "" else []


def _sources(value) -> list[dict]:
    out = []
    for s in value or []:
        if isinstance(s, dict):
            out.append({"title": str(s.get("title") or s.get("url") or s.get("iri") or "?"), "url": s.get("url")})
        else:
            text = str(s)
            out.append({"title": text, "url": text if text.startswith(("http://", "https://")) else None})
    return out


def normalise(G: nx.Graph) -> nx.MultiDiGraph:
    """A copy of ``G`` holding exactly the attributes of the contract (see the module docstring).

    Node keys become strings; edges are merged per (source, relation, target), ``partnerOf``
    per unordered pair.

    >>> H = nx.Graph(); H.add_edge(1, 2)
    >>> N = normalise(H)
    >>> N.nodes["1"]["type"], N.nodes["1"]["centrality"], list(N.edges(keys=True))
    ('Other', 1, [('1', '2', 'related')])
    """
    out = nx.MultiDiGraph()
    out.graph.update(G.graph)

    def named(values):
        # a projection may hold IRIs (of nodes of G, or of places): show their labels
        names = []
        for v in values if isinstance(values, (list, tuple, set, frozenset)) else ([values] if values else []):
            if v in G and G.nodes[v].get("label"):
                names.append(G.nodes[v]["label"])
            elif isinstance(v, str) and v.startswith(("http://", "https://")):
                names.append(_short(v).replace("-", " ").title() if v.startswith(ID_BASE + "place/") else _short(v))
            else:
                names.append(v)
        return names

    for node, data in G.nodes(data=True):
        key = str(node)
        t = data.get("type") or data.get("kind") or "Other"
        t = TYPE_SYNONYMS.get(t, t)
        domains = data.get("domain_labels") or named(data.get("domains"))
        out.add_node(key, **{
            "iri": str(data.get("iri") or key),
            "type": t,
            "label": str(data.get("label") or key),
            "aliases": _as_list(data.get("aliases")),
            "region": _as_list(data.get("region", data.get("region_labels"))),
            "countries": _as_list(named(data.get("countries"))),
            "domains": _as_list(domains),
            "clusters": _as_list(data.get("clusters")),
            "identifiers": {str(k): str(v) for k, v in sorted((data.get("identifiers") or {}).items())},
            "sources": _sources(data.get("sources")),
            "centrality": data.get("centrality"),
            "founded": _year(data.get("founded", data.get("founding"))),
            "dissolved": _year(data.get("dissolved", data.get("dissolution"))),
        })
    merged: dict[tuple, dict] = {}
    for u, v, data in (G.edges(data=True)):
        rel = str(data.get("relation") or data.get("rel") or "related")
        u, v = str(u), str(v)
        if u == v:
            continue
        if rel in SYMMETRIC or not G.is_directed():
            u, v = sorted((u, v))
        e = merged.setdefault((u, rel, v), {"periods": set(), "sources": {}})
        for p in data.get("periods") or ():
            e["periods"].add((_year(p[0]), _year(p[1])))
        for s in _sources(data.get("sources")):
            e["sources"][s["title"], s["url"]] = s
    for (u, rel, v), e in sorted(merged.items()):
        out.add_edge(u, v, key=rel, relation=rel, periods=sorted(e["periods"], key=_period_key),
                     sources=list(e["sources"].values()))
    # no clusters given (the analysis projection): the clusters a node is a member of
    for node, data in G.nodes(data=True):
        if "clusters" not in data:
            key = str(node)
            out.nodes[key]["clusters"] = sorted({out.nodes[v]["label"] for _, v, rel in out.out_edges(key, keys=True)
                                                 if rel == "memberOf" and out.nodes[v]["type"] == "Cluster"})
    if all(d["centrality"] is None for _, d in out.nodes(data=True)):
        partners: dict[str, set] = {n: set() for n in out.nodes}
        for u, v in out.edges():
            partners[u].add(v)
            partners[v].add(u)
        for n, ps in partners.items():
            out.nodes[n]["centrality"] = len(ps)
        out.graph["size_by"] = "degree (number of distinct partners)"
    else:
        for n in out.nodes:
            c = out.nodes[n]["centrality"]
            out.nodes[n]["centrality"] = float(c) if c is not None else 0.0
        out.graph.setdefault("size_by", "centrality")
    return out


def _year(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- choosing what to draw ---------------------------------------------------------------------
def fold(text: str) -> str:
    """Case- and accent-insensitive form used to match what users type.

    >>> fold("  Île-de-France ") == fold("ile-de-france")
    True
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def allowed_values(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """The values each filter can take in ``G`` (normalised): what the menus and the CLI offer."""
    values: dict[str, set] = {"type": set(), "domain": set(), "region": set(), "cluster": set()}
    for _, d in G.nodes(data=True):
        values["type"].add(d["type"])
        values["domain"].update(d["domains"])
        values["region"].update(d["region"])
        values["cluster"].update(d["clusters"])
        if d["type"] == "Cluster":
            values["cluster"].add(d["label"])
    return {k: sorted(v, key=fold) for k, v in values.items()}


def _match(kind: str, given: Iterable[str], allowed: list[str], synonyms: dict[str, str] | None = None) -> set[str]:
    table = {fold(a): a for a in allowed}
    for k, v in (synonyms or {}).items():
        if v in allowed:
            table.setdefault(fold(k), v)
    chosen = set()
    for g in given:
        hit = table.get(fold(g))
        if hit is None:
            shown = ", ".join(allowed) if allowed else "none in this graph"
            raise ConfigError(f"unknown {kind} {g!r}; allowed: {shown}")
        chosen.add(hit)
    return chosen


def exists_in(data: dict, year: int) -> bool:
    """Whether a node exists as of ``year`` (``founded <= year < dissolved``, open bounds)."""
    return ((data.get("founded") is None or data["founded"] <= year)
            and (data.get("dissolved") is None or year < data["dissolved"]))


def holds_in(data: dict, year: int) -> bool:
    """Whether a tie holds as of ``year``: one of its periods covers it, or it has none."""
    periods = data.get("periods") or []
    return not periods or any((s is None or s <= year) and (e is None or year <= e) for s, e in periods)


def resolve_focus(G: nx.MultiDiGraph, text: str) -> str:
    """The node a user means by a name, an alias or an IRI (case- and accent-insensitive).

    Raises ConfigError naming the candidates when the name is unknown or ambiguous.
    """
    if text in G:
        return text
    for n, d in G.nodes(data=True):
        if d.get("iri") == text:
            return n
    want = fold(text)
    exact = sorted({n for n, d in G.nodes(data=True)
                    if want == fold(d["label"]) or want in {fold(a) for a in d["aliases"]}})
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise ConfigError(f"--focus {text!r} names {len(exact)} nodes; give the IRI of one: "
                          + ", ".join(exact[:10]))
    partial = sorted(n for n, d in G.nodes(data=True) if want and want in fold(d["label"]))
    if len(partial) == 1:
        return partial[0]
    labels = {fold(d["label"]): d["label"] for _, d in G.nodes(data=True)}
    if partial:
        hint = ", ".join(sorted(G.nodes[n]["label"] for n in partial)[:10])
        raise ConfigError(f"--focus {text!r} matches {len(partial)} nodes: {hint}; be more precise or give an IRI")
    close = [labels[k] for k in get_close_matches(want, list(labels), n=5, cutoff=0.6)]
    raise ConfigError(f"--focus {text!r}: no organisation of that name"
                      + (f"; did you mean: {', '.join(close)}" if close else ""))


@dataclass
class Selection:
    """What the user asked to see (the CLI options)."""

    types: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    year: int | None = None
    focus: str | None = None
    depth: int = 2

    def describe(self) -> str:
        parts = []
        for name, values in (("type", self.types), ("domain", self.domains), ("région", self.regions),
                             ("cluster", self.clusters)):
            if values:
                parts.append(f"{name}: {', '.join(values)}")
        if self.year is not None:
            parts.append(f"as of {self.year}")
        return "; ".join(parts)


def select(G: nx.MultiDiGraph, sel: Selection) -> tuple[nx.MultiDiGraph, str | None]:
    """Apply a :class:`Selection` to a normalised graph; return the subgraph and the focus.

    The subgraph is a copy when anything was removed, ``G`` itself otherwise.

    Order: the year slice first (what existed then), then the ego network of the focus, then the
    type/domain/région/cluster filters, which always keep the focus itself. Values are matched
    case- and accent-insensitively; an unknown value raises ConfigError listing the allowed ones.
    """
    allowed = allowed_values(G)
    synonyms = G.graph.get("synonyms", {})
    known_types = sorted(set(NODE_TYPES) | set(allowed["type"]))
    types = _match("type", sel.types, known_types, TYPE_SYNONYMS) if sel.types else set()
    domains = _match("domain", sel.domains, allowed["domain"], synonyms.get("domain")) if sel.domains else set()
    regions = _match("région", sel.regions, allowed["region"], synonyms.get("region")) if sel.regions else set()
    clusters = _match("cluster", sel.clusters, allowed["cluster"]) if sel.clusters else set()
    focus = resolve_focus(G, sel.focus) if sel.focus else None

    H = G
    if sel.year is not None:
        keep = [n for n, d in G.nodes(data=True) if exists_in(d, sel.year)]
        H = G.subgraph(keep).copy()
        H.remove_edges_from([(u, v, k) for u, v, k, d in H.edges(keys=True, data=True) if not holds_in(d, sel.year)])
        if focus is not None and focus not in H:
            d = G.nodes[focus]
            raise ConfigError(f"{d['label']} did not exist in {sel.year} "
                              f"(founded {d['founded'] or '?'}, dissolved {d['dissolved'] or '-'})")
    if focus is not None:
        H = nx.ego_graph(H, focus, radius=sel.depth, undirected=True).copy()

    def wanted(n, d):
        if n == focus:
            return True
        if types and d["type"] not in types:
            return False
        if domains and not domains & set(d["domains"]):
            return False
        if regions and not regions & set(d["region"]):
            return False
        if clusters and not clusters & (set(d["clusters"]) | ({d["label"]} if d["type"] == "Cluster" else set())):
            return False
        return True

    keep = [n for n, d in H.nodes(data=True) if wanted(n, d)]
    if len(keep) < H.number_of_nodes():
        H = H.subgraph(keep).copy()
    H.graph.update(G.graph)
    return H, focus


# -- aggregation -------------------------------------------------------------------------------
def group_of(data: dict, by: str) -> str:
    """The group a node falls in for the aggregated views (first région or cluster, by name)."""
    if by == "region":
        if data["region"]:
            return data["region"][0]
        return ABROAD if any(fold(c) != "france" for c in data["countries"]) else NO_REGION
    clusters = list(data["clusters"]) + ([data["label"]] if data["type"] == "Cluster" else [])
    return sorted(clusters, key=fold)[0] if clusters else NO_CLUSTER


def aggregate(G: nx.MultiDiGraph, by: str) -> nx.Graph:
    """Collapse organisations into groups (``by`` = ``region`` or ``cluster``).

    Each group node has ``members`` (count), ``types`` (count by type) and ``top`` (its most
    central members); each edge ``weight`` (ties between members of the two groups) and
    ``relations`` (count by relation). Ties inside a group are counted in ``internal``.
    """
    if by not in ("region", "cluster"):
        raise ConfigError(f"unknown aggregation {by!r}; allowed: region, cluster")
    A = nx.Graph(by=by)
    members: dict[str, list] = defaultdict(list)
    where = {}
    for n, d in G.nodes(data=True):
        g = group_of(d, by)
        where[n] = g
        members[g].append(n)
    for g, ns in members.items():
        ranked = sorted(ns, key=lambda n: (-(G.nodes[n]["centrality"] or 0), fold(G.nodes[n]["label"])))
        A.add_node(g, members=len(ns), types=dict(Counter(G.nodes[n]["type"] for n in ns).most_common()),
                   top=[G.nodes[n]["label"] for n in ranked[:10]], internal=0, internal_relations=Counter())
    for u, v, d in G.edges(data=True):
        a, b = where[u], where[v]
        if a == b:
            A.nodes[a]["internal"] += 1
            A.nodes[a]["internal_relations"][d["relation"]] += 1
            continue
        if not A.has_edge(a, b):
            A.add_edge(a, b, weight=0, relations=Counter())
        A.edges[a, b]["weight"] += 1
        A.edges[a, b]["relations"][d["relation"]] += 1
    return A


# -- the pyvis network and the page ------------------------------------------------------------
#: above this many nodes the layout starts from :func:`initial_positions` and cuts corners
SEEDED_LAYOUT_ABOVE = 300
#: the page stops the layout this long after it started loading, whatever the machine, so that
#: a 5,000-node page is still within 10 s on a slow or busy one (it always gets at least 1 s)
SETTLE_DEADLINE_MS = 8000


def initial_positions(G: nx.MultiDiGraph, spacing: float = 30.0) -> dict[str, tuple[float, float]]:
    """A starting layout: one disc per région on a ring, nodes on a sunflower spiral in their disc.

    Physics then only has to relax it, which is what lets a 5,000-node page settle in seconds;
    the most central organisations sit in the middle of their région's disc. Deterministic.

    >>> H = nx.MultiDiGraph()
    >>> for i in range(3): H.add_node(str(i), region=["Bretagne"], countries=[], centrality=i, label=str(i))
    >>> pos = initial_positions(H)
    >>> pos["2"] == (pos["2"][0], pos["2"][1]) and len(set(pos.values())) == 3
    True
    """
    groups: dict[str, list] = defaultdict(list)
    for n, d in G.nodes(data=True):
        groups[group_of(d, "region")].append(n)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    radii = [spacing * math.sqrt(len(ns)) for _, ns in ordered]
    ring = sum(2 * r + 2 * spacing for r in radii) / (2 * math.pi) if len(ordered) > 1 else 0.0
    golden = math.pi * (3 - math.sqrt(5))
    pos: dict[str, tuple[float, float]] = {}
    angle = 0.0
    for (_, ns), r in zip(ordered, radii):
        share = (2 * r + 2 * spacing) / (2 * math.pi * ring) * 2 * math.pi if ring else 0.0
        angle += share / 2
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        angle += share / 2
        ranked = sorted(ns, key=lambda n: (-(G.nodes[n].get("centrality") or 0), n))
        for k, n in enumerate(ranked):
            rho = r * math.sqrt((k + 0.5) / len(ranked))
            pos[n] = (round(cx + rho * math.cos(k * golden), 1), round(cy + rho * math.sin(k * golden), 1))
    return pos


def computed_layout(G: nx.MultiDiGraph, seed: dict | None = None) -> dict[str, tuple[float, float]] | None:
    """Fruchterman-Reingold positions from igraph (C), scaled for vis-network; None without igraph.

    At 5,000 nodes this takes about a second here, where vis-network's own physics in the browser
    needed 25 s for 150 iterations: big pages are laid out when written and open still.
    """
    try:
        import igraph
    except ImportError:
        return None
    import random as _random

    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    pairs = {tuple(sorted((index[u], index[v]))) for u, v in G.edges() if u != v}
    g = igraph.Graph(n=len(nodes), edges=sorted(pairs))
    start = None
    if seed:
        # igraph's temperature is in its own units (a span of about sqrt(n)): a seed in pixels
        # would barely move, and took 8 s instead of 1.5 s at 5,000 nodes
        sx = [seed[n] for n in nodes]
        extent = max(max(p[0] for p in sx) - min(p[0] for p in sx), max(p[1] for p in sx) - min(p[1] for p in sx)) or 1.0
        k = math.sqrt(len(nodes)) / extent
        start = [[x * k, y * k] for x, y in sx]
    igraph.set_random_number_generator(_random.Random(7))   # the same page from the same graph
    try:
        # exact forces are quadratic (4 s at 1,000 nodes here): the grid approximation above 500
        coords = g.layout_fruchterman_reingold(grid=len(nodes) > 500, niter=500, seed=start).coords
    finally:
        igraph.set_random_number_generator(_random)
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    # as big as the node count asks for, and ties at least ~60 px long: a long chain of groups
    # would otherwise be squeezed into the width of a hairball
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in pairs)
    median_tie = lengths[len(lengths) // 2] if lengths else 0.0
    scale = max(70.0 * math.sqrt(len(nodes)) / span, 60.0 / median_tie if median_tie else 0.0)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: (round((x - cx) * scale, 1), round((y - cy) * scale, 1)) for n, (x, y) in zip(nodes, coords)}


def _physics(n_nodes: int, n_edges: int) -> dict:
    # big graphs: fewer iterations from a seeded layout, progress (and so the deadline check)
    # every 2 iterations, a coarser Barnes-Hut (theta 1.0 was ~2.4x faster per iteration than
    # 0.5 at 2,000 nodes) and no overlap avoidance
    big = n_nodes > SEEDED_LAYOUT_ABOVE
    iterations = 1000 if not big else (300 if n_nodes <= 1500 else 150)
    # small graphs get long springs: vis never zooms in past 1:1, so they would look tiny and
    # their labels would overlap
    spring = 170 if n_nodes <= 60 else (110 if n_nodes <= 600 else 80)
    return {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -90 if n_nodes <= 60 else -60, "centralGravity": 0.008,
                             "springLength": spring, "theta": 1.0 if big else 0.5,
                             "springConstant": 0.06, "damping": 0.5, "avoidOverlap": 0 if big else 0.2},
        "maxVelocity": 60, "minVelocity": 1.0, "timestep": 0.5,
        "adaptiveTimestep": True,
        "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 2 if big else 25,
                          "fit": True},
    }


def _options(n_nodes: int, n_edges: int, aggregated: bool, precomputed: bool = False) -> dict:
    big = n_nodes > 1000 or n_edges > 3000
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 100},
        "physics": {"enabled": False} if precomputed else _physics(n_nodes, n_edges),
        "interaction": {"hover": not big, "tooltipDelay": 150, "navigationButtons": False,
                        "keyboard": False, "multiselect": False, "hideEdgesOnDrag": big},
        "nodes": {
            "borderWidth": 1, "borderWidthSelected": 3,
            "font": {"size": 14, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": 8 if not aggregated else 14, "max": 40 if not aggregated else 70,
                        "label": {"enabled": True, "min": 12, "max": 20, "drawThreshold": 7, "maxVisible": 30}},
        },
        "edges": {
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "width": 1, "selectionWidth": 2, "hoverWidth": 1.5,
            "arrows": {"to": {"enabled": False, "scaleFactor": 0.6}},
            "scaling": {"min": 1, "max": 12},
            "color": {"inherit": False, "opacity": 0.75},
        },
        "groups": {t: {"color": {"background": s["color"], "border": _darker(s["color"]),
                                 "highlight": {"background": s["color"], "border": "#000000"},
                                 "hover": {"background": s["color"], "border": "#000000"}},
                       "shape": s["shape"]}
                   for t, s in {**NODE_TYPES, "Other": OTHER_TYPE, "Group": GROUP_TYPE}.items()},
    }


def _darker(hex_colour: str, factor: float = 0.7) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(int(r * factor), int(g * factor), int(b * factor))


def _edge_style(rel: str) -> dict:
    s = RELATIONS.get(rel, OTHER_RELATION)
    style = {"color": {"color": s["color"], "highlight": "#000000", "hover": s["color"]},
             "dashes": s["dashes"], "width": s.get("width", 1)}
    style["arrows"] = {"to": {"enabled": bool(s["arrows"]), "scaleFactor": 0.6}}
    return style


def build_network(G: nx.MultiDiGraph, *, focus: str | None = None, aggregated_by: str | None = None,
                  A: nx.Graph | None = None, layout: str = "auto"):
    """A pyvis ``Network`` for ``G`` (normalised), or for its aggregate ``A``.

    ``layout``: ``auto`` lays out graphs above 300 nodes in Python (:func:`computed_layout`,
    physics off in the page) and leaves smaller ones to vis-network's physics, which stops once
    stabilised; ``physics`` always leaves it to the browser (from :func:`initial_positions` above
    300 nodes, stopped at the settle deadline).

    Nodes and edges are appended to the network directly: pyvis' ``add_edge`` scans every edge
    already added (quadratic: 8.5 s at 5,000 nodes), and our edges are deduplicated already.
    Returns the network and the table of source documents the items point into.
    """
    from pyvis.edge import Edge
    from pyvis.network import Network
    from pyvis.node import Node

    if layout not in LAYOUTS:
        raise ConfigError(f"unknown layout {layout!r}; allowed: {', '.join(LAYOUTS)}")
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    docs: dict[tuple, int] = {}
    precomputed = False

    def doc_ids(sources):
        out = []
        for s in sources:
            out.append(docs.setdefault((s["title"], s["url"]), len(docs)))
        return sorted(set(out))

    def add_node(node_id, label, **options):
        n = Node(node_id, options.pop("shape", "dot"), label=label, **options)
        net.nodes.append(n.options)
        net.node_ids.append(node_id)
        net.node_map[node_id] = n.options

    if A is None:
        seeded = initial_positions(G) if G.number_of_nodes() > SEEDED_LAYOUT_ABOVE else {}
        if seeded and layout == "auto":
            computed = computed_layout(G, seeded)
            precomputed = computed is not None
            seeded = computed or seeded
        for n, d in G.nodes(data=True):
            group = d["type"] if d["type"] in NODE_TYPES else "Other"
            extra = {}
            if n == focus:
                extra = {"borderWidth": 5, "font": {"size": 22}, "focus": True}
            if n in seeded:
                extra["x"], extra["y"] = seeded[n]
            add_node(n, d["label"], shape=NODE_TYPES.get(group, OTHER_TYPE)["shape"], group=group,
                     value=float(d["centrality"] or 0), type=d["type"], iri=d["iri"],
                     aliases=d["aliases"], regions=d["region"], countries=d["countries"],
                     domains=d["domains"], clusters=d["clusters"], ids=d["identifiers"],
                     src=doc_ids(d["sources"]), founded=d["founded"], dissolved=d["dissolved"],
                     degree=G.degree(n), **extra)
        for u, v, rel, d in G.edges(keys=True, data=True):
            e = Edge(u, v, True, id=f"{u}|{rel}|{v}", rel=rel,
                     periods=[list(p) for p in d["periods"]], src=doc_ids(d["sources"]), **_edge_style(rel))
            net.edges.append(e.options)
    else:
        for g, d in A.nodes(data=True):
            add_node(g, f"{g} ({d['members']})", shape="dot", group="Group", value=d["members"], type="Group",
                     members=d["members"], types=d["types"], top=d["top"], internal=d["internal"],
                     internalRelations=dict(d["internal_relations"].most_common()))
        for a, b, d in A.edges(data=True):
            e = Edge(a, b, False, id=f"{a}|{b}", value=d["weight"], weight=d["weight"],
                     relations=dict(d["relations"].most_common()),
                     color={"color": "#8E6C8A", "opacity": 0.5}, arrows={"to": {"enabled": False}})
            net.edges.append(e.options)
    net.options = _options(len(net.nodes), len(net.edges), A is not None, precomputed)
    doc_table = [{"title": t, "url": u} for (t, u), _ in sorted(docs.items(), key=lambda kv: kv[1])]
    return net, doc_table


@dataclass
class Page:
    """A rendered page and what it shows."""

    html: str
    nodes: int
    edges: int
    view: str                     #: whole, ego or aggregated
    note: str = ""
    total_nodes: int = 0
    aggregated_by: str | None = None
    focus: str | None = None
    counts: dict = field(default_factory=dict)


def _json_for_script(value) -> str:
    # inside <script type="application/json">: no "</script>", no HTML parsing surprises
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _asset(package: str, *path: str) -> str:
    return resources.files(package).joinpath(*path).read_text(encoding="utf-8")


def render_page(net, docs: list[dict], *, title: str, meta: dict) -> str:
    """The self-contained HTML: our template, vis-network inlined from pyvis' package data.

    pyvis' own template links Bootstrap from a CDN even with ``cdn_resources="in_line"``, so the
    page is rendered from ``graph/templates/network.html`` with the network data pyvis prepared.
    """
    from jinja2 import Environment

    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    env = Environment(autoescape=True)
    template = env.from_string(_asset("photonics_kg.graph", "templates", "network.html"))
    payload = {"nodes": nodes, "edges": edges, "docs": docs, "meta": meta,
               "types": {t: s for t, s in {**NODE_TYPES, "Other": OTHER_TYPE, "Group": GROUP_TYPE}.items()},
               "relations": {**RELATIONS, "other": OTHER_RELATION}}
    return template.render(
        title=title, meta=meta,
        vis_js=_asset("pyvis", "templates", "lib", "vis-9.1.2", "vis-network.min.js"),
        vis_css=_asset("pyvis", "templates", "lib", "vis-9.1.2", "vis-network.css"),
        page_js=_asset("photonics_kg.graph", "templates", "network.js"),
        page_css=_asset("photonics_kg.graph", "templates", "network.css"),
        data_json=_json_for_script(payload), options_json=_json_for_script(json.loads(options)),
    )


def make_page(G: nx.Graph, sel: Selection | None = None, *, aggregate_by: str = "auto",
              max_nodes: int = MAX_NODES, title: str = "Photonics ecosystem",
              settle_deadline_ms: int | None = SETTLE_DEADLINE_MS, layout: str = "auto") -> Page:
    """Normalise ``G`` (a copy), apply ``sel``, aggregate if too big, render the page.

    ``settle_deadline_ms``: the page stops its layout that long after it started loading (None:
    only when the iterations are done or the layout is still). ``layout``: see :func:`build_network`.
    """
    if aggregate_by not in AGGREGATE_MODES:
        raise ConfigError(f"unknown aggregation {aggregate_by!r}; allowed: {', '.join(AGGREGATE_MODES)}")
    sel = sel or Selection()
    N = normalise(G)
    if N.number_of_nodes() == 0:
        raise ConfigError("the graph has no organisation, programme or event to draw: load sources with 'photonics-kg build'")
    H, focus = select(N, sel)
    if H.number_of_nodes() == 0:
        raise ConfigError(f"nothing matches ({sel.describe() or 'no filter'}); "
                          "loosen the filters ('photonics-kg viz --help')")
    by = aggregate_by
    if by == "auto":
        by = "region" if H.number_of_nodes() > max_nodes else "none"
    view = "ego" if focus else "whole"
    notes = []
    if focus:
        notes.append(f"Ego network of {H.nodes[focus]['label']}: everything within {sel.depth} "
                     f"tie{'s' if sel.depth > 1 else ''} of it ({H.number_of_nodes()} nodes).")
    if sel.describe():
        notes.append(f"Filtered: {sel.describe()}.")
    A = None
    if by != "none":
        A = aggregate(H, by)
        what = "région" if by == "region" else "cluster"
        notes.append(f"Aggregated view: {H.number_of_nodes():,} organisations are too many to draw one by one "
                     f"(above {max_nodes:,}), so each node is a {what} group, sized by its number of "
                     f"organisations, and each line the number of ties between two groups. Narrow the page "
                     f"with --region, --domain, --type or --focus to see organisations.")
        view = "aggregated"
    net, docs = build_network(H, focus=focus, A=A, layout=layout)
    allowed = allowed_values(H)
    years = sorted({y for _, d in H.nodes(data=True) for y in (d["founded"], d["dissolved"]) if y}
                   | {y for *_, d in H.edges(data=True) for p in d["periods"] for y in p if y})
    meta = {
        "title": title, "view": view, "notes": notes, "aggregatedBy": by if A is not None else None,
        "focus": focus, "sizeBy": "number of organisations" if A is not None else H.graph.get("size_by", "centrality"),
        "totalNodes": H.number_of_nodes(), "totalEdges": H.number_of_edges(),
        "sample": bool(G.graph.get("sample")), "synthetic": bool(G.graph.get("synthetic")),
        "filters": {"type": allowed["type"], "domain": allowed["domain"], "region": allowed["region"],
                    "cluster": allowed["cluster"],
                    "year": list(range(years[0], years[-1] + 1)) if years and years[-1] - years[0] <= 200 else years},
        "noRegion": NO_REGION, "settleDeadlineMs": settle_deadline_ms,
        "layout": "precomputed" if net.options["physics"].get("enabled") is False else "physics",
    }
    html = render_page(net, docs, title=title, meta=meta)
    return Page(html=html, nodes=len(net.nodes), edges=len(net.edges), view=view, note=" ".join(notes),
                total_nodes=H.number_of_nodes(), aggregated_by=meta["aggregatedBy"], focus=focus,
                counts={"types": dict(Counter(d["type"] for _, d in H.nodes(data=True)))})


__all__ = ["MAX_NODES", "NODE_TYPES", "RELATIONS", "Page", "Selection", "aggregate", "allowed_values",
           "build_network", "exists_in", "fold", "graph_from_rows", "graph_from_store", "holds_in",
           "make_page", "normalise", "render_page", "resolve_focus", "select"]
