"""The query library: ``.rq`` files with a header, found by name.

Header lines at the top of a query file (``#`` comments) describe it::

    # summary: Organisations of one type, with their région
    # param: type: iri = phot:Firm -- the class of organisations to list
    # param: year: integer -- optional; as of this year
    # returns: org label region

A parameter is a variable of the query; it is bound by the store (pyoxigraph substitutions,
rdflib ``initBindings``, or a ``VALUES`` block for remote endpoints), never pasted into the text.

Running a query gives a :class:`Result` (RDF terms, the same from the embedded store and from a
remote SPARQL endpoint) that :func:`format_result` writes as a table, CSV, TSV, SPARQL 1.1 Results
JSON or XML (or Turtle, N-Triples, JSON-LD for CONSTRUCT and DESCRIBE).

>>> q = get("stats-by-class")
>>> q.summary
'Number of instances of each class of the ontology, over all source graphs'
>>> from photonics_kg.graph.store import KGStore
>>> result = run("find-organisation", KGStore(), {"name": "laser"})
>>> result.variables, result.rows
(['org', 'label', 'type', 'matched'], [])
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from photonics_kg.errors import QueryError

FOLDERS = ("select", "construct", "checks", "internal")
_PARAM = re.compile(r"^(?P<name>\w+)\s*:\s*(?P<type>\w+)(?:\s*=\s*(?P<default>[^\s]+))?\s*(?:--\s*(?P<doc>.*))?$")
PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean", "literal", "lang")
#: schemes of IRIs given whole without ``//`` (``urn:...``); anything else before a colon must be a known prefix
IRI_SCHEMES = ("urn", "ni", "tag", "mailto", "did", "doi", "info", "data")


@dataclass
class Parameter:
    name: str
    type: str
    default: str | None = None
    doc: str = ""

    def bind(self, value: str):
        """Turn the text a user gave into an RDF term of this parameter's type."""
        from photonics_kg.namespaces import PREFIXES

        if self.type == "iri":
            if re.match(r"^[A-Za-z][\w.-]*:[^/]", value) and value.split(":", 1)[0] in PREFIXES:
                prefix, local = value.split(":", 1)
                if _UNSAFE_IRI.search(local):
                    raise QueryError(f"parameter {self.name}: {value!r} is not an IRI or a known prefixed name")
                return URIRef(PREFIXES[prefix] + local)
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", value) or any(c in value for c in '<>"{}|\\^`'):
                raise QueryError(f"parameter {self.name}: {value!r} is not an IRI or a known prefixed name")
            scheme = value.split(":", 1)[0].lower()
            if scheme not in IRI_SCHEMES and not value.split(":", 1)[1].startswith("//"):
                # most likely a misspelt prefix (phto:Firm): say so rather than match nothing
                raise QueryError(f"parameter {self.name}: {value!r} is not an IRI or a known prefixed name; "
                                 f"prefixes: {', '.join(PREFIXES)}")
            return URIRef(value)
        if self.type == "integer":
            try:
                return Literal(int(value))
            except ValueError:
                raise QueryError(f"parameter {self.name}: {value!r} is not an integer") from None
        if self.type == "decimal":
            try:
                return Literal(float(value), datatype=XSD.decimal)
            except ValueError:
                raise QueryError(f"parameter {self.name}: {value!r} is not a number") from None
        if self.type == "boolean":
            if value.lower() not in ("true", "false"):
                raise QueryError(f"parameter {self.name}: {value!r} is not true or false")
            return Literal(value.lower() == "true")
        if self.type == "lang":
            return Literal(value, lang=None)
        return Literal(value)


@dataclass
class Query:
    name: str
    kind: str              #: select, construct, checks or internal
    text: str
    summary: str = ""
    params: list[Parameter] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    path: str = ""

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE."""
        return query_form(self.text)

    def bindings(self, given: dict[str, str] | None = None) -> dict:
        """Bind the user's ``k=v`` values (and defaults) to RDF terms; reject unknown names."""
        given = dict(given or {})
        known = {p.name: p for p in self.params}
        unknown = set(given) - set(known)
        if unknown:
            allowed = ", ".join(known) or "none"
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(sorted(unknown))}; its parameters: {allowed}")
        out = {}
        for p in self.params:
            value = given.get(p.name, p.default)
            if value is not None:
                out[p.name] = p.bind(value)
        return out


_UNSAFE_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def term_to_sparql(term) -> str:
    """Serialise an RDF term for a VALUES block; IRIs are checked, literals escaped.

    >>> term_to_sparql(Literal('a "quoted" } # DROP ALL'))
    '"a \\\\"quoted\\\\" } # DROP ALL"'
    >>> print(term_to_sparql(Literal("C:" + chr(92) + "users")))   # a backslash, then u
    "C:\\\\\\U00000075sers"
    """
    if isinstance(term, URIRef):
        if _UNSAFE_IRI.search(str(term)) or not _valid_iri(str(term)):
            raise QueryError(f"{str(term)!r} is not a valid IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term)
        out = []
        for i, ch in enumerate(text):
            if ch == "\\":
                out.append("\\\\")
            elif ch in "uU" and i and text[i - 1] == "\\":
                # SPARQL 1.1 (sec. 19.2) lets engines expand \uXXXX anywhere before parsing
                # (rdflib does): after an escaped backslash, a plain u would be read as one
                out.append(f"\\U{ord(ch):08X}")
            elif ch == '"':
                out.append('\\"')
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\r":
                out.append("\\r")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 0x20:
                # eight digits: a four-digit escape followed by hex digits ("\u0001abcd") is
                # read as an eight-digit one by some parsers (rdflib)
                out.append(f"\\U{ord(ch):08X}")
            else:
                out.append(ch)
        lexical = '"' + "".join(out) + '"'
        if term.language:
            if not re.match(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$", term.language):
                raise QueryError(f"{term.language!r} is not a language tag")
            return f"{lexical}@{term.language}"
        if term.datatype:
            return f"{lexical}^^{term_to_sparql(URIRef(term.datatype))}"
        return lexical
    raise QueryError(f"cannot bind {term!r}")


def _valid_iri(text: str) -> bool:
    """RFC 3987, checked by the store's own parser (DEL, C1 controls and bad escapes fail it)."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def bind_values(text: str, bindings: dict) -> str:
    """Bind variables by ``VALUES`` blocks placed first in the query's top-level WHERE group.

    The values are RDF terms serialised by :func:`term_to_sparql`, never user text pasted into
    the query, so a parameter cannot change what the query does. This works the same on the
    embedded store and on any SPARQL 1.1 endpoint.

    >>> bind_values("SELECT ?x WHERE { ?x ?p ?y }", {"y": Literal(1)})
    'SELECT ?x WHERE { VALUES ?y { "1"^^<http://www.w3.org/2001/XMLSchema#integer> } ?x ?p ?y }'
    """
    if not bindings:
        return text
    masked = _mask(text)
    m = _WHERE.search(masked)
    if not m and query_form(text) in ("SELECT", "ASK"):
        m = re.compile(r"\{").search(masked)   # SELECT * { ... }: WHERE is optional
    if not m:
        raise QueryError("the query has no WHERE clause to bind parameters in")
    names = sorted(bindings)
    for n in names:
        if not re.match(r"^\w+$", n, re.ASCII):   # SPARQL variable names: no "¹" or "٣"
            raise QueryError(f"{n!r} is not a variable name")
    # one single-variable VALUES block per parameter: Virtuoso 7.2 fails with an internal error
    # ("no SPART_VARR_FIXED") on a multi-variable VALUES row followed by OPTIONAL and GROUP BY
    block = "".join(f" VALUES ?{n} {{ {term_to_sparql(bindings[n])} }}" for n in names)
    return text[:m.end()] + block + text[m.end():]


def _mask(text: str, *, keep_iris: bool = False) -> str:
    """The query with comments, strings and IRIs blanked out (same length), to find keywords."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j += 1
        elif c == "<" and re.match(r"<[^\s<>\"{}|^`]*>", text[i:]):
            j = i + re.match(r"<[^\s<>\"{}|^`]*>", text[i:]).end()
            if keep_iris:
                i = j
                continue
        else:
            i += 1
            continue
        for k in range(i, min(j, n)):
            out[k] = " "
        i = j
    return "".join(out)


