"""RDF files (Turtle, TriG, N-Triples, N-Quads, RDF/XML, JSON-LD) loaded as they are.

A file's triples go into one named graph, ``graph/rdf/<file stem>``; quads of a TriG or N-Quads
file are merged into it (their own graph names are not kept: the graph is the source). The
ontology files are loaded by the ``ontology`` loader into ``graph/ontology/<name>``.

Files are parsed by pyoxigraph's parsers (N3 by rdflib's), which are strict and say where a
file is wrong (``broken.ttl:3: column 11: malformed turtle: unexpected end of file``). Relative
IRIs without a base are refused rather than resolved against the current directory (which would
make the graph depend on where the build ran), and nothing is fetched from the network: a JSON-LD
file whose ``@context`` is a URL is refused with a message saying to inline the context. A
literal whose text does not fit its datatype (``"2010-02-30"^^xsd:date``) is left out and
reported as a rejected row with its line.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from rdflib import Graph, Literal

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, register

FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".rdf": "xml",
           ".owl": "xml", ".jsonld": "json-ld", ".n3": "n3"}
_OX_FORMATS = {"turtle": "TURTLE", "trig": "TRIG", "nt": "N_TRIPLES", "nquads": "N_QUADS",
               "xml": "RDF_XML", "json-ld": "JSON_LD"}
_OX_POSITION = re.compile(r"^Parser error (?:at line \d+ )?(?:between |at )?[^:]*?:\s*")
_OX_LINE_SUFFIX = re.compile(r"\s*\(line \d+\)\s*$")
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _decode_bom(raw: bytes) -> bytes:
    """Bytes without a byte-order mark, as UTF-8 (Windows editors add one; RDF parsers refuse it)."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom):].decode(encoding, errors="strict").encode("utf-8")
    return raw


def _line_of(raw: bytes, needle: str, *, quoted: bool = False) -> int | None:
    """The first line of ``raw`` holding ``needle`` (for problems the parser gives no line for).

    ``quoted``: look for it as an attribute, string or IRI first (``"x"``, ``'x'``, ``<x>``).
    """
    if not needle:
        return None
    forms = [f'"{needle}"', f"'{needle}'", f"<{needle}>"] if quoted else []
    for form in forms + ([needle] if not quoted or len(needle) >= 4 else []):
        at = raw.find(form.encode("utf-8"))
        if at >= 0:
            return raw.count(b"\n", 0, at) + 1
    return None


def _xml_error_line(raw: bytes) -> tuple[int, int] | None:
    """Line and column of an XML well-formedness error, by expat (it fetches no external entity)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1
    return None


def _syntax_error(exc: SyntaxError, fmt: str, path: Path, raw: bytes) -> SourceError:
    """A pyoxigraph parse error as a SourceError naming line and column."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    detail = _OX_LINE_SUFFIX.sub("", _OX_POSITION.sub("", text)) or text
    line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
    column = f"column {exc.offset}" if line and isinstance(exc.offset, int) and exc.offset > 0 else None
    if "LoadDocumentCallback" in text or "remote context" in text.lower():
        return SourceError("malformed json-ld: its @context is a URL; remote contexts are not fetched "
                           "(no network access while loading): inline the context in the file",
                           path=path, line=_line_of(raw, '"@context"'), field="@context")
    if "utf-8" in detail.lower():
        detail += "; RDF files must be UTF-8: save the file as UTF-8"
    if line is None:
        quoted = re.search(r"'([^']{1,200})'", detail)      # e.g. error while parsing IRI 'x'
        line = _line_of(raw, quoted.group(1), quoted=True) if quoted else None
    if line is None and fmt == "xml":
        found = _xml_error_line(raw)
        if found is not None:
            line, column = found[0], f"column {found[1]}"
        elif "ENTITY" in detail or "DOCTYPE" in detail:
            line = _line_of(raw, "<!ENTITY" if "ENTITY" in detail else "<!DOCTYPE")
    if "absolute IRI" in detail or "No scheme" in detail:
        detail += " (relative IRIs need @base / xml:base: they are not resolved against the file's location)"
    return SourceError(f"malformed {fmt}: {detail}", path=path, line=line, field=column)


def _parse_with_oxigraph(raw: bytes, fmt: str, path: Path) -> Graph:
    import pyoxigraph as ox

    from photonics_kg.graph.store import from_ox

    g = Graph()
    try:
        # random blank node ids: the same _:b1 in two files must not become one node of the store
        for q in ox.parse(raw, getattr(ox.RdfFormat, _OX_FORMATS[fmt]), rename_blank_nodes=True):
            g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    except SyntaxError as exc:
        raise _syntax_error(exc, fmt, path, raw) from None
    except (ValueError, OSError) as exc:
        raise SourceError(f"malformed {fmt}: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}",
                          path=path) from None
    return g


def _parse_n3(raw: bytes, path: Path) -> Graph:
    g = Graph()
    try:
        g.parse(data=raw, format="n3")
    except Exception as exc:  # rdflib raises many types; all mean "malformed"
        text = str(exc).strip().splitlines()
        line = getattr(exc, "lines", None)
        raise SourceError(f"malformed n3: {text[-1] if text else type(exc).__name__}", path=path,
                          line=line + 1 if isinstance(line, int) else None) from None
    return g


def _drop_ill_typed(g: Graph, raw: bytes, report: LoadReport | None) -> list[tuple[int | None, str, str]]:
    """Leave out literals whose text does not fit their datatype; return (line, field, reason) of each."""
    rejected = []
    for s, p, o in [(s, p, o) for s, p, o in g if isinstance(o, Literal) and o.ill_typed]:
        g.remove((s, p, o))
        why = (_line_of(raw, str(o), quoted=True), "object",
               f"{str(o)[:60]!r} is not a valid {o.datatype.n3(g.namespace_manager)}; triple left out")
        rejected.append(why)
        if report is not None:
            report.reject(*why)
    return rejected


def parse_rdf(path: Path, report: LoadReport | None = None) -> Graph:
    """Parse an RDF file into one rdflib graph; :class:`SourceError` names line and column when bad."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(f"unknown RDF extension; allowed: {', '.join(FORMATS)}", path=path)
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceError("the file is empty", path=path)
    try:
        raw = _decode_bom(raw)
    except UnicodeDecodeError as exc:
        raise SourceError(f"starts with a byte-order mark but is not valid text ({exc.reason})", path=path) from None
    if b"\x00" in raw[:4096]:
        raise SourceError("the file is binary, not RDF text", path=path)
    # rdflib logs a traceback for each ill-typed literal it builds: they are reported below instead
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.CRITICAL)
    try:
        g = _parse_n3(raw, path) if fmt == "n3" else _parse_with_oxigraph(raw, fmt, path)
        rejected = _drop_ill_typed(g, raw, report)
    finally:
        term_log.setLevel(level)
    if len(g) == 0 and rejected:
        raise SourceError(f"nothing to load: all {len(rejected)} triple(s) rejected", path=path, problems=rejected)
    if len(g) == 0:
        raise SourceError("the file holds no triples", path=path)
    return g


@register
class RdfLoader(Loader):
    name = "rdf"
    extensions = tuple(FORMATS)

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        g = parse_rdf(path, report)
        report.rows_read = len(g) + len(report.rejected)
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
        g = parse_rdf(path, report)
        report.rows_read = len(g)
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), g, title=path.name, format="turtle")]
