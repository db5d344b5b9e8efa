"""Curated facts: YAML written by maintainers, each entity and fact citing its source.

The format is documented in ``sample/README.md``. Every problem in a file is collected and
reported at once with its line (``ecosystem.yaml:120: facts[12].p: unknown relation 'owns'``);
nothing is stored unless the whole file is valid.

What is refused, each with its line and field: YAML syntax errors, duplicate keys in a mapping
(YAML would silently keep the last), aliases (``*name``: they can blow a small file up into a huge
structure), unknown fields (``qoute:``; the message suggests the closest allowed name), values of
the wrong shape (a list where a text is expected), impossible dates, identifiers that fail their
format or check digit, an entity declared twice (same key, or same type and label), a fact given
twice, references to undeclared entities or sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.facts import Entity, Evidence, FactWriter, Relation, parse_date
from photonics_kg.facts import IDENTIFIER_PROPERTIES, PLACE_CLASSES
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, read_text, register
from photonics_kg.mapping import (ENTITY_TYPES, EXTRA_RELATIONS, LITERAL_RELATIONS, RELATIONS,
                                  role_notations)
from photonics_kg.namespaces import DCTERMS

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
MAX_LABEL = 500          #: longer is a paste accident, not a name (and would make a very long IRI)
YEARS = (1000, 2100)     #: dates outside are typing mistakes (0201, 20100)
#: the fields each part of a curated file may have (see sample/README.md)
FIELDS = {
    "top": ("meta", "sources", "entities", "facts"),
    "meta": ("title", "sample", "description", "license"),
    "source": ("title", "url", "document", "publisher", "date"),
    "entity": ("key", "type", "label", "label_en", "aliases", "identifiers", "place_type", "within",
               "sme", "homepage", "description", "sources"),
    "fact": ("s", "p", "o", "role", "share", "date", "end", "source", "quote"),
}
_CHECKS = {
    "siren": (re.compile(r"^\d{9}$"), "9 digits"),
    "siret": (re.compile(r"^\d{14}$"), "14 digits"),
    "rnsr": (re.compile(r"^\d{9}[A-Z]$"), "9 digits and a letter"),
    "wikidata": (re.compile(r"^Q\d+$"), "Q followed by digits"),
}


# libyaml's parser when PyYAML was built with it (10x faster), the pure-Python one otherwise
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: nesting (a cheap upper bound) from which the pure-Python parser is used instead: libyaml's
#: recursive composer overflows the C stack, a segmentation fault, on ~100k nested brackets
MAX_FAST_DEPTH = 500
_BRACKET = re.compile(r"[\[\]{}]")
_BLOCK_START = re.compile(r"^([ \t]*)((?:[-?][ \t]+)*)", re.MULTILINE)


class _Duplicates:
    """Records the duplicate keys of mappings (``duplicates``: line, key); YAML keeps the last one."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []


class _LineLoader(_Duplicates, _BaseLoader):
    """A SafeLoader whose mappings remember the line they start on (as ``__line__``)."""


