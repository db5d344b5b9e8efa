"""The networkx projection of the knowledge graph: who is tied to whom, as of a year.

Three flat library queries pull everything out of the store in one pass each
(``queries/select/graph-nodes.rq``, ``graph-edges.rq`` and ``graph-periods.rq``); the rows are then
folded into a ``networkx.MultiDiGraph`` with no further SPARQL and no hand-written traversal of
the RDF. Anything with a ``select(text, bindings)`` method returning rows as dicts works as the
store: :class:`~photonics_kg.graph.store.KGStore`, :class:`SparqlEndpoint` or a remote store.

Modelling choices (the analyses and the report rely on them):

* **Nodes** are organisations (``firm``, ``cluster``, ``lab``, ``university``, ``public_body``,
  ``association``), ``programme``, ``event`` and ``domain`` (application domains). Node keys are
  IRIs; attributes: ``kind``, ``label``, ``label_en``, ``sme``, ``regions`` (French régions, IRIs),
  ``region_labels``, ``countries``, ``foreign``, ``founding``, ``dissolution``, ``domains``.
* **Places are attributes, not nodes**: a région node would tie every firm of Île-de-France to
  every other one and swamp every centrality. The link predictor uses them as shared contexts.
* **Edges** are typed (``rel``: memberOf, partnerOf, sponsorOf, ownerOf, managerOf,
  participatesIn, acquired, subsidiaryOf, founded between actors; activeIn and priorityDomain
  from an actor to a domain), directed as stated, with the ``periods`` of their n-ary facts.
  Successions (mergedInto, renamedTo) are not ties: they end an organisation
  (``phot:dissolutionYear``).
* **As of year Y**: an organisation exists when ``foundingYear <= Y < dissolutionYear`` (the
  successor of a merger takes over in the merger year); a tie holds when one of its facts has
  ``startYear <= Y <= endYear`` (missing bounds are open); a tie with no dated fact always holds.
  Ties of an organisation that no longer exists are dropped, not carried over to its successor:
  the sources have to state the new membership.

:func:`actor_graph` collapses the projection into the undirected, simple graph the analyses use
(ties between actors only; ``weight`` = number of typed relations between the pair).

>>> G = graph_from_rows(
...     [{"node": "ex:a", "class": PHOT_NS + "Firm", "label": "A", "sme": True},
...      {"node": "ex:b", "class": PHOT_NS + "Cluster", "label": "B", "dissolution": 2017},
...      {"node": "ex:d", "class": PHOT_NS + "ApplicationDomain", "label": "Santé"}],
...     [{"s": "ex:a", "rel": ORG_NS + "memberOf", "o": "ex:b"},
...      {"s": "ex:a", "rel": PHOT_NS + "activeIn", "o": "ex:d"}])
>>> sorted(G.nodes), G.nodes["ex:a"]["domains"]
(['ex:a', 'ex:b', 'ex:d'], ('ex:d',))
>>> sorted(graph_from_rows(*_rows_of(G), year=2020).nodes)   # the cluster was dissolved in 2017
['ex:a', 'ex:d']
>>> A = actor_graph(G)
>>> list(A.edges(data=True))
[('ex:a', 'ex:b', {'weight': 1, 'rels': ('memberOf',)})]
"""

from __future__ import annotations

import gc
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Iterable, Protocol

import networkx as nx

from photonics_kg.errors import QueryError, StoreError

PHOT_NS = "https://w3id.org/photonics-kg/ontology#"
ORG_NS = "http://www.w3.org/ns/org#"
FRANCE = "https://w3id.org/photonics-kg/id/place/france"