def parse(text: str, name: str, kind: str, path: str = "") -> Query:
    q = Query(name=name, kind=kind, text=text, path=path)
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line.lstrip("#").strip()
        key, _, value = body.partition(":")
        key = key.strip().lower()
        value = value.strip()
        if key == "summary":
            q.summary = value
        elif key == "param":
            m = _PARAM.match(value)
            if not m or m.group("type") not in PARAM_TYPES:
                raise QueryError(f"{path or name}: bad param header {value!r}; form: 'name: type [= default] -- doc', types {', '.join(PARAM_TYPES)}")
            q.params.append(Parameter(m.group("name"), m.group("type"), m.group("default"), m.group("doc") or ""))
        elif key == "returns":
            q.returns = value.replace("?", "").split()
    return q


def _files():
    root = resources.files("photonics_kg.queries")
    for kind in FOLDERS:
        folder = root.joinpath(kind)
        if not folder.is_dir():
            continue
        for f in sorted(folder.iterdir(), key=lambda x: x.name):
            if f.name.endswith(".rq"):
                yield kind, f


def all_queries(kinds=FOLDERS) -> list[Query]:
    return [parse(f.read_text(encoding="utf-8"), f.name[:-3], kind, str(f))
            for kind, f in _files() if kind in kinds]


def get(name_or_path: str) -> Query:
    """A library query by name (``orgs-by-type``), or a ``.rq`` file by path."""
    if name_or_path.endswith(".rq"):
        path = Path(name_or_path)
        if not path.is_file():
            raise QueryError(f"no query file {name_or_path}")
        return parse(path.read_text(encoding="utf-8"), path.stem, "file", str(path))
    for kind, f in _files():
        if f.name[:-3] == name_or_path:
            return parse(f.read_text(encoding="utf-8"), name_or_path, kind, str(f))
    names = ", ".join(q.name for q in all_queries(("select", "construct")))
    raise QueryError(f"no query named {name_or_path!r}; see 'photonics-kg queries'. Known: {names}")