class _PyLineLoader(_Duplicates, yaml.SafeLoader):
    """The same on the pure-Python parser, for text that may nest deeper than libyaml can take."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _value in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key is not None and key in seen:
            loader.duplicates.append((key_node.start_mark.line + 1, key))
        seen.add(key)
    mapping = yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


for _cls in (_LineLoader, _PyLineLoader):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    # dates stay text: "2010" and 2016-12-09 are both read as written
    _cls.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _nesting_bound(text: str) -> int:
    r"""An upper bound of how deep ``text`` nests (brackets, indentation, ``- - -`` chains).

    >>> _nesting_bound("a: [1, {b: [2]}]\nc:\n  - - x\n")      # 3 brackets + 6 characters of indent
    9
    """
    flow = deepest = 0
    for m in _BRACKET.finditer(text):
        flow += 1 if m.group() in "[{" else -1
        deepest = max(deepest, flow)
    block = max((len(m.group(1)) + len(m.group(2)) for m in _BLOCK_START.finditer(text)), default=0)
    return deepest + block


def _refuse_aliases(node) -> None:
    """Aliases (``*name``) compose to a node seen twice: refuse them (a few lines can expand to
    billions of values, and curated files do not need them)."""
    seen, stack = set(), [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*name) are not allowed in curated files: the value anchored at line "
                f"{n.start_mark.line + 1} is reused; write it out", n.start_mark)
        seen.add(id(n))
        if isinstance(n, yaml.MappingNode):
            stack.extend(x for pair in n.value for x in pair)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)


def _show(value, size: int = 60) -> str:
    """A value for an error message: its repr, cut short (a pasted page must not fill the screen).

    >>> _show("x" * 100, 10)
    "'xxxxxxxx...(102 characters)"
    """
    text = repr(value)
    return text if len(text) <= size else f"{text[:size - 1]}...({len(text)} characters)"


def _unknown_fields(item: dict, allowed: tuple[str, ...]) -> list[str]:
    """Messages for the keys of ``item`` that are not in ``allowed``, with a suggestion."""
    import difflib

    out = []
    for key in item:
        if key == "__line__" or key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
        out.append(f"unknown field {_show(key)}{hint}")
    return out


def _text(value) -> bool:
    """A YAML scalar usable as text (numbers are fine: a label may be "3M")."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _date_problem(value) -> str | None:
    """Why ``value`` is not a usable date, or None."""
    if not _text(value):
        return f"{_show(value)} is not a date (YYYY or YYYY-MM-DD)"
    try:
        year, _full = parse_date(value)
    except ValueError as exc:
        reason = str(exc)
        return reason if _show(value) in reason else f"{_show(value)}: {reason}"
    if not YEARS[0] <= year <= YEARS[1]:
        return f"{_show(value)}: year {year} is outside {YEARS[0]}-{YEARS[1]}"
    return None


def _identifier_problem(kind: str, value: str, all_ids: dict) -> str | None:
    """Why an identifier is wrong (format, check digit, SIRET not of the SIREN), or None."""
    if kind in _CHECKS and not _CHECKS[kind][0].match(value):
        return f"{_show(value)} is not {_CHECKS[kind][1]}"
    if kind in ("siren", "siret") and not (luhn_ok(value) or _la_poste_siret_ok(value)):
        return f"{_show(value)} fails the Luhn check digit"
    if kind == "siret" and all_ids.get("siren") and not value.startswith(str(all_ids["siren"])):
        return f"{_show(value)} does not start with the SIREN {_show(all_ids['siren'])}"
    return None


def _la_poste_siret_ok(number: str) -> bool:
    """La Poste's establishments (SIREN 356000000) follow their own rule: digits sum to a multiple of 5.

    >>> _la_poste_siret_ok("356000000" + "00010"), _la_poste_siret_ok("356000000" + "00011")  # digit sums 15, 16
    (True, False)
    """
    return len(number) == 14 and number.startswith("356000000") and sum(map(int, number)) % 5 == 0


def luhn_ok(number: str) -> bool:
    """The Luhn check INSEE uses for SIREN and SIRET numbers.

    >>> luhn_ok("732829320"), luhn_ok("732829321")
    (True, False)
    """
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


