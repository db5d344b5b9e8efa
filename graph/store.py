"""The embedded store: Oxigraph on disk (or in memory), one named graph per source.

Every source graph carries its provenance (PROV-O) inside itself: the source path or URL, its
SHA-256, the loader and its version, when it was loaded and how many triples it holds.
:meth:`KGStore.replace_graph` swaps a source's graph in one transaction: the new triples are first
written to a staging graph, then a single SPARQL Update moves them over the old graph, so readers
see the old graph or the new one, and a failed or killed load leaves the previous graph as it was.
On disk, a writer works on a new generation of the store that is published atomically when it
closes, and readers open the published one (see :mod:`photonics_kg.graph.storedir`).

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
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from photonics_kg import __version__
from photonics_kg import iri as iris
from photonics_kg.errors import ConfigError, QueryError, StoreError
from photonics_kg.namespaces import DCTERMS, PHOT, PREFIXES, PROV, RDF, RDFS, XSD

STAGING_PREFIX = iris.GRAPH + "staging/"

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


@dataclass
class LoadResult:
    graph: URIRef
    triples: int
    skipped: bool = False              #: True when the same source was already loaded, unchanged
    seconds: float = 0.0


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def now_literal() -> Literal:
    """The load time; ``SOURCE_DATE_EPOCH`` makes it reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch else datetime.now(timezone.utc)
    return Literal(moment.replace(microsecond=0).isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)


# -- rdflib <-> pyoxigraph terms ---------------------------------------------------------------
def to_ox(term: Node):
    """Convert an rdflib term to a pyoxigraph term.

    >>> to_ox(Literal(3))
    <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    """
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


def solution_rows(solutions, convert) -> tuple[list[str], list[dict]]:
    """The variables and rows of pyoxigraph ``QuerySolutions``, each bound value passed through
    ``convert`` (unbound variables are absent from their row)."""
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = convert(value)
        rows.append(row)
    return names, rows