#: node kind of each class (first match wins when a node has several)
KINDS = {
    PHOT_NS + "Firm": "firm", PHOT_NS + "Cluster": "cluster", PHOT_NS + "ResearchLab": "lab",
    PHOT_NS + "University": "university", PHOT_NS + "PublicBody": "public_body",
    PHOT_NS + "Association": "association", PHOT_NS + "Programme": "programme",
    PHOT_NS + "Event": "event", PHOT_NS + "ApplicationDomain": "domain",
}
ORGANISATION_KINDS = frozenset({"firm", "cluster", "lab", "university", "public_body", "association"})
ACTOR_KINDS = ORGANISATION_KINDS | {"programme", "event"}
#: ties between actors (relation name -> IRI)
TIE_RELATIONS = {
    "memberOf": ORG_NS + "memberOf", "partnerOf": PHOT_NS + "partnerOf",
    "sponsorOf": PHOT_NS + "sponsorOf", "ownerOf": PHOT_NS + "ownerOf",
    "managerOf": PHOT_NS + "managerOf", "participatesIn": PHOT_NS + "participatesIn",
    "acquired": PHOT_NS + "acquired", "subsidiaryOf": PHOT_NS + "subsidiaryOf",
    "founded": PHOT_NS + "founded",
}
#: links from an actor to an application domain
DOMAIN_RELATIONS = {"activeIn": PHOT_NS + "activeIn", "priorityDomain": PHOT_NS + "priorityDomain"}
_REL_NAMES = {iri: name for name, iri in {**TIE_RELATIONS, **DOMAIN_RELATIONS}.items()}

#: the library queries the projection is built from (named in the report)
NODE_QUERY = "graph-nodes"
EDGE_QUERY = "graph-edges"
PERIOD_QUERY = "graph-periods"


class Selectable(Protocol):
    """Anything that answers a SPARQL SELECT with rows of plain values (KGStore, endpoints)."""

    def select(self, sparql: str, bindings: dict | None = None) -> list[dict]: ...


def exists_in(founding: int | None, dissolution: int | None, year: int | None) -> bool:
    """True when an organisation founded/dissolved in these years exists in ``year``.

    >>> exists_in(2004, 2017, 2016), exists_in(2004, 2017, 2017), exists_in(None, None, 1900)
    (True, False, True)
    >>> exists_in(2004, 2017, None)           # no year: everything the graph holds
    True
    """
    if year is None:
        return True
    return (founding is None or founding <= year) and (dissolution is None or year < dissolution)


def holds_in(start: int | None, end: int | None, year: int | None) -> bool:
    """True when a fact that started/ended in these years holds in ``year`` (bounds included).

    >>> holds_in(2010, 2012, 2012), holds_in(2010, None, 2009), holds_in(None, None, 2000)
    (True, False, True)
    """
    if year is None:
        return True
    return (start is None or start <= year) and (end is None or year <= end)