@register
class CuratedLoader(Loader):
    """Loads a curated YAML file (format: ``sample/README.md``) into one named graph."""

    name = "curated"
    extensions = (".yaml", ".yml")

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        text, _encoding = read_text(path)
        data, duplicates = _parse_yaml(text, path)
        if not isinstance(data, dict):
            raise SourceError("a curated file is a YAML mapping with meta, sources, entities and facts", path=path)
        problems: list[tuple[int | None, str | None, str]] = []

        def problem(item, field, message):
            line = item.get("__line__") if isinstance(item, dict) else item if isinstance(item, int) else None
            problems.append((line, field, message))
            report.reject(line, field, message)

        for line, key in duplicates:
            problem(line, str(key), "this key appears twice in the same mapping; YAML would keep only the last")
        for message in _unknown_fields(data, FIELDS["top"]):
            problem(data, None, message)

        meta = data.get("meta") or {}
        if not isinstance(meta, dict):
            problem(data, "meta", "must be a mapping (title, sample, description, license)")
            meta = {}
        if meta.get("sample") not in (True, False):
            problem(meta or data, "meta.sample", "required: true for sample data, false otherwise")
        for message in _unknown_fields(meta, FIELDS["meta"]):
            problem(meta, "meta", message)
        for fld in ("title", "description", "license"):
            if meta.get(fld) is not None and not _text(meta[fld]):
                problem(meta, f"meta.{fld}", "must be a text")
                meta = {k: v for k, v in meta.items() if k != fld}
        sources = data.get("sources") or {}
        entities = data.get("entities") or []
        facts = data.get("facts") or []
        if not isinstance(sources, dict) or not sources:
            problem(data, "sources", "required: a mapping of source keys to {title, url | document}")
            sources = {}
        if not isinstance(entities, list):
            problem(data, "entities", "must be a list")
            entities = []
        if not isinstance(facts, list):
            problem(data, "facts", "must be a list")
            facts = []

        writer = FactWriter()
        documents = self._sources(sources, writer, problem)
        declared = self._entities(entities, sources, data, problem, report)
        if not declared and not any(isinstance(f, dict) for f in facts) and not problems:
            problem(data, "entities", "the file declares no entities and no facts: nothing to load")
        for key, (entity, item) in declared.items():
            cited = [documents[s] for s in item.get("sources") or [] if s in documents]
            node = writer.entity(entity, Evidence(cited[0]) if cited else None)
            for doc in cited[1:]:
                writer._evidence(Evidence(doc), node, *_type_of(writer, node))
            within = item.get("within")
            if within is not None:
                if not isinstance(within, str) or within not in declared:
                    problem(item, f"entities[{key}].within", f"{_show(within)} is not declared in this file")
                else:
                    writer.within(node, declared[within][0].iri)
        self._facts(facts, declared, documents, writer, data, problem, report)

        if problems:
            raise SourceError(f"{len(problems)} problem(s) in this curated file; nothing was loaded",
                              path=path, problems=problems)
        title = meta.get("title") or path.stem
        writer.graph.add((iris.graph_iri(self.name, path.stem), DCTERMS.description,
                          _lit(meta.get("description")))) if meta.get("description") else None
        report.notes.append(", ".join(f"{k}: {v}" for k, v in sorted(writer.counts.items())))
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), writer.graph, title=title,
                            sample=bool(meta.get("sample")), format="curated-yaml")]

    # -- the parts of a file; each reports its problems and keeps what is valid -------------
    @staticmethod
    def _sources(sources: dict, writer: FactWriter, problem) -> dict:
        documents = {}
        for key, src in sources.items():
            if key == "__line__":
                continue
            where = f"sources.{key}"
            if not isinstance(src, dict) or not (src.get("url") or src.get("document")):
                problem(src if isinstance(src, dict) else sources, where, "needs a url or a document")
                continue
            bad = [(where, m) for m in _unknown_fields(src, FIELDS["source"])]
            bad += [(f"{where}.{fld}", "must be a text") for fld in ("title", "url", "document", "publisher")
                    if src.get(fld) is not None and not _text(src[fld])]
            if src.get("url") is not None and _text(src["url"]) and not _URL.match(str(src["url"])):
                bad.append((f"{where}.url", f"{_show(src['url'])} is not an http(s) URL"))
            if src.get("date") not in (None, "") and _date_problem(src["date"]):
                bad.append((f"{where}.date", _date_problem(src["date"])))
            for fld, message in bad:
                problem(src, fld, message)
            if bad:
                continue
            try:
                documents[key] = writer.document(url=src.get("url"), name=src.get("document") and str(src["document"]),
                                                 title=src.get("title"), publisher=src.get("publisher"),
                                                 date=src.get("date"))
            except ValueError as exc:
                problem(src, where, str(exc))
        return documents

    @staticmethod
    def _entities(entities: list, sources: dict, data: dict, problem, report: LoadReport) -> dict:
        declared: dict[str, tuple[Entity, dict]] = {}
        lines: dict = {}                    # entity IRI -> (key, line): two keys for one node
        for i, item in enumerate(entities):
            where = f"entities[{i}]"
            if not isinstance(item, dict):
                problem(data, where, "must be a mapping")
                continue
            report.rows_read += 1
            key = item.get("key")
            if not isinstance(key, str) or not _KEY.match(key):
                problem(item, f"{where}.key", f"required, [a-z0-9-]+ (got {_show(key)})")
                continue
            where = f"entities[{key}]"
            if key in declared:
                problem(item, f"{where}.key", f"declared twice in this file (first at line {declared[key][1]['__line__']})")
                continue
            unknown = _unknown_fields(item, FIELDS["entity"])
            for message in unknown:
                problem(item, where, message)
            etype = item.get("type")
            if not isinstance(etype, str) or etype not in ENTITY_TYPES:
                problem(item, f"{where}.type", f"unknown type {_show(etype)}; allowed: {', '.join(ENTITY_TYPES)}")
                continue
            label = item.get("label")
            if not _text(label) or not iris.slugify(str(label)):
                problem(item, f"{where}.label", "required: the name as written in the sources")
                continue
            label = str(label)
            if len(label) > MAX_LABEL:
                problem(item, f"{where}.label", f"{len(label)} characters: longer than {MAX_LABEL}; is it a name?")
                continue
            bad = False
            for fld in ("label_en", "description", "homepage"):
                if item.get(fld) is not None and not _text(item[fld]):
                    problem(item, f"{where}.{fld}", "must be a text")
                    bad = True
            if item.get("homepage") is not None and _text(item["homepage"]) and not _URL.match(str(item["homepage"])):
                problem(item, f"{where}.homepage", f"{_show(item['homepage'])} is not an http(s) URL")
                bad = True
            if item.get("sme") is not None and not isinstance(item["sme"], bool):
                problem(item, f"{where}.sme", f"{_show(item['sme'])} is not true or false")
                bad = True
            ids = item.get("identifiers") or {}
            if not isinstance(ids, dict):
                problem(item, f"{where}.identifiers", "must be a mapping (siren: '...', rnsr: '...')")
                continue
            ids = {k: v for k, v in ids.items() if k != "__line__"}
            for k, v in ids.items():
                if k not in IDENTIFIER_PROPERTIES:
                    problem(item, f"{where}.identifiers.{k}", f"unknown identifier; allowed: {', '.join(IDENTIFIER_PROPERTIES)}")
                    bad = True
                elif not _text(v) or isinstance(v, float):
                    problem(item, f"{where}.identifiers.{k}", f"{_show(v)} is not an identifier: write it as quoted text")
                    bad = True
                elif (why := _identifier_problem(k, str(v), ids)) is not None:
                    problem(item, f"{where}.identifiers.{k}", why)
                    bad = True
            if bad:
                continue
            ids = {k: str(v) for k, v in ids.items()}
            place_type = item.get("place_type")
            if place_type is not None and (not isinstance(place_type, str) or place_type not in PLACE_CLASSES):
                problem(item, f"{where}.place_type", f"unknown {_show(place_type)}; allowed: {', '.join(PLACE_CLASSES)}")
                continue
            cited = item.get("sources") or []
            if not isinstance(cited, list):
                problem(item, f"{where}.sources", "must be a list of source keys: [key, ...]")
                cited = []
            elif not cited:
                problem(item, f"{where}.sources", "required: the keys of the sources stating this entity")
            for src in cited:
                if not isinstance(src, (str, int)) or isinstance(src, bool) or src not in sources:
                    problem(item, f"{where}.sources", f"unknown source key {_show(src)}")
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list) or not all(_text(a) for a in aliases):
                problem(item, f"{where}.aliases", "must be a list of names")
                aliases = []
            entity = Entity(etype, label, aliases=[str(a) for a in aliases], identifiers=ids,
                            label_en=_opt_text(item.get("label_en")), place_type=place_type, sme=item.get("sme"),
                            homepage=_opt_text(item.get("homepage")), description=_opt_text(item.get("description")))
            if entity.iri in lines:
                other, line = lines[entity.iri]
                problem(item, f"{where}.key", f"same entity as entities[{other}] (line {line}): same type and "
                        f"label, or same identifier; declare it once, with aliases")
                continue
            lines[entity.iri] = (key, item.get("__line__"))
            declared[key] = (entity, item)
        return declared

    @staticmethod
    def _facts(facts: list, declared: dict, documents: dict, writer: FactWriter, data: dict, problem,
               report: LoadReport) -> None:
        allowed_relations = list(RELATIONS) + list(EXTRA_RELATIONS)
        roles = role_notations()
        seen: dict = {}                     # a fact's fields -> (index, line): the same fact twice
        for i, fact in enumerate(facts):
            where = f"facts[{i}]"
            if not isinstance(fact, dict):
                problem(data, where, "must be a mapping")
                continue
            report.rows_read += 1
            for message in _unknown_fields(fact, FIELDS["fact"]):
                problem(fact, where, message)
            p = fact.get("p")
            if p is None:
                problem(fact, f"{where}.p", f"required: one of {', '.join(allowed_relations)}")
                continue
            if not isinstance(p, str) or p not in allowed_relations:
                problem(fact, f"{where}.p", f"unknown relation {_show(p)}; allowed: {', '.join(allowed_relations)}")
                continue
            s_key, o_val = fact.get("s"), fact.get("o")
            if not isinstance(s_key, str) or s_key not in declared:
                problem(fact, f"{where}.s", f"{_show(s_key)} is not declared in this file's entities")
                continue
            if p in LITERAL_RELATIONS:
                if o_val in (None, "") or not _text(o_val):
                    problem(fact, f"{where}.o", "required: a text" + (" (a year)" if p == "createdIn" else ""))
                    continue
                if p == "createdIn" and (why := _date_problem(o_val)) is not None:
                    problem(fact, f"{where}.o", why)
                    continue
                obj = o_val if p == "createdIn" else str(o_val)
            else:
                if not isinstance(o_val, str) or o_val not in declared:
                    problem(fact, f"{where}.o", f"{_show(o_val)} is not declared in this file's entities")
                    continue
                obj = declared[o_val][0].iri
            src = fact.get("source")
            if not isinstance(src, (str, int)) or isinstance(src, bool) or src not in documents:
                problem(fact, f"{where}.source", f"required: a key of sources (got {_show(src)})")
                continue
            role = fact.get("role")
            if role is not None and (not isinstance(role, str) or role not in roles):
                problem(fact, f"{where}.role", f"unknown role {_show(role)}; allowed: {', '.join(roles)}")
                continue
            share = fact.get("share")
            if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float))
                                      or not 0 <= share <= 1):
                problem(fact, f"{where}.share", f"{_show(share)} is not a number between 0 and 1")
                continue
            quote = fact.get("quote")
            if quote is not None and not _text(quote):
                problem(fact, f"{where}.quote", "must be a text")
                continue
            dates_ok = True
            for fld in ("date", "end"):
                if fact.get(fld) not in (None, "") and (why := _date_problem(fact[fld])) is not None:
                    problem(fact, f"{where}.{fld}", why)
                    dates_ok = False
            if not dates_ok:
                continue
            if fact.get("date") and fact.get("end") and parse_date(fact["end"])[0] < parse_date(fact["date"])[0]:
                problem(fact, f"{where}.end", f"end is before date ({_show(fact['end'])} < {_show(fact['date'])})")
                continue
            same = tuple(sorted((k, repr(v)) for k, v in fact.items() if k != "__line__"))
            if same in seen:
                first, line = seen[same]
                problem(fact, where, f"the same fact as facts[{first}] (line {line}): give it once")
                continue
            seen[same] = (i, fact.get("__line__"))
            try:
                writer.relation(Relation(declared[s_key][0].iri, p, obj, date=fact.get("date"),
                                         end=fact.get("end"), role=role, share=share),
                                Evidence(documents[src], quote=None if quote is None else str(quote), rule="curated"))
            except ValueError as exc:
                problem(fact, where, str(exc))


