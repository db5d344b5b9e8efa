"""Curated facts: YAML written by maintainers, each entity and fact citing its source.

The format is documented in ``sample/README.md``. Every problem in a file is collected and
reported at once with its line (``ecosystem.yaml:120: facts[12].p: unknown relation 'owns'``);
nothing is stored unless the whole file is valid.
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
_CHECKS = {
    "siren": (re.compile(r"^\d{9}$"), "9 digits"),
    "siret": (re.compile(r"^\d{14}$"), "14 digits"),
    "rnsr": (re.compile(r"^\d{9}[A-Z]$"), "9 digits and a letter"),
    "wikidata": (re.compile(r"^Q\d+$"), "Q followed by digits"),
}


# libyaml's parser when PyYAML was built with it (10x faster), the pure-Python one otherwise
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    """A SafeLoader whose mappings remember the line they start on (as ``__line__``)."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# dates stay text: "2010" and 2016-12-09 are both read as written
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
        try:
            data = yaml.load(text, Loader=_LineLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SourceError(f"not valid YAML: {getattr(exc, 'problem', exc)}", path=path,
                              line=mark.line + 1 if mark else None) from None
        if not isinstance(data, dict):
            raise SourceError("a curated file is a YAML mapping with meta, sources, entities and facts", path=path)
        problems: list[tuple[int | None, str | None, str]] = []

        def problem(item, field, message):
            line = item.get("__line__") if isinstance(item, dict) else None
            problems.append((line, field, message))
            report.reject(line, field, message)

        meta = data.get("meta") or {}
        if not isinstance(meta, dict) or meta.get("sample") not in (True, False):
            problem(data, "meta.sample", "required: true for sample data, false otherwise")
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
        documents = {}
        for key, src in sources.items():
            if key == "__line__":
                continue
            if not isinstance(src, dict) or not (src.get("url") or src.get("document")):
                problem(src if isinstance(src, dict) else data, f"sources.{key}", "needs a url or a document")
                continue
            try:
                documents[key] = writer.document(url=src.get("url"), name=src.get("document"),
                                                 title=src.get("title"), publisher=src.get("publisher"),
                                                 date=src.get("date"))
            except ValueError as exc:
                problem(src, f"sources.{key}", str(exc))

        declared: dict[str, tuple[Entity, dict]] = {}
        for i, item in enumerate(entities):
            where = f"entities[{i}]"
            if not isinstance(item, dict):
                problem(data, where, "must be a mapping")
                continue
            report.rows_read += 1
            key = item.get("key")
            if not isinstance(key, str) or not _KEY.match(key):
                problem(item, f"{where}.key", f"required, [a-z0-9-]+ (got {key!r})")
                continue
            where = f"entities[{key}]"
            if key in declared:
                problem(item, f"{where}.key", "declared twice in this file")
                continue
            etype = item.get("type")
            if etype not in ENTITY_TYPES:
                problem(item, f"{where}.type", f"unknown type {etype!r}; allowed: {', '.join(ENTITY_TYPES)}")
                continue
            label = item.get("label")
            if not isinstance(label, str) or not iris.slugify(label):
                problem(item, f"{where}.label", "required: the name as written in the sources")
                continue
            ids = item.get("identifiers") or {}
            ids = {k: str(v) for k, v in ids.items() if k != "__line__"}
            bad_ids = False
            for k, v in ids.items():
                if k not in IDENTIFIER_PROPERTIES:
                    problem(item, f"{where}.identifiers.{k}", f"unknown identifier; allowed: {', '.join(IDENTIFIER_PROPERTIES)}")
                    bad_ids = True
                elif k in _CHECKS and not _CHECKS[k][0].match(v):
                    problem(item, f"{where}.identifiers.{k}", f"{v!r} is not {_CHECKS[k][1]}")
                    bad_ids = True
                elif k in ("siren", "siret") and not luhn_ok(v):
                    problem(item, f"{where}.identifiers.{k}", f"{v!r} fails the Luhn check digit")
                    bad_ids = True
            if bad_ids:
                continue
            place_type = item.get("place_type")
            if place_type is not None and place_type not in PLACE_CLASSES:
                problem(item, f"{where}.place_type", f"unknown {place_type!r}; allowed: {', '.join(PLACE_CLASSES)}")
                continue
            cited = item.get("sources") or []
            if not cited:
                problem(item, f"{where}.sources", "required: the keys of the sources stating this entity")
            for s in cited:
                if s not in sources:
                    problem(item, f"{where}.sources", f"unknown source key {s!r}")
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list):
                problem(item, f"{where}.aliases", "must be a list")
                aliases = []
            entity = Entity(etype, label, aliases=[str(a) for a in aliases], identifiers=ids,
                            label_en=item.get("label_en"), place_type=place_type, sme=item.get("sme"),
                            homepage=item.get("homepage"), description=item.get("description"))
            declared[key] = (entity, item)

        for key, (entity, item) in declared.items():
            cited = [documents[s] for s in item.get("sources") or [] if s in documents]
            node = writer.entity(entity, Evidence(cited[0]) if cited else None)
            for doc in cited[1:]:
                writer._evidence(Evidence(doc), node, *_type_of(writer, node))
            within = item.get("within")
            if within:
                if within not in declared:
                    problem(item, f"entities[{key}].within", f"{within!r} is not declared in this file")
                else:
                    writer.within(node, declared[within][0].iri)

        allowed_relations = list(RELATIONS) + list(EXTRA_RELATIONS)
        roles = role_notations()
        for i, fact in enumerate(facts):
            where = f"facts[{i}]"
            if not isinstance(fact, dict):
                problem(data, where, "must be a mapping")
                continue
            report.rows_read += 1
            p = fact.get("p")
            if p not in allowed_relations:
                problem(fact, f"{where}.p", f"unknown relation {p!r}; allowed: {', '.join(allowed_relations)}")
                continue
            s_key, o_val = fact.get("s"), fact.get("o")
            if s_key not in declared:
                problem(fact, f"{where}.s", f"{s_key!r} is not declared in this file's entities")
                continue
            if p in LITERAL_RELATIONS:
                if o_val in (None, ""):
                    problem(fact, f"{where}.o", "required")
                    continue
                if p == "createdIn":
                    try:
                        parse_date(o_val)
                    except ValueError as exc:
                        problem(fact, f"{where}.o", str(exc))
                        continue
                obj = o_val
            else:
                if o_val not in declared:
                    problem(fact, f"{where}.o", f"{o_val!r} is not declared in this file's entities")
                    continue
                obj = declared[o_val][0].iri
            src = fact.get("source")
            if src not in documents:
                problem(fact, f"{where}.source", f"required: a key of sources (got {src!r})")
                continue
            role = fact.get("role")
            if role is not None and role not in roles:
                problem(fact, f"{where}.role", f"unknown role {role!r}; allowed: {', '.join(roles)}")
                continue
            share = fact.get("share")
            if share is not None and not (isinstance(share, (int, float)) and 0 <= share <= 1):
                problem(fact, f"{where}.share", f"{share!r} is not a number between 0 and 1")
                continue
            try:
                for fld in ("date", "end"):
                    if fact.get(fld) not in (None, ""):
                        parse_date(fact[fld])
                if fact.get("date") and fact.get("end") and parse_date(fact["end"])[0] < parse_date(fact["date"])[0]:
                    raise ValueError("end is before date")
                writer.relation(Relation(declared[s_key][0].iri, p, obj, date=fact.get("date"),
                                         end=fact.get("end"), role=role, share=share),
                                Evidence(documents[src], quote=fact.get("quote"), rule="curated"))
            except ValueError as exc:
                problem(fact, where, str(exc))

        if problems:
            raise SourceError(f"{len(problems)} problem(s) in this curated file; nothing was loaded",
                              path=path, problems=problems)
        title = meta.get("title") or path.stem
        writer.graph.add((iris.graph_iri(self.name, path.stem), DCTERMS.description,
                          _lit(meta.get("description")))) if meta.get("description") else None
        report.notes.append(", ".join(f"{k}: {v}" for k, v in sorted(writer.counts.items())))
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), writer.graph, title=title,
                            sample=bool(meta.get("sample")), format="curated-yaml")]


def _lit(text):
    from rdflib import Literal

    return Literal(text)


def _type_of(writer: FactWriter, node):
    from photonics_kg.namespaces import RDF

    return RDF.type, writer.graph.value(node, RDF.type)