# -- running queries -----------------------------------------------------------------------------
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*((PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", re.IGNORECASE)


def query_form(text: str) -> str:
    """The form of a SPARQL query: ``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``.

    Raises :class:`QueryError` for an update or for text that is no query.

    >>> query_form("# a comment with ASK\\nPREFIX a: <http://a/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    >>> query_form("DROP ALL")
    Traceback (most recent call last):
    ...
    photonics_kg.errors.QueryError: this is a SPARQL update (DROP), not a query: the store is read here, never written
    """
    masked = _mask(text, keep_iris=True)
    rest = masked[_PROLOGUE.match(masked).end():]
    m = _FORM.match(rest.lstrip())
    if m:
        return m.group(1).upper()
    u = _UPDATE.match(rest.lstrip())
    if u:
        raise QueryError(f"this is a SPARQL update ({u.group(1).upper()}), not a query: the store is read here, never written")
    raise QueryError("not a SPARQL query: expected SELECT, CONSTRUCT, ASK or DESCRIBE after the prefixes")


def uses_service(text: str) -> bool:
    """True when the query calls another endpoint (``SERVICE``), outside strings, IRIs and comments.

    >>> uses_service('SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT * WHERE { ?s ?p "SERVICE <x>" } # SERVICE <y>')
    False
    """
    return re.search(r"(?<![\w:?$])SERVICE\s+(SILENT\s+)?(<|\?|\$|[\w-]*:)", _mask(text, keep_iris=True),
                     re.IGNORECASE) is not None


def declared_prefixes(text: str) -> set[str]:
    """The prefixes a query declares itself.

    >>> sorted(declared_prefixes("PREFIX phot: <https://w3id.org/photonics-kg/ontology#> PREFIX : <http://a/> SELECT * {}"))
    ['', 'phot']
    """
    return {m.group(1) for m in re.finditer(r"\bPREFIX\s+([\w.-]*):", _mask(text), re.IGNORECASE)}


def with_prefixes(text: str) -> str:
    """The query with ``PREFIX`` lines for the project's prefixes it uses without declaring.

    The embedded store knows them; a remote endpoint does not.

    >>> with_prefixes("SELECT * WHERE { ?s a phot:Firm }").splitlines()[0]
    'PREFIX phot: <https://w3id.org/photonics-kg/ontology#>'
    """
    from photonics_kg.namespaces import PREFIXES

    have = declared_prefixes(text)
    masked = _mask(text)
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()
             if p not in have and re.search(rf"(?<![\w.-]){re.escape(p)}:", masked)]
    return "\n".join(lines + [text]) if lines else text


@dataclass
class Result:
    """What a query returned, as rdflib terms: the same from every store.

    ``kind`` is ``select`` (``variables`` and ``rows``; an unbound variable is absent from its
    row), ``ask`` (``boolean``) or ``graph`` (``graph``, for CONSTRUCT and DESCRIBE).
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def values(self) -> list[dict]:
        """Rows of plain Python values (as :meth:`KGStore.select` gives them)."""
        return [{k: python_value(v) for k, v in row.items()} for row in self.rows]


def python_value(term):
    """A plain Python value for an rdflib term (IRIs and blank nodes as strings).

    >>> python_value(Literal(3)), python_value(URIRef("http://a/b")), python_value(Literal("x", lang="fr"))
    (3, 'http://a/b', 'x')
    """
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in (None, XSD.string) or term.language:
            return str(term)
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(term)
    return str(term)


def execute(store, text: str, bindings: dict | None = None) -> Result:
    """Run query text on a store (embedded :class:`KGStore` or :class:`SparqlEndpointStore`)."""
    query_form(text)  # refuse updates before any store sees them
    if hasattr(store, "results"):
        return store.results(text, bindings or {})
    import pyoxigraph as ox

    from photonics_kg.graph.store import from_ox, solution_rows

    answer = store.query(text, bindings or {})
    if isinstance(answer, ox.QuerySolutions):
        return Result("select", *solution_rows(answer, from_ox))
    if isinstance(answer, ox.QueryBoolean) or isinstance(answer, bool):
        return Result("ask", boolean=bool(answer))
    g = Graph()
    from photonics_kg.namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    for t in answer:
        g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return Result("graph", graph=g)


def run(query: "Query | str", store, params: dict[str, str] | None = None) -> Result:
    """Run a library query (a :class:`Query`, a name, or a ``.rq`` path) with ``k=v`` parameters.

    Parameters are checked against the query's header (unknown names and bad values raise
    :class:`QueryError`) and bound as RDF terms, never pasted into the text.
    """
    q = get(query) if isinstance(query, str) else query
    return execute(store, q.text, q.bindings(params))


# -- writing results -----------------------------------------------------------------------------
SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
MEDIA_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
    "table": "text/plain; charset=utf-8", "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples", "jsonld": "application/ld+json",
}


def compact(term) -> str:
    """A short, readable form of a term for tables: ``phot:Firm``, ``id:firm/thales``, plain literals.

    >>> compact(URIRef("https://w3id.org/photonics-kg/ontology#Firm")), compact(Literal(2010))
    ('phot:Firm', '2010')
    """
    from photonics_kg.namespaces import PREFIXES

    if isinstance(term, URIRef):
        best = None
        for prefix, ns in PREFIXES.items():
            if str(term).startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
                best = prefix
        return f"{best}:{str(term)[len(PREFIXES[best]):]}" if best else str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return "" if term is None else str(term)


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _tsv_term(term) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return f"<{term}>"
    return term_to_sparql(term) if term.datatype != XSD.string else term_to_sparql(Literal(str(term)))


def format_result(result: Result, fmt: str) -> str:
    """Write a result as text: ``table``, ``csv``, ``tsv``, ``json``, ``xml`` (SELECT and ASK), or
    ``ttl``, ``nt``, ``jsonld`` (CONSTRUCT and DESCRIBE; ``table`` means Turtle, ``json`` JSON-LD).

    >>> r = Result("select", ["x", "n"], [{"x": URIRef("http://a/b"), "n": Literal(2)}, {"n": Literal(3)}])
    >>> format_result(r, "csv").split("\\r\\n")
    ['x,n', 'http://a/b,2', ',3', '']
    >>> print(format_result(r, "table"))
    x           n
    ----------  -
    http://a/b  2
                3
    (2 rows)
    """
    if result.kind == "graph":
        fmt = {"table": "ttl", "json": "jsonld", "csv": "nt", "tsv": "nt", "xml": "ttl"}.get(fmt, fmt)
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"unknown format {fmt!r} for a graph; allowed: {', '.join(GRAPH_FORMATS)}")
        return result.graph.serialize(format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
    if fmt not in SELECT_FORMATS:
        raise QueryError(f"unknown format {fmt!r} for a SELECT or ASK; allowed: {', '.join(SELECT_FORMATS)}")
    if fmt == "json":
        if result.kind == "ask":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
        return json.dumps({"head": {"vars": result.variables},
                           "results": {"bindings": [{k: _json_term(v) for k, v in row.items()}
                                                    for row in result.rows]}},
                          ensure_ascii=False, indent=2) + "\n"
    if fmt == "xml":
        return _xml(result)
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(result.variables)
        for row in result.rows:
            w.writerow([("_:" + str(row[v]) if isinstance(row[v], BNode) else str(row[v])) if v in row else ""
                        for v in result.variables])
        return buf.getvalue()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in result.variables)]
        for row in result.rows:
            lines.append("\t".join(_tsv_term(row[v]) if v in row else "" for v in result.variables))
        return "\n".join(lines) + "\n"
    return _table(result)


def _table(result: Result, max_width: int = 60) -> str:
    def cell(term):
        text = compact(term).replace("\n", " ")
        return text if len(text) <= max_width else text[:max_width - 1] + "…"

    cells = [[cell(row.get(v)) for v in result.variables] for row in result.rows]
    widths = [max([len(v)] + [len(c[i]) for c in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    n = len(result.rows)
    lines.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(lines)


def _xml(result: Result) -> str:
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if result.kind == "ask":
        out += ["</head>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>")
        for v, term in row.items():
            if isinstance(term, URIRef):
                inner = f"<uri>{escape(str(term))}</uri>"
            elif isinstance(term, BNode):
                inner = f"<bnode>{escape(str(term))}</bnode>"
            elif term.language:
                inner = f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
            elif term.datatype and term.datatype != XSD.string:
                inner = f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
            else:
                inner = f"<literal>{escape(str(term))}</literal>"
            out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def result_from_json(data: dict) -> Result:
    """A :class:`Result` from a SPARQL 1.1 Results JSON document (what endpoints answer).

    >>> result_from_json({"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "typed-literal",
    ...     "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "2"}}]}}).values()
    [{'n': 2}]
    """
    if "boolean" in data:
        return Result("ask", boolean=bool(data["boolean"]))
    names = list(data.get("head", {}).get("vars", []))
    rows = []
    for binding in data.get("results", {}).get("bindings", []):
        row = {}
        for name, cell in binding.items():
            kind = cell.get("type")
            if kind == "uri":
                row[name] = URIRef(cell["value"])
            elif kind == "bnode":
                row[name] = BNode(cell["value"])
            elif kind in ("literal", "typed-literal"):
                lang = cell.get("xml:lang")
                dt = cell.get("datatype")
                row[name] = Literal(cell["value"], lang=lang) if lang else Literal(
                    cell["value"], datatype=URIRef(dt) if dt else None)
            else:
                raise QueryError(f"unexpected term type {kind!r} in a SPARQL JSON result")
        rows.append(row)
    return Result("select", names, rows)


def canonical(term):
    """A form of a term that compares equal across stores: numbers by value, booleans whatever their
    lexical form (Virtuoso writes ``"1"^^xsd:boolean``), strings with or without ``xsd:string``.

    >>> canonical(Literal("1", datatype=XSD.boolean)) == canonical(Literal(True))
    True
    >>> canonical(Literal("2017", datatype=XSD.int)) == canonical(Literal(2017))
    True
    """
    from decimal import Decimal, InvalidOperation

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("iri", str(term))
    if isinstance(term, BNode):
        return ("bnode",)
    if term.language:
        return ("text", str(term), term.language.lower())
    dt = str(term.datatype) if term.datatype else str(XSD.string)
    if dt == str(XSD.boolean):
        return ("boolean", str(term).strip().lower() in ("true", "1"))
    if dt in _NUMERIC:
        try:
            return ("number", Decimal(str(term).strip()).normalize())
        except InvalidOperation:
            return ("number?", str(term))
    if dt == str(XSD.string):
        return ("text", str(term), None)
    return ("typed", str(term), dt)


_NUMERIC = {str(XSD[n]) for n in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                   "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                   "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                                   "unsignedByte")}


def comparable_rows(result: Result) -> list[tuple]:
    """The rows of a SELECT result in :func:`canonical` form, sorted: compare two stores' answers."""
    rows = [tuple(sorted((k, canonical(v)) for k, v in row.items())) for row in result.rows]
    return sorted(rows, key=repr)
