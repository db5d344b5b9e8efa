"""RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD) loaded as they are.

A file's triples go into one named graph, ``graph/rdf/<file stem>``; quads of a TriG or N-Quads
file are merged into it (their own graph names are not kept: the graph is the source). The
ontology files are loaded by the ``ontology`` loader into ``graph/ontology/<name>``.

Files Oxigraph reads (all but JSON-LD and N3) are checked here by parsing them once with
Oxigraph, then handed to the store as a :class:`~photonics_kg.graph.store.RdfFile` that it
parses and loads itself (bulk-loaded when large): no rdflib graph in between, ~10x faster than
rdflib at 1M triples (see ``bench/build.py``).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.graph.store import RdfFile
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, register

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".rdf": "xml",
           ".owl": "xml", ".jsonld": "json-ld", ".n3": "n3"}
#: the formats the store parses itself
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
              "nquads": ox.RdfFormat.N_QUADS, "xml": ox.RdfFormat.RDF_XML}


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(f"unknown RDF extension; allowed: {', '.join(FORMATS)}", path=path)
    return fmt


def _check_not_empty(path: Path) -> None:
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if not head.strip() and path.stat().st_size <= len(head):
        raise SourceError("the file is empty", path=path)


def parse_rdf(path: Path) -> Graph:
    """Parse an RDF file into an rdflib graph (the quads of TriG or N-Quads merged into it)."""
    fmt = _format(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceError("the file is empty", path=path)
    try:
        if fmt in ("trig", "nquads"):
            ds = Dataset()
            ds.parse(data=raw, format=fmt)
            g = Graph()
            for s, p, o, _ in ds.quads():
                g.add((s, p, o))
        else:
            g = Graph()
            g.parse(data=raw, format=fmt)
    except Exception as exc:  # rdflib raises many types; all mean "malformed"
        text = str(exc).strip().splitlines()
        detail = text[0] if text else type(exc).__name__
        line = getattr(exc, "lines", None)
        raise SourceError(f"malformed {fmt}: {detail}", path=path, line=line if isinstance(line, int) else None) from None
    return g


def check_rdf(path: Path) -> tuple[RdfFile, int]:
    """Parse ``path`` once with Oxigraph to check it; return it as an :class:`RdfFile` and its statement count.

    Raises :class:`SourceError` with the line of the first syntax error.
    """
    fmt = _format(path)
    _check_not_empty(path)
    rdf = RdfFile(path=path, format=OX_FORMATS[fmt], base_iri=path.resolve().as_uri(), checked=True)
    n = 0
    try:
        for _ in ox.parse(path=path, format=rdf.format, base_iri=rdf.base_iri):
            n += 1
    except SyntaxError as exc:
        raise SourceError(f"malformed {fmt}: {exc.msg}", path=path, line=exc.lineno) from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"malformed {fmt}: not UTF-8 ({exc.reason})", path=path) from None
    return rdf, n


@register
class RdfLoader(Loader):
    name = "rdf"
    extensions = tuple(FORMATS)

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        fmt = _format(path)
        if fmt in OX_FORMATS:
            data, report.rows_read = check_rdf(path)
        else:
            data = parse_rdf(path)
            report.rows_read = len(data)
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), data, title=path.name, format=fmt)]


@register
class OntologyLoader(RdfLoader):
    """The bundled ontology files; loaded by every build, never sniffed."""

    name = "ontology"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        return False
