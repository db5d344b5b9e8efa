"""The embedded store: Oxigraph on disk (or in memory), one named graph per source.

Every source graph carries its provenance (PROV-O) inside itself: the source path or URL, its
SHA-256, the loader and its version, when it was loaded and how many triples it holds.
:meth:`KGStore.replace_graph` replaces a source's graph so that readers see the old graph or the
new one, and a failed or killed load leaves the previous graph as it was (see its docstring for
how: staging graph and one SPARQL update for a reload; for a first load, a journal entry and the
provenance written last as the commit). RDF files are handed to the store as :class:`RdfFile`
and parsed by Oxigraph itself, bulk-loaded when large: no Python object per triple.

>>> from rdflib import Graph, URIRef, Literal
>>> store = KGStore()                      # in memory
>>> g = Graph(); _ = g.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x")))
>>> info = SourceInfo(loader="rdf", source="example.ttl", sha256="00" * 32)
>>> store.replace_graph(URIRef("https://w3id.org/photonics-kg/graph/rdf/example"), g, info).triples
1
>>> store.select("SELECT ?o WHERE { ?s <https://example.org/p> ?o }")
[{'o': 'x'}]
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from photonics_kg import __version__
from photonics_kg import iri as iris
from photonics_kg.errors import ConfigError, QueryError, SourceError, StoreError
from photonics_kg.namespaces import DCTERMS, PHOT, PREFIXES, PROV, RDF, RDFS, XSD

STAGING_PREFIX = iris.GRAPH + "staging/"
#: first loads in progress: (graph, journal#loading, time) quads; a journalled graph without its
#: provenance when the store is opened is a load that was killed, and is removed
JOURNAL = ox.NamedNode(STAGING_PREFIX + "journal")
_LOADING = ox.NamedNode(STAGING_PREFIX + "journal#loading")
_SHA256 = ox.NamedNode(str(PHOT.sha256))
_SYNTHETIC = ox.NamedNode(str(PHOT.synthetic))
_TRUE = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean)))
#: from this many quads (or bytes of an RDF file) on, a graph is bulk-loaded: Oxigraph writes the
#: RocksDB files directly instead of going through a transaction, 3-4x faster on disk from 25k
#: quads on (measured); below it, a transaction is as fast and makes no small files
BULK_QUADS = 5_000
BULK_BYTES = 1 << 20
#: a reload of a graph up to this size writes only the difference (see KGStore._reload_by_difference)
DIFF_MAX = 2_000_000

EXPORT_FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, False),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nq": (ox.RdfFormat.N_QUADS, True),
    "jsonld": (None, True),
}


@dataclass
class SourceInfo:
    """What a loader tells the store about the source of a graph."""

    loader: str
    source: str                        #: path as given, or URL
    sha256: str
    loader_version: str = __version__
    format: str | None = None
    title: str | None = None
    url: str | None = None
    sample: bool = False
    synthetic: bool = False


@dataclass(frozen=True)
class RdfFile:
    """An RDF file for the store to parse itself (Oxigraph), instead of an rdflib graph.

    For sources that are RDF already: Oxigraph parses and loads them without a Python object
    per triple. The quads of an N-Quads or TriG file all go into the one graph being replaced
    (the graph is the source). ``checked`` says the file was parsed once without error (the RDF
    loader does it while it reads and checks every source), so IRIs need not be validated again.
    """

    path: Path
    format: ox.RdfFormat
    base_iri: str | None = None
    checked: bool = False

    @property
    def has_graphs(self) -> bool:
        return self.format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


@dataclass
class LoadResult:
    graph: URIRef
    triples: int
    skipped: bool = False              #: True when the same source was already loaded, unchanged
    seconds: float = 0.0


def now_literal() -> Literal:
    """The load time; ``SOURCE_DATE_EPOCH`` makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else datetime.now(timezone.utc)
    return Literal(moment.replace(microsecond=0).isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


# -- rdflib <-> pyoxigraph terms ---------------------------------------------------------------
def to_ox(term: Node):
    """Convert an rdflib term to a pyoxigraph term (a pyoxigraph term is returned as it is).

    >>> to_ox(Literal(3))
    <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
    if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store {term!r}")


def from_ox(term):
    """Convert a pyoxigraph term to rdflib."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unexpected term {term!r}")


