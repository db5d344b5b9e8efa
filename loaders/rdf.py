"""RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD) loaded as they are.

A file's triples go into one named graph, ``graph/rdf/<file stem>``; quads of a TriG or N-Quads
file are merged into it (their own graph names are not kept: the graph is the source). The
ontology files are loaded by the ``ontology`` loader into ``graph/ontology/<name>``.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, register

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".rdf": "xml",
           ".owl": "xml", ".jsonld": "json-ld", ".n3": "n3"}


def parse_rdf(path: Path) -> Graph:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(f"unknown RDF extension; allowed: {', '.join(FORMATS)}", path=path)
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
    for prefix, ns in g.namespaces():
        pass
    return g


@register
class RdfLoader(Loader):
    name = "rdf"
    extensions = tuple(FORMATS)

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        g = parse_rdf(path)
        report.rows_read = len(g)
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), g, title=path.name,
                            format=FORMATS[path.suffix.lower()])]


@register
class OntologyLoader(RdfLoader):
    """The bundled ontology files; loaded by every build, never sniffed."""

    name = "ontology"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        return False

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        g = parse_rdf(path)
        report.rows_read = len(g)
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), g, title=path.name, format="turtle")]