class KGStore:
    """The photonics-kg store over pyoxigraph.

    ``KGStore()`` is an in-memory store. ``KGStore(path)`` opens the on-disk store ``path`` for
    writing: it takes the store's build lock (``wait=True``: waits for another build instead of
    failing) and works on a copy of the published generation, which :meth:`close` (or leaving a
    ``with`` block without an exception) publishes atomically; :meth:`abort`, an exception in the
    ``with`` block or a killed process leave the published state as it was.
    ``KGStore(path, read_only=True)`` opens the published generation, never a half-written one.
    The layout and the reasons are in :mod:`photonics_kg.graph.storedir`.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False,
                 wait: bool = False):
        self.path = Path(path) if path is not None else None
        self._generation = None        # the generation a writer builds (graph/storedir.py)
        self._lease = None             # the published generation a reader holds
        self._retired: list = []       # (store, lease) a refresh() replaced, released at the next one
        self._dirty = False
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = self._open_published()
            else:
                self._store = self._open_next_generation(wait)
        except OSError as exc:
            self._release_generation()
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(f"the store {self.path} is in use by another photonics-kg process "
                                 f"(a build or a server); wait for it to finish or stop it") from None
            raise StoreError(f"cannot open the store {self.path}: {msg}") from None
        if not read_only:
            self._drop_staging()

    def _open_published(self) -> ox.Store:
        """Lease the published generation and open it read-only (see graph/storedir.py)."""
        from photonics_kg.graph.storedir import StoreDir

        self._lease = StoreDir(self.path).open_read()
        try:
            return ox.Store.read_only(str(self._lease.path))
        except BaseException:
            self._lease.release()
            self._lease = None
            raise

    def _open_next_generation(self, wait: bool) -> ox.Store:
        """Take the build lock and open a copy of the published generation read-write."""
        from photonics_kg.graph.storedir import StoreDir

        self._generation = StoreDir(self.path).begin_write(wait=wait, log=_log)
        return ox.Store(str(self._generation.path))

    def _release_generation(self) -> None:
        if self._generation is not None and not self._generation.done:
            self._generation.abort()

    @property
    def generation(self) -> str | None:
        """The name of the generation open (being built, or read), None in memory or for a 0.1 store."""
        if self._generation is not None:
            return self._generation.name
        return self._lease.name if self._lease is not None else None

    def refresh(self) -> bool:
        """For long-running readers (a server): switch to the newest published generation.

        Returns True when it switched. The generation left is released at the next refresh or at
        :meth:`close`, so a query still running on it finishes undisturbed.
        """
        from photonics_kg.graph.storedir import StoreDir

        if self._lease is None or self._lease.name == StoreDir(self.path).published_name():
            return False
        old = (self._store, self._lease)
        for _store, lease in self._retired:
            lease.release()
        self._store = self._open_published()
        self._retired = [old]
        return True

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store`` (a writer's generation counts as changed)."""
        self._dirty = True
        return self._store

    def close(self, *, publish: bool = True) -> None:
        """Close the store. A writer's new generation is published (``publish=False``: discarded).

        Nothing is published when nothing was written, except a store's very first generation.
        """
        if not hasattr(self, "_store"):
            return
        gen = self._generation
        if gen is not None:
            publish = publish and (self._dirty or gen.previous is None)
            if publish:
                self._store.flush()
            del self._store
            if not publish:
                gen.abort()
                return
            try:
                gen.publish()
            except BaseException:
                gen.abort()                 # no-op once the pointer has switched
                raise
            return
        if self.path is not None and not self.read_only:
            self._store.flush()
        del self._store
        for _store, lease in self._retired:
            lease.release()
        self._retired = []
        if self._lease is not None:
            self._lease.release()

    def abort(self) -> None:
        """Close without publishing what was written: the store keeps its published state."""
        self.close(publish=False)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        # a failure half-way through a build must not publish the half-built generation
        self.close(publish=exc_type is None)

    def __del__(self):
        # a writer dropped without close() publishes nothing and frees the build lock
        try:
            if getattr(self, "_generation", None) is not None and hasattr(self, "_store"):
                self.close(publish=False)
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    # -- graphs ----------------------------------------------------------------------------
    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs()
                      if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX))

    def _drop_staging(self) -> None:
        """Remove staging graphs a killed load may have left behind."""
        for g in list(self._store.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX):
                self._store.remove_graph(g)
                self._dirty = True

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

    def replace_graph(self, graph: URIRef, data: Graph | Iterable[tuple], info: SourceInfo,
                      *, force: bool = True) -> LoadResult:
        """Replace the named graph ``graph`` by ``data`` plus its provenance, in one transaction."""
        if self.read_only:
            raise StoreError("the store is open read-only")
        started = time.perf_counter()
        if not force and self.is_current(graph, info):
            return LoadResult(graph, self.graph_info(graph)["triples"], skipped=True)
        self._dirty = True
        staging = ox.NamedNode(STAGING_PREFIX + iris.digest(graph, time.time_ns()))
        count = 0

        def quads() -> Iterator[ox.Quad]:
            nonlocal count
            for s, p, o in data:
                count += 1
                yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), staging)

        try:
            self._store.extend(quads())
            self._store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), staging)
                               for s, p, o in provenance_triples(graph, info, count))
            # one update = one transaction: readers see the old graph or the new one
            self._store.update(f"DROP SILENT GRAPH <{graph}> ; MOVE SILENT GRAPH <{staging.value}> TO GRAPH <{graph}>")
        except BaseException as exc:
            try:
                self._store.remove_graph(staging)
            except Exception:  # pragma: no cover - best effort; staging is also dropped at next open
                pass
            if isinstance(exc, OSError):     # disk full, I/O error: the published store is untouched
                raise StoreError(f"cannot write the store {self.path or '(memory)'}: {exc}") from None
            raise
        return LoadResult(graph, count, seconds=time.perf_counter() - started)

    def remove_graph(self, graph: URIRef | str) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
        self._dirty = True
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
        return solution_rows(result, python_value)[1]

    def ask(self, sparql: str, bindings: dict | None = None) -> bool:
        return bool(self.query(sparql, bindings))

    # -- counts and dumps ------------------------------------------------------------------
    def __len__(self) -> int:
        return sum(1 for q in self._store if not (isinstance(q.graph_name, ox.NamedNode)
                                                   and q.graph_name.value.startswith(STAGING_PREFIX)))

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