def python_value(term):
    """A plain Python value for a query result cell (str, int, float, bool, None)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return from_ox(term).toPython() if term.datatype.value != str(XSD.string) else term.value
    return term.value


class KGStore:
    """The photonics-kg store over pyoxigraph.

    ``KGStore(path)`` opens (or creates) an on-disk store; ``KGStore()`` an in-memory one.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not (self.path.exists() and any(self.path.iterdir())):
                    raise StoreError(f"no store at {self.path}: run 'photonics-kg build' first (or pass --store)")
                self._store = ox.Store.read_only(str(self.path))
            else:
                if self.path.exists() and not self.path.is_dir():
                    raise StoreError(f"{self.path} is a file, not a store directory")
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(f"the store {self.path} is in use by another photonics-kg process "
                                 f"(a build or a server); wait for it to finish or stop it") from None
            raise StoreError(f"cannot open the store {self.path}: {msg}") from None
        self.read_only = read_only
        if not read_only:
            self._recover()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``."""
        return self._store

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()
        del self._store

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- graphs ----------------------------------------------------------------------------
    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs()
                      if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX))

    def _recover(self) -> None:
        """Undo what a killed load left behind: a first load cut short, staging graphs."""
        for q in list(self._store.quads_for_pattern(None, _LOADING, None, JOURNAL)):
            if next(self._store.quads_for_pattern(q.subject, _SHA256, None, q.subject), None) is None:
                self._store.remove_graph(q.subject)
        for g in list(self._store.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX):
                self._store.remove_graph(g)

    def graph_info(self, graph: URIRef | str) -> dict | None:
        """The provenance of a source graph (sha256, loader, version, triples, loaded), or None."""
        from photonics_kg.queries.library import get

        rows = self.select(get("graph-provenance").text, {"g": URIRef(str(graph))}, union=False)
        return rows[0] if rows else None

    def is_current(self, graph: URIRef, info: SourceInfo) -> bool:
        """True when ``graph`` already holds this very source, loaded by this loader version."""
        known = self.graph_info(graph)
        return bool(known and known["sha"] == info.sha256 and known["loader"] == info.loader
                    and known["version"] == info.loader_version)

    def replace_graph(self, graph: URIRef, data: Graph | Iterable[tuple] | RdfFile, info: SourceInfo,
                      *, force: bool = True) -> LoadResult:
        """Replace the named graph ``graph`` by ``data`` plus its provenance.

        ``data`` is an rdflib graph, an iterable of rdflib ``(s, p, o)`` triples, or an
        :class:`RdfFile` that Oxigraph parses itself. A graph whose data says it is synthetic
        (``?x phot:synthetic true``) is marked synthetic in its provenance.

        Readers see the old graph or the new one, and a failed or killed load leaves the previous
        graph as it was:

        - a graph the store already holds gets what changed, deleted and inserted by one SPARQL
          update (one transaction); when its data has blank nodes, or is very large, it is
          rebuilt in a staging graph instead, swapped in by one update: drop, copy;
        - a graph the store does not hold yet is written in place: a small one in one transaction
          with its provenance; a large one is bulk-loaded (no transaction, ~10x faster on disk)
          after a journal entry, and its provenance, written last in its own transaction, is the
          commit: a journalled graph without provenance is a killed load, removed at the next open.
        """
        if self.read_only:
            raise StoreError("the store is open read-only")
        started = time.perf_counter()
        if not force and self.is_current(graph, info):
            return LoadResult(graph, self.graph_info(graph)["triples"], skipped=True)
        target = ox.NamedNode(str(graph))
        if isinstance(data, RdfFile):
            quads = None
        else:
            # converted (and deduplicated, as a graph is a set) before anything is written, so a
            # source that breaks half-way writes nothing
            quads = list(dict.fromkeys(ox.Quad(to_ox(s), to_ox(p), to_ox(o), target) for s, p, o in data))
        if self._store.contains_named_graph(target):
            count = self._reload(graph, target, data, quads, info)
        elif quads is not None and len(quads) < BULK_QUADS:
            info = self._synthetic(info, quads=quads)
            self._store.extend(quads + self._provenance(graph, info, len(quads), target))
            count = len(quads)
        else:
            count = self._first_load(graph, target, data, quads, info)
        return LoadResult(graph, count, seconds=time.perf_counter() - started)

    def _first_load(self, graph: URIRef, target: ox.NamedNode, data, quads, info: SourceInfo) -> int:
        self._store.add(ox.Quad(target, _LOADING, ox.Literal(str(time.time_ns())), JOURNAL))
        try:
            if quads is None:
                self._load_file(data, target)
            else:
                self._store.bulk_extend(quads)
            count = self.count(target)
            info = self._synthetic(info, graph=target)
            self._store.extend(self._provenance(graph, info, count, target))  # the commit
        except BaseException:
            try:
                self._store.remove_graph(target)
                self._unjournal(target)
            except Exception:  # pragma: no cover - the journal entry stays: undone at the next open
                pass
            raise
        self._unjournal(target)
        return count

    def _unjournal(self, target: ox.NamedNode) -> None:
        for q in list(self._store.quads_for_pattern(target, _LOADING, None, JOURNAL)):
            self._store.remove(q)

    def _reload(self, graph: URIRef, target: ox.NamedNode, data, quads, info: SourceInfo) -> int:
        count = self._reload_by_difference(graph, target, data, quads, info)
        if count is not None:
            return count
        staging = ox.NamedNode(STAGING_PREFIX + iris.digest(graph, time.time_ns()))
        try:
            if quads is None:
                self._load_file(data, staging)
            else:
                quads = [ox.Quad(q.subject, q.predicate, q.object, staging) for q in quads]
                (self._store.bulk_extend if len(quads) >= BULK_QUADS else self._store.extend)(quads)
            count = self.count(staging)
            info = self._synthetic(info, graph=staging)
            self._store.extend(self._provenance(graph, info, count, staging))
            # one update = one transaction: readers see the old graph or the new one
            self._store.update(f"DROP SILENT GRAPH <{graph}> ; "
                               f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{staging.value}> {{ ?s ?p ?o }} }}")
        finally:
            try:
                self._store.remove_graph(staging)
            except Exception:  # pragma: no cover - best effort; staging is also dropped at next open
                pass
        return count

    def _reload_by_difference(self, graph: URIRef, target: ox.NamedNode, data, quads, info: SourceInfo) -> int | None:
        """Reload by writing only what changed, in one update; None when that cannot be done.

        A reloaded source mostly says what it said before (a new year of a registry, a forced
        rebuild): deleting and inserting only the difference touches a few quads where a swap
        writes and deletes the whole graph (20 s instead of 2 at 100k triples on disk). Graphs
        with blank nodes (new names at each load, and no way to name one in SPARQL) or larger
        than :data:`DIFF_MAX` are swapped instead.
        """
        if self.count(target) > DIFF_MAX:
            return None
        if quads is not None:
            new = {(q.subject, q.predicate, q.object) for q in quads}
        elif data.path.stat().st_size > DIFF_MAX * 200:
            return None
        else:
            try:
                new = {(q.subject, q.predicate, q.object)
                       for q in ox.parse(path=data.path, format=data.format, base_iri=data.base_iri, lenient=data.checked)}
            except SyntaxError as exc:
                raise SourceError(f"malformed {data.format.name}: {exc.msg}", path=data.path, line=exc.lineno) from None
        if len(new) > DIFF_MAX or _has_blank_nodes(new):
            return None
        old = {(q.subject, q.predicate, q.object) for q in self._store.quads_for_pattern(None, None, None, target)}
        if _has_blank_nodes(old):
            return None
        count = len(new)
        if not info.synthetic and any(p == _SYNTHETIC and o == _TRUE for _, p, o in new):
            info = replace(info, synthetic=True)
        new.update((q.subject, q.predicate, q.object) for q in self._provenance(graph, info, count, target))
        parts = []
        for verb, triples in (("DELETE", old - new), ("INSERT", new - old)):
            if triples:
                body = "\n".join(f"{s} {p} {o} ." for s, p, o in triples)
                parts.append(f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}")
        if parts:
            self._store.update(" ;\n".join(parts))  # one update = one transaction
        return count

    def _load_file(self, f: RdfFile, into: ox.NamedNode) -> None:
        """Parse ``f`` with Oxigraph into the graph ``into``."""
        big = f.path.stat().st_size >= BULK_BYTES
        try:
            if f.has_graphs:
                # the file's own graph names are not kept: the graph is the source
                quads = (ox.Quad(q.subject, q.predicate, q.object, into)
                         for q in ox.parse(path=f.path, format=f.format, base_iri=f.base_iri,
                                           rename_blank_nodes=True, lenient=f.checked))
                (self._store.bulk_extend if big else self._store.extend)(quads)
            else:
                # Store.load and bulk_load give blank nodes fresh names, as rdflib would
                (self._store.bulk_load if big else self._store.load)(
                    path=f.path, format=f.format, base_iri=f.base_iri, to_graph=into, lenient=f.checked)
        except SyntaxError as exc:
            raise SourceError(f"malformed {f.format.name}: {exc.msg}", path=f.path, line=exc.lineno) from None

    def _synthetic(self, info: SourceInfo, *, graph: ox.NamedNode | None = None, quads=None) -> SourceInfo:
        """``info``, marked synthetic when the data says it is."""
        if info.synthetic:
            return info
        if quads is not None:
            says = any(q.predicate == _SYNTHETIC and q.object == _TRUE for q in quads)
        else:
            says = next(self._store.quads_for_pattern(None, _SYNTHETIC, _TRUE, graph), None) is not None
        return replace(info, synthetic=True) if says else info

    @staticmethod
    def _provenance(graph: URIRef, info: SourceInfo, count: int, into: ox.NamedNode) -> list[ox.Quad]:
        return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), into) for s, p, o in provenance_triples(graph, info, count)]

    def count(self, graph: ox.NamedNode | URIRef | str | None = None) -> int:
        """Number of quads in one named graph (None: the default graph), counted by Oxigraph."""
        from photonics_kg.queries.library import term_to_sparql

        name = graph.value if isinstance(graph, ox.NamedNode) else graph
        where = "{ ?s ?p ?o }" if graph is None else f"{{ GRAPH {term_to_sparql(URIRef(str(name)))} {{ ?s ?p ?o }} }}"
        solutions = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {where}", use_default_graph_as_union=False)
        return int(next(iter(solutions))["n"].value)

    def remove_graph(self, graph: URIRef | str) -> None:
        self._store.remove_graph(ox.NamedNode(str(graph)))

    # -- queries ---------------------------------------------------------------------------
    def query(self, sparql: str, bindings: dict | None = None, *, union: bool = True):
        """Run a SPARQL query; the default graph is the union of all named graphs.

        ``bindings`` maps variable names to rdflib terms, bound as a ``VALUES`` row of
        serialised terms (see :func:`photonics_kg.queries.library.bind_values`).
        """
        from photonics_kg.queries.library import bind_values

        text = bind_values(sparql, bindings or {})
        try:
            return self._store.query(text, use_default_graph_as_union=union, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {exc}") from None

    def select(self, sparql: str, bindings: dict | None = None, *, union: bool = True) -> list[dict]:
        """Run a SELECT; rows as dicts of plain Python values (unbound variables absent)."""
        result = self.query(sparql, bindings, union=union)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = python_value(value)
            rows.append(row)
        return rows

    def ask(self, sparql: str, bindings: dict | None = None) -> bool:
        return bool(self.query(sparql, bindings))

    # -- counts and dumps ------------------------------------------------------------------
    def __len__(self) -> int:
        return self.count(None) + sum(self.count(ox.NamedNode(g)) for g in self.named_graphs())

    def quads(self) -> Iterator[ox.Quad]:
        for q in self._store:
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(STAGING_PREFIX):
                continue
            yield q

    def to_rdflib(self, *, union: bool = True):
        """The store as an rdflib ``Graph`` (union of the graphs) or ``Dataset``."""
        from rdflib import Dataset

        if union:
            g = Graph()
            for prefix, ns in PREFIXES.items():
                g.bind(prefix, ns)
            for q in self.quads():
                g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
            return g
        ds = Dataset()
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns)
        for q in self.quads():
            gname = from_ox(q.graph_name)
            ds.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), gname))
        return ds

    def export(self, fmt: str, output) -> None:
        """Write the store as ``ttl``/``nt`` (union of the graphs), ``trig``/``nq`` (named graphs) or ``jsonld``."""
        if fmt not in EXPORT_FORMATS:
            raise ConfigError(f"unknown export format {fmt!r}; allowed: {', '.join(EXPORT_FORMATS)}")
        ox_format, keeps_graphs = EXPORT_FORMATS[fmt]
        if fmt == "jsonld":
            data = self.to_rdflib(union=False).serialize(format="json-ld", auto_compact=True)
            output.write(data.encode("utf-8"))
            return
        if keeps_graphs:
            ox.serialize(sorted(self.quads(), key=str), output, ox_format, prefixes=PREFIXES)
        else:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()}
            ox.serialize(sorted(triples, key=str), output, ox_format, prefixes=PREFIXES)


def _has_blank_nodes(triples) -> bool:
    return any(isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode) for s, _, o in triples)


def provenance_triples(graph: URIRef, info: SourceInfo, count: int) -> list[tuple]:
    """PROV-O description of a source graph, stored inside the graph itself."""
    load = URIRef(f"{graph}#load")
    agent = URIRef(f"{iris.BASE}loader/{info.loader}/{info.loader_version}")
    origin = URIRef(info.url) if info.url else iris.file_identity_iri(info.sha256)
    triples = [
        (graph, RDF.type, PHOT.SourceGraph),
        (graph, RDF.type, PROV.Entity),
        (graph, PROV.wasDerivedFrom, origin),
        (graph, DCTERMS.source, Literal(info.source)),
        (graph, PHOT.sha256, Literal(info.sha256)),
        (graph, PHOT.tripleCount, Literal(count)),
        (graph, PROV.wasGeneratedBy, load),
        (load, RDF.type, PHOT.Load),
        (load, PROV.used, origin),
        (load, PROV.wasAssociatedWith, agent),
        (load, PROV.endedAtTime, now_literal()),
        (agent, RDF.type, PHOT.Loader),
        (agent, RDFS.label, Literal(info.loader)),
        (agent, PHOT.loaderVersion, Literal(info.loader_version)),
    ]
    if info.format:
        triples.append((graph, PHOT.sourceFormat, Literal(info.format)))
    if info.title:
        triples.append((graph, DCTERMS.title, Literal(info.title)))
    if info.sample:
        triples.append((graph, PHOT.sample, Literal(True)))
    if info.synthetic:
        triples.append((graph, PHOT.synthetic, Literal(True)))
    return triples
