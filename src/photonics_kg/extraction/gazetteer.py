"""The gazetteer: the names of what the store already knows, to find and link them in texts.

Built from any store (labels, ``skos:altLabel`` and identifiers of typed entities, read with the
library query ``internal/gazetteer``), and from rdflib graphs read earlier in the same build. It
answers three questions: which spans of a text are known names (:meth:`Gazetteer.find`), which
entity a name denotes (:meth:`Gazetteer.link`: identifier, normalised name, then fuzzy match with
rapidfuzz above a threshold), and its type.

>>> g = Gazetteer()
>>> g.add("https://w3id.org/photonics-kg/id/cluster/alpha-rlh", "Cluster", "ALPHA-RLH", ["Alpha - Route des lasers"])
>>> [(m.text, m.entry.type) for m in g.find("Le pôle Alpha RLH est né en 2017.")]
[('Alpha RLH', 'Cluster')]
>>> g.link("Alpha-Route des lasers").how        # the same name, punctuation aside
'name'
>>> g.link("Alpha Route des laser").how
'fuzzy'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from photonics_kg.extraction.textutil import fold, is_acronym, is_capitalised, tokens, view
from photonics_kg.mapping import ENTITY_CLASSES

#: a fuzzy match (rapidfuzz ``token_sort_ratio`` on folded names) at or above this links
FUZZY_THRESHOLD = 90
#: names of fewer characters are only linked exactly, never searched for in texts
MIN_NAME_CHARS = 2
MAX_NAME_TOKENS = 14


def class_types() -> dict[str, str]:
    """Ontology class IRI -> evaluation type, including place subclasses and domains."""
    from photonics_kg.facts import PLACE_CLASSES
    from photonics_kg.namespaces import PHOT

    out = {str(cls): t for t, cls in ENTITY_CLASSES.items()}
    out.update({str(cls): "Place" for cls in PLACE_CLASSES.values()})
    out[str(PHOT.ApplicationDomain)] = "Domain"
    return out


@dataclass
class Entry:
    """One known entity."""

    iri: str
    type: str
    label: str
    names: set[str] = field(default_factory=set)        #: the names as written
    identifiers: dict[str, str] = field(default_factory=dict)


@dataclass
class Match:
    start: int
    end: int
    text: str
    entry: Entry


@dataclass
class Link:
    entry: Entry
    how: str            #: identifier, name or fuzzy
    score: float


class Gazetteer:
    def __init__(self):
        self.entries: dict[str, Entry] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._by_id: dict[tuple[str, str], str] = {}
        self._fuzzy_keys: list[str] | None = None

    def __len__(self) -> int:
        return len(self.entries)

    # -- building ----------------------------------------------------------------------------
    def add(self, iri: str, type_: str, label: str, aliases=(), identifiers: dict | None = None) -> None:
        entry = self.entries.get(iri)
        if entry is None:
            entry = self.entries[iri] = Entry(iri, type_, label)
        for name in (label, *aliases):
            self._add_name(entry, name)
        for k, v in (identifiers or {}).items():
            entry.identifiers[k] = v
            self._by_id[(k, str(v).replace(" ", ""))] = iri

    def _add_name(self, entry: Entry, name: str) -> None:
        name = " ".join(str(name).split())
        key = fold(name)
        if not key or name in entry.names:
            return
        entry.names.add(name)
        iris = self._by_name.setdefault(key, [])
        if entry.iri not in iris:
            iris.append(entry.iri)
        toks = tuple(t[0] for t in tokens(view(name)))
        if toks and len(key) >= MIN_NAME_CHARS and len(toks) <= MAX_NAME_TOKENS:
            bucket = self._by_first.setdefault(toks[0], [])
            if (toks, key) not in bucket:
                bucket.append((toks, key))
                bucket.sort(key=lambda x: -len(x[0]))
        self._fuzzy_keys = None

    def add_rows(self, rows, types: dict[str, str] | None = None) -> int:
        """Add rows of the ``gazetteer`` query (entity, class, name, kind); return entries added."""
        types = types or class_types()
        before = len(self.entries)
        pending: dict[str, dict] = {}
        for row in rows:
            t = types.get(str(row.get("class")))
            if t is None:
                continue
            item = pending.setdefault(str(row["entity"]), {"types": [], "labels": [], "aliases": [], "ids": {}})
            if t not in item["types"]:
                item["types"].append(t)
            kind, name = row.get("kind"), str(row.get("name", ""))
            if kind == "label":
                item["labels"].append(name)
            elif kind == "alias":
                item["aliases"].append(name)
            elif kind:
                item["ids"][kind] = name
        for iri, item in pending.items():
            if not item["labels"]:
                continue
            # a commune is also a place: keep the most specific evaluation type
            t = next((x for x in item["types"] if x != "Place"), item["types"][0])
            labels = sorted(set(item["labels"]), key=item["labels"].index)
            self.add(iri, t, labels[0], labels[1:] + item["aliases"], item["ids"])
        return len(self.entries) - before

    @classmethod
    def from_store(cls, store, graphs=()) -> "Gazetteer":
        """The gazetteer of a :class:`~photonics_kg.graph.store.KGStore` (may be None) and rdflib graphs."""
        from photonics_kg.queries.library import get

        g = cls()
        query = get("gazetteer").text
        if store is not None:
            g.add_rows(store.select(query))
        for graph in graphs:
            rows = [{str(k): str(v) for k, v in r.asdict().items()} for r in graph.query(query)]
            g.add_rows(rows)
        return g

    # -- finding -----------------------------------------------------------------------------
    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """Known names in ``text[start:end]``: longest first, non-overlapping, case rules applied.

        A one-word name must be capitalised in the text (``Région`` but not ``région``), an
        acronym must be written in capitals, and a name of several words needs a capital or a
        digit somewhere, except domains (``santé et vivant``).
        """
        toks = tokens(text, start, end)
        found: list[Match] = []
        i = 0
        while i < len(toks):
            best = None
            for names, key in self._by_first.get(toks[i][0], ()):
                n = len(names)
                if i + n > len(toks) or tuple(t[0] for t in toks[i:i + n]) != names:
                    continue
                s, e = toks[i][1], toks[i + n - 1][2]
                # tokens must be adjacent words of one name, not across a sentence or line
                gap = text[s:e]
                if "\n" in gap or any(c in gap for c in ".;:!?()[]«»\"") and not _punct_in_name(gap, key, self):
                    continue
                entry = self._choose(key, gap)
                if entry is None:
                    continue
                best = Match(s, e, gap, entry)
                break
            if best:
                found.append(best)
                i += len(tokens(text, best.start, best.end))
            else:
                i += 1
        return found

    def _choose(self, key: str, surface: str) -> Entry | None:
        entries = [self.entries[i] for i in self._by_name.get(key, ())]
        if not entries:
            return None
        words = surface.split()
        for entry in entries:
            if entry.type == "Domain":
                return entry
            if len(key) < MIN_NAME_CHARS:
                continue
            if len(words) == 1 or len(tokens(surface)) == 1:
                acronyms = [n for n in entry.names if fold(n) == key and is_acronym(n)]
                if acronyms and not is_acronym(surface) and not any(n == surface for n in entry.names):
                    continue
                if not is_capitalised(surface):
                    continue
            elif not any(is_capitalised(w) for w in words):
                continue
            return entry
        return None

    # -- linking -----------------------------------------------------------------------------
    def by_identifier(self, kind: str, value: str) -> Entry | None:
        iri = self._by_id.get((kind, value.replace(" ", "")))
        return self.entries.get(iri) if iri else None

    def link(self, name: str, type_: str | None = None) -> Link | None:
        """The known entity ``name`` denotes: same normalised name, else a close fuzzy match.

        A type, when given, must agree (an organisation type may stand for another: a document's
        typing of an unknown organisation is weaker than the store's).
        """
        key = fold(name)
        if not key:
            return None
        for iri in self._by_name.get(key, ()):
            entry = self.entries[iri]
            if _compatible(type_, entry.type):
                return Link(entry, "name", 100.0)
        if len(key) < 5 or is_acronym(name):
            return None
        if self._fuzzy_keys is None:
            self._fuzzy_keys = list(self._by_name)
        if not self._fuzzy_keys:
            return None
        hit = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.token_sort_ratio, score_cutoff=FUZZY_THRESHOLD)
        if hit is None:
            return None
        for iri in self._by_name[hit[0]]:
            entry = self.entries[iri]
            if _compatible(type_, entry.type) and abs(len(hit[0]) - len(key)) <= max(4, len(key) // 5):
                return Link(entry, "fuzzy", float(hit[1]))
        return None


_ORGS = {"Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association"}


def _compatible(a: str | None, b: str) -> bool:
    return a is None or a == b or (a in _ORGS and b in _ORGS)


def _punct_in_name(gap: str, key: str, g: Gazetteer) -> bool:
    """True when the punctuation inside ``gap`` is part of a known name (``Sup'Optique``, ``i-Trans``)."""
    return any(gap == n for iri in g._by_name.get(key, ()) for n in g.entries[iri].names)