def _parse_yaml(text: str, path: Path):
    """The YAML document and the duplicate keys found in it; :class:`SourceError` when unreadable."""
    loader = None
    try:
        # the reader checks every character when the loader is made
        loader = (_LineLoader if _nesting_bound(text) < MAX_FAST_DEPTH else _PyLineLoader)(text)
        node = loader.get_single_node()
        if node is None:
            return None, []
        _refuse_aliases(node)
        return loader.construct_document(node), loader.duplicates
    except yaml.reader.ReaderError as exc:
        line = text[:exc.position].count("\n") + 1 if isinstance(exc.position, int) else None
        char = exc.character if isinstance(exc.character, int) else ord(exc.character or "?")
        raise SourceError(f"not valid YAML: character U+{char:04X} is not allowed in YAML text "
                          f"(write it escaped in a double-quoted string)", path=path, line=line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" (column {mark.column + 1})" if mark else ""
        # libyaml puts an error at the end of a file without a final newline on the line after it
        line = min(mark.line + 1, text.count("\n") + 1) if mark else None
        raise SourceError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}{where}", path=path,
                          line=line) from None
    except RecursionError:
        raise SourceError("not valid YAML: nested too deeply", path=path) from None
    finally:
        if loader is not None:
            loader.dispose()


def _opt_text(value):
    return None if value is None else str(value)


def _lit(text):
    from rdflib import Literal

    return Literal(text)


def _type_of(writer: FactWriter, node):
    from photonics_kg.namespaces import RDF

    return RDF.type, writer.graph.value(node, RDF.type)