def graph_from_rows(node_rows: Iterable[dict], edge_rows: Iterable[dict], *, year: int | None = None,
                    period_rows: Iterable[dict] = ()) -> nx.MultiDiGraph:
    """Fold the rows of ``graph-nodes.rq``, ``graph-edges.rq`` and ``graph-periods.rq`` into the projection.

    An edge row may carry its own ``start``/``end``; ``period_rows`` give the facts behind the
    edges (a tie with facts holds when one of them does). Pure: no store needed, so the "as of
    year" rules are testable on hand-written rows.
    """
    with _no_gc():
        return _graph_from_rows(node_rows, edge_rows, year, period_rows)


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector: building 100k nodes with their attribute dicts
    otherwise triggers it hundreds of times for nothing (no cycles are created)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _graph_from_rows(node_rows, edge_rows, year, period_rows) -> nx.MultiDiGraph:
    nodes: dict[str, dict] = {}
    for row in node_rows:
        iri = row["node"]
        kind = KINDS.get(row.get("class"))
        if kind is None:
            continue
        attrs = nodes.get(iri)
        if attrs is None:
            attrs = nodes[iri] = {"kind": kind, "label": None, "label_en": None, "sme": None,
                                  "regions": set(), "region_labels": {}, "countries": set(),
                                  "founding": None, "dissolution": None}
        elif _kind_rank(kind) < _kind_rank(attrs["kind"]):
            attrs["kind"] = kind
        for key in ("label", "label_en", "founding", "dissolution"):
            if attrs[key] is None and row.get(key) is not None:
                attrs[key] = row[key]
        if row.get("sme") is not None:
            attrs["sme"] = bool(row["sme"]) or bool(attrs["sme"])
        if row.get("region"):
            attrs["regions"].add(row["region"])
            if row.get("region_label"):
                attrs["region_labels"][row["region"]] = row["region_label"]
        if row.get("country"):
            attrs["countries"].add(row["country"])

    G = nx.MultiDiGraph(year=year)
    for iri in sorted(nodes):
        a = nodes[iri]
        if a["kind"] != "domain" and not exists_in(a["founding"], a["dissolution"], year):
            continue
        regions = tuple(sorted(a["regions"]))
        G.add_node(iri, kind=a["kind"], label=a["label"] or _local_name(iri), label_en=a["label_en"],
                   sme=a["sme"], regions=regions,
                   region_labels=tuple(a["region_labels"].get(r, _local_name(r)) for r in regions),
                   countries=tuple(sorted(a["countries"])),
                   foreign=bool(a["countries"]) and FRANCE not in a["countries"] and not regions,
                   founding=a["founding"], dissolution=a["dissolution"], domains=())

    facts: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in period_rows:
        rel = _REL_NAMES.get(row.get("rel"))
        if rel is not None:
            facts[(row["s"], row["o"], rel)].append((row.get("start"), row.get("end")))
            if rel == "partnerOf":  # symmetric: the fact names both partners the same way
                facts[(row["o"], row["s"], rel)].append((row.get("start"), row.get("end")))
    periods: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in edge_rows:
        rel = _REL_NAMES.get(row.get("rel"))
        s, o = row.get("s"), row.get("o")
        if rel is None or s not in G or o not in G or s == o:
            continue
        periods[(s, o, rel)].append((row.get("start"), row.get("end")))
        periods[(s, o, rel)] += facts.get((s, o, rel), [])
    domains: dict[str, set] = defaultdict(set)
    for (s, o, rel), spans in sorted(periods.items()):
        if len(spans) > 1:  # the shortcut row itself has no years when its facts have some
            spans = [p for p in spans if p != (None, None)] or spans
        if not any(holds_in(start, end, year) for start, end in spans):
            continue
        is_domain_link = rel in DOMAIN_RELATIONS
        if is_domain_link != (G.nodes[o]["kind"] == "domain") or G.nodes[s]["kind"] == "domain":
            continue  # a relation whose ends do not have the expected kinds is not a tie
        if is_domain_link:
            domains[s].add(o)
        dated = sorted({(a, b) for a, b in spans if a is not None or b is not None}, key=str)
        G.add_edge(s, o, key=rel, rel=rel, periods=tuple(dated))
    for node, ds in domains.items():
        G.nodes[node]["domains"] = tuple(sorted(ds))
    return G


