"""The query library: ``.rq`` files with a header, found by name.

Header lines at the top of a query file (``#`` comments) describe it::

    # summary: Organisations of one type, with their région
    # param: type: iri = phot:Firm -- the class of organisations to list
    # param: year: integer -- optional; as of this year
    # returns: org label region

A parameter is a variable of the query; it is bound by the store (pyoxigraph substitutions,
rdflib ``initBindings``, or a ``VALUES`` block for remote endpoints), never pasted into the text.

>>> q = get("stats-by-class")
>>> q.summary
'Number of instances of each class of the ontology, over all source graphs'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from photonics_kg.errors import QueryError

FOLDERS = ("select", "construct", "checks", "internal")
_PARAM = re.compile(r"^(?P<name>\w+)\s*:\s*(?P<type>\w+)(?:\s*=\s*(?P<default>[^\s]+))?\s*(?:--\s*(?P<doc>.*))?$")
PARAM_TYPES = ("iri", "string", "integer", "decimal", "boolean", "literal", "lang")


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
                return URIRef(PREFIXES[prefix] + local)
            if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$", value) or any(c in value for c in '<>"{}|\\^`'):
                raise QueryError(f"parameter {self.name}: {value!r} is not an IRI or a known prefixed name")
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
    """Bind variables by a ``VALUES`` row placed first in the query's top-level WHERE group.

    The values are RDF terms serialised by :func:`term_to_sparql`, never user text pasted into
    the query, so a parameter cannot change what the query does. This works the same on the
    embedded store and on any SPARQL 1.1 endpoint.

    >>> bind_values("SELECT ?x WHERE { ?x ?p ?y }", {"y": Literal(1)})
    'SELECT ?x WHERE { VALUES (?y) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer>) } ?x ?p ?y }'
    """
    if not bindings:
        return text
    m = _WHERE.search(_mask(text))
    if not m:
        raise QueryError("the query has no WHERE clause to bind parameters in")
    names = sorted(bindings)
    for n in names:
        if not re.match(r"^\w+$", n, re.ASCII):   # SPARQL variable names: no "¹" or "٣"
            raise QueryError(f"{n!r} is not a variable name")
    row = " ".join(term_to_sparql(bindings[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"
    return text[:m.end()] + block + text[m.end():]


def _mask(text: str) -> str:
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
