"""Entities, relations and their evidence as RDF: the one writer every loader shares.

A loader describes what a source states with :class:`Entity`, :class:`Relation` and
:class:`Evidence`; :class:`FactWriter` turns them into triples following the ontology: a typed,
labelled node per entity, a shortcut triple per relation (``s phot:sponsorOf o``), an n-ary fact
node when the relation has one (``phot:Sponsorship`` with dates, role or share), and an evidence
node (``phot:Evidence``: the statement, its source document, the quoted span, the rule and a
confidence).

>>> w = FactWriter()
>>> doc = w.document(url="https://example.org/a", title="A")
>>> cnop = w.entity(Entity("Association", "CNOP", aliases=["Comité National d'Optique et de Photonique"]))
>>> defi = w.entity(Entity("Programme", "DEFI Photonique"))
>>> _ = w.relation(Relation(cnop, "ownerOf", defi, role="maitre-d-ouvrage"), Evidence(doc, quote="porté par le CNOP"))
>>> (cnop, PHOT.ownerOf, defi) in w.graph
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from photonics_kg import iri as iris
from photonics_kg.mapping import (ENTITY_CLASSES, EXTRA_RELATIONS, LITERAL_RELATIONS, RELATIONS,
                                  role_concept)
from photonics_kg.namespaces import (DCTERMS, OA, OWL, PHOT, PREFIXES, PROV, RDF, RDFS, SCHEMA, SKOS,
                                     XSD)

PLACE_CLASSES = {
    "country": PHOT.Country, "region": PHOT.Region, "former-region": PHOT.FormerRegion,
    "department": PHOT.Department, "commune": PHOT.Commune, "site": PHOT.Site,
}
IDENTIFIER_PROPERTIES = {
    "siren": PHOT.siren, "siret": PHOT.siret, "rnsr": PHOT.rnsr, "uai": PHOT.uai,
    "wikidata": PHOT.wikidata, "ror": PHOT.ror, "insee": PHOT.inseeCode,
}
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2}))?$")


def parse_date(value) -> tuple[int, str | None]:
    """Split ``YYYY`` or ``YYYY-MM-DD`` into (year, full date or None); raise ValueError otherwise.

    >>> parse_date("2011-06-15")
    (2011, '2011-06-15')
    >>> parse_date(2010)
    (2010, None)
    """
    text = str(value).strip()
    m = _DATE.match(text)
    if not m:
        raise ValueError(f"{value!r} is not a date (YYYY or YYYY-MM-DD)")
    year = int(m.group(1))
    if m.group(2):
        import datetime

        datetime.date(year, int(m.group(2)), int(m.group(3)))  # raises on an impossible date
        return year, text
    return year, None


@dataclass
class Entity:
    """Something a source names: an organisation, place, domain, person, programme or event."""

    type: str
    label: str
    aliases: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    label_en: str | None = None
    place_type: str | None = None
    sme: bool | None = None
    homepage: str | None = None
    description: str | None = None
    iri: URIRef | None = None

    def __post_init__(self):
        if self.type not in ENTITY_CLASSES:
            raise ValueError(f"unknown entity type {self.type!r}; allowed: {', '.join(ENTITY_CLASSES)}")
        if self.iri is None:
            self.iri = iris.entity_iri(self.type, self.label, self.identifiers)


@dataclass
class Evidence:
    """Why a statement holds: the document, and where the text states it."""

    document: URIRef
    quote: str | None = None
    start: int | None = None
    end: int | None = None
    prefix: str | None = None
    suffix: str | None = None
    rule: str = "curated"
    confidence: float = 1.0


@dataclass
class Relation:
    """A relation of the evaluation vocabulary between two entity IRIs (or an entity and a literal)."""

    s: URIRef
    p: str
    o: URIRef | str | int
    date: str | int | None = None
    end: str | int | None = None
    role: str | None = None
    share: float | None = None


class FactWriter:
    """Accumulates the triples of one source graph."""

    def __init__(self, graph: Graph | None = None, *, label_lang: str | None = "fr"):
        self.graph = graph if graph is not None else Graph()
        #: language tag of rdfs:label; registries write names untagged (a register's name is not
        #: French text, and an untagged name never collides with a curated @fr label)
        self.label_lang = label_lang
        for prefix, ns in PREFIXES.items():
            self.graph.bind(prefix, ns, override=True)
        self.counts: dict[str, int] = {}

    def _add(self, *triple):
        self.graph.add(triple)

    # -- documents -----------------------------------------------------------------------
    def document(self, *, url: str | None = None, name: str | None = None, title: str | None = None,
                 publisher: str | None = None, date: str | None = None, sha256: str | None = None,
                 language: str | None = None) -> URIRef:
        """Describe a source document; it is identified by its URL, else by its file name."""
        if not url and not name:
            raise ValueError("a document needs a url or a file name")
        doc = URIRef(url) if url else iris.document_iri(name)
        self._add(doc, RDF.type, PHOT.Document)
        if url:
            self._add(doc, SCHEMA.url, Literal(url, datatype=XSD.anyURI))
        if name:
            self._add(doc, DCTERMS.identifier, Literal(name))
        if title:
            self._add(doc, DCTERMS.title, Literal(title))
        if publisher:
            self._add(doc, DCTERMS.publisher, Literal(publisher))
        if date:
            year, full = parse_date(date)
            self._add(doc, DCTERMS.date, Literal(full, datatype=XSD.date) if full else Literal(str(year), datatype=XSD.gYear))
        if sha256:
            self._add(doc, PHOT.sha256, Literal(sha256))
        if language:
            self._add(doc, DCTERMS.language, Literal(language))
        return doc

    # -- entities ------------------------------------------------------------------------
    def entity(self, e: Entity, evidence: Evidence | None = None) -> URIRef:
        """Type, label and describe an entity; return its IRI."""
        node = e.iri
        cls = ENTITY_CLASSES[e.type]
        if e.type == "Place" and e.place_type:
            cls = PLACE_CLASSES[e.place_type]
        self._add(node, RDF.type, cls)
        self._add(node, RDFS.label, Literal(e.label, lang=self.label_lang))
        if e.type == "Domain":
            self._add(node, RDF.type, SKOS.Concept)
            self._add(node, SKOS.prefLabel, Literal(e.label, lang="fr"))
            self._add(node, SKOS.inScheme, PHOT.ApplicationDomains)
            if e.label_en:
                self._add(node, SKOS.prefLabel, Literal(e.label_en, lang="en"))
        if e.label_en:
            self._add(node, RDFS.label, Literal(e.label_en, lang="en"))
        for alias in e.aliases:
            if alias and alias != e.label:
                self._add(node, SKOS.altLabel, Literal(alias))
        for key, value in e.identifiers.items():
            if value in (None, ""):
                continue
            prop = IDENTIFIER_PROPERTIES.get(key)
            if prop is None:
                raise ValueError(f"unknown identifier {key!r}; allowed: {', '.join(IDENTIFIER_PROPERTIES)}")
            self._add(node, prop, Literal(str(value)))
            if key == "wikidata":
                self._add(node, OWL.sameAs, URIRef(f"http://www.wikidata.org/entity/{value}"))
        if e.sme is not None:
            self._add(node, PHOT.sme, Literal(bool(e.sme)))
        if e.homepage:
            self._add(node, SCHEMA.url, Literal(e.homepage, datatype=XSD.anyURI))
        if e.description:
            self._add(node, DCTERMS.description, Literal(e.description, lang="fr"))
        if evidence is not None:
            self._evidence(evidence, node, RDF.type, cls)
        self.counts[e.type] = self.counts.get(e.type, 0) + 1
        return node

    def within(self, place: URIRef, container: URIRef) -> None:
        self._add(place, SCHEMA.containedInPlace, container)

    # -- relations -----------------------------------------------------------------------
    def relation(self, r: Relation, evidence: Evidence | None = None) -> URIRef | None:
        """Write one relation: shortcut triple, n-ary fact node when dated/role/share, evidence.

        Returns the fact node, if one was written.
        """
        mapping = RELATIONS.get(r.p) or EXTRA_RELATIONS.get(r.p)
        if mapping is None:
            raise ValueError(f"unknown relation {r.p!r}; allowed: {', '.join(RELATIONS)}, {', '.join(EXTRA_RELATIONS)}")
        start = parse_date(r.date) if r.date not in (None, "") else None
        end = parse_date(r.end) if r.end not in (None, "") else None

        if r.p in LITERAL_RELATIONS:
            obj = self._literal_object(r)
        else:
            obj = r.o
        self._add(r.s, mapping.prop, obj)

        fact = None
        wants_fact = mapping.fact_class is not None and (start or end or r.role or r.share is not None
                                                         or r.p in ("partnerOf", "sponsorOf", "mergedInto", "acquired", "renamedTo"))
        if wants_fact:
            ends = sorted([str(r.s), str(obj)]) if mapping.symmetric else [str(r.s), str(obj)]
            fact = iris.fact_iri(mapping.fact_class.split("#")[-1], *ends, start, r.role)
            self._add(fact, RDF.type, mapping.fact_class)
            self._add(fact, RDF.type, PHOT.Fact)
            self._add(fact, mapping.fact_subject, r.s)
            self._add(fact, mapping.fact_object, obj)
            self._dates(fact, start, end)
            if r.role:
                self._add(fact, PHOT.role, role_concept(r.role))
            if r.share is not None:
                self._add(fact, PHOT.share, Literal(Decimal(str(r.share))))
        if r.p == "mergedInto" and end is None and start is not None:
            self._add(r.s, PHOT.dissolutionYear, Literal(start[0]))
        if evidence is not None:
            node = self._evidence(evidence, r.s, mapping.prop, obj, fact)
            if fact is None:
                # no n-ary node for this relation: the dated statement is the source's evidence
                self._dates(node, start, end)
        elif fact is None and (start or end):
            raise ValueError(f"a dated {r.p} fact needs evidence to carry its date")
        self.counts[r.p] = self.counts.get(r.p, 0) + 1
        return fact

    def _dates(self, node, start, end) -> None:
        if start:
            self._add(node, PHOT.startYear, Literal(start[0]))
            if start[1]:
                self._add(node, PHOT.date, Literal(start[1], datatype=XSD.date))
        if end:
            self._add(node, PHOT.endYear, Literal(end[0]))
            if end[1]:
                self._add(node, PHOT.endDate, Literal(end[1], datatype=XSD.date))

    def _literal_object(self, r: Relation):
        if r.p == "createdIn":
            year, _ = parse_date(r.o)
            return Literal(year)
        if r.p == "identifiedAs":
            return Literal(str(r.o), lang="fr")
        # offers: a node for the offer, labelled as worded, typed training/support when it says so
        text = str(r.o)
        node = iris.offer_iri(r.s, text)
        low = text.lower()
        kind = PHOT.TrainingOffer if "formation" in low or "training" in low else (
            PHOT.SupportOffer if any(w in low for w in ("accompagnement", "service", "conseil", "support")) else PHOT.Offer)
        self._add(node, RDF.type, kind)
        self._add(node, RDF.type, PHOT.Offer)
        self._add(node, RDFS.label, Literal(text, lang="fr"))
        return node

    def _evidence(self, ev: Evidence, s, p, o, fact: URIRef | None = None) -> URIRef:
        node = iris.evidence_iri(s, p, o, ev.document, ev.quote, ev.start, ev.rule)
        self._add(node, RDF.type, PHOT.Evidence)
        self._add(node, RDF.subject, s)
        self._add(node, RDF.predicate, p)
        self._add(node, RDF.object, o)
        self._add(node, DCTERMS.source, ev.document)
        self._add(node, PHOT.rule, Literal(ev.rule))
        self._add(node, PHOT.confidence, Literal(Decimal(str(round(ev.confidence, 3)))))
        if fact is not None:
            self._add(node, PHOT.evidenceFor, fact)
        has_position = ev.start is not None and ev.end is not None
        if ev.quote or has_position:
            target = URIRef(str(node) + "-target")
            self._add(node, OA.hasTarget, target)
            self._add(target, RDF.type, OA.SpecificResource)
            self._add(target, OA.hasSource, ev.document)
            if ev.quote:
                sel = URIRef(str(node) + "-quote")
                self._add(target, OA.hasSelector, sel)
                self._add(sel, RDF.type, OA.TextQuoteSelector)
                self._add(sel, OA.exact, Literal(ev.quote))
                if ev.prefix:
                    self._add(sel, OA.prefix, Literal(ev.prefix))
                if ev.suffix:
                    self._add(sel, OA.suffix, Literal(ev.suffix))
            if has_position:
                sel = URIRef(str(node) + "-position")
                self._add(target, OA.hasSelector, sel)
                self._add(sel, RDF.type, OA.TextPositionSelector)
                self._add(sel, OA.start, Literal(int(ev.start)))
                self._add(sel, OA.end, Literal(int(ev.end)))
        return node

    @staticmethod
    def provenance_note() -> str:
        return "evidence nodes are phot:Evidence (oa:Annotation, rdf:Statement)"


__all__ = ["Entity", "Evidence", "FactWriter", "Relation", "parse_date", "PROV"]