def project(store: Selectable, year: int | None = None) -> nx.MultiDiGraph:
    """The projection of ``store`` as of ``year`` (None: every fact the store holds).

    ``G.graph`` records the year, the queries used and how long each step took.
    """
    from photonics_kg.queries.library import get

    timings = {}
    t0 = time.perf_counter()
    node_rows = _select(store, get(NODE_QUERY).text)
    edge_rows = _select(store, get(EDGE_QUERY).text)
    period_rows = _select(store, get(PERIOD_QUERY).text)
    timings["select"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    G = graph_from_rows(node_rows, edge_rows, year=year, period_rows=period_rows)
    timings["build"] = time.perf_counter() - t0
    G.graph.update(queries=(NODE_QUERY, EDGE_QUERY, PERIOD_QUERY), timings=timings)
    return G


def actor_graph(G: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph of ties between actors (domains dropped, kept as attributes).

    Edge ``weight`` is the number of distinct relations between the pair and ``rels`` their
    names, so ``A partnerOf B`` plus ``A memberOf B`` gives weight 2. Isolated actors are kept:
    an organisation with no tie is a finding, not noise. ``A.graph["domain_labels"]`` maps each
    domain IRI to its (French, English) labels.
    """
    with _no_gc():
        return _actor_graph(G)


def _actor_graph(G: nx.MultiDiGraph) -> nx.Graph:
    A = nx.Graph(year=G.graph.get("year"))
    A.graph["domain_labels"] = {n: (d["label"], d.get("label_en") or d["label"])
                                for n, d in G.nodes(data=True) if d["kind"] == "domain"}
    A.add_nodes_from((n, d) for n, d in G.nodes(data=True) if d["kind"] != "domain")
    rels: dict[tuple, set] = defaultdict(set)
    for s, o, rel in G.edges(keys=True):
        if rel in TIE_RELATIONS and s in A and o in A:
            rels[(s, o) if s <= o else (o, s)].add(rel)
    A.add_edges_from((s, o, {"weight": len(names), "rels": tuple(sorted(names))}) for (s, o), names in sorted(rels.items()))
    return A


class SparqlEndpoint:
    """A read-only SPARQL 1.1 endpoint with the ``select()`` interface of :class:`KGStore`.

    Parameters are bound the same way (a ``VALUES`` row, see
    :func:`photonics_kg.queries.library.bind_values`), so the library queries run unchanged.

    >>> SparqlEndpoint("ftp://example.org/sparql")
    Traceback (most recent call last):
    ...
    photonics_kg.errors.ConfigError: endpoint 'ftp://example.org/sparql' is not an http(s) URL
    """

    def __init__(self, url: str, *, timeout: int = 120):
        from photonics_kg.errors import ConfigError

        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"endpoint {url!r} is not an http(s) URL")
        self.url = url
        self.timeout = timeout

    def select(self, sparql: str, bindings: dict | None = None) -> list[dict]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from rdflib import Literal, URIRef

        from photonics_kg.namespaces import PREFIXES
        from photonics_kg.queries.library import bind_values

        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(self.timeout)
        client.setQuery(header + bind_values(sparql, bindings or {}))
        try:
            result = client.queryAndConvert()
        except Exception as exc:  # network, HTTP and parse errors all mean the same to the user
            raise StoreError(f"SPARQL endpoint {self.url}: {exc}") from None
        rows = []
        for binding in result["results"]["bindings"]:
            row = {}
            for name, cell in binding.items():
                if cell["type"] == "uri":
                    row[name] = str(URIRef(cell["value"]))
                elif cell["type"] == "bnode":
                    row[name] = cell["value"]
                else:
                    lit = Literal(cell["value"], lang=cell.get("xml:lang"), datatype=cell.get("datatype"))
                    value = lit.toPython()
                    row[name] = value if not isinstance(value, Literal) else str(value)
            rows.append(row)
        return rows


def _select(store: Selectable, text: str) -> list[dict]:
    try:
        return store.select(text)
    except (QueryError, StoreError):
        raise
    except Exception as exc:  # a foreign store type: still one clear message
        raise QueryError(f"the projection query failed: {exc}") from None


def _kind_rank(kind: str) -> int:
    return list(KINDS.values()).index(kind)


def _local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _rows_of(G: nx.MultiDiGraph) -> tuple[list[dict], list[dict]]:
    """Rows that rebuild ``G`` (used by the examples)."""
    classes = {kind: cls for cls, kind in KINDS.items()}
    nodes = [{"node": n, "class": classes[d["kind"]], "label": d["label"], "sme": d["sme"],
              "founding": d["founding"], "dissolution": d["dissolution"]} for n, d in G.nodes(data=True)]
    rels = {**TIE_RELATIONS, **DOMAIN_RELATIONS}
    edges = [{"s": s, "rel": rels[k], "o": o} for s, o, k in G.edges(keys=True)]
    return nodes, edges
