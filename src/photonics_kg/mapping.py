"""The mapping between the evaluation vocabulary (11 entity types, 16 relations) and the ontology.

It is read from the ontology's own annotations (``phot:corpusType``, ``phot:corpusRelation``,
``phot:factClass``, ``phot:factSubject``, ``phot:factObject``), so ``ontology/photonics.ttl`` is
the single place where it is defined and documented.

>>> ENTITY_CLASSES["Firm"]
rdflib.term.URIRef('https://w3id.org/photonics-kg/ontology#Firm')
>>> RELATIONS["sponsorOf"].fact_class
rdflib.term.URIRef('https://w3id.org/photonics-kg/ontology#Sponsorship')
>>> sorted(RELATIONS) == sorted(RELATION_NAMES)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import OWL, RDF, Graph, Literal, URIRef

from photonics_kg.config import package_file
from photonics_kg.namespaces import PHOT

#: the 16 relation names of shared/corpus/README.md, in its order
RELATION_NAMES = (
    "memberOf", "partnerOf", "sponsorOf", "ownerOf", "managerOf", "subsidiaryOf", "mergedInto",
    "acquired", "locatedIn", "activeIn", "priorityDomain", "participatesIn", "createdIn",
    "founded", "offers", "identifiedAs",
)
#: relations whose object is a literal in the evaluation format
LITERAL_RELATIONS = frozenset({"createdIn", "offers", "identifiedAs"})
ENTITY_TYPES = (
    "Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association", "Programme",
    "Event", "Place", "Domain", "Person",
)
ORGANISATION_TYPES = frozenset({"Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association"})


@dataclass(frozen=True)
class RelationMapping:
    """How one relation of the evaluation vocabulary is written in RDF."""

    name: str
    prop: URIRef                       #: the shortcut property s -> o
    fact_class: URIRef | None = None   #: n-ary fact class, when the relation can carry a date/role/share
    fact_subject: URIRef | None = None
    fact_object: URIRef | None = None
    symmetric: bool = False


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    g = Graph()
    with package_file("ontology", "photonics.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    return g


def _load():
    g = _ontology()
    classes = {str(o): s for s, o in g.subject_objects(PHOT.corpusType)}
    relations = {}
    for prop, name in g.subject_objects(PHOT.corpusRelation):
        relations[str(name)] = RelationMapping(
            name=str(name), prop=prop,
            fact_class=g.value(prop, PHOT.factClass),
            fact_subject=g.value(prop, PHOT.factSubject),
            fact_object=g.value(prop, PHOT.factObject),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in g,
        )
    return classes, relations


ENTITY_CLASSES, RELATIONS = _load()
CLASS_TYPES = {v: k for k, v in ENTITY_CLASSES.items()}

missing = set(ENTITY_TYPES) - set(ENTITY_CLASSES) | set(RELATION_NAMES) - set(RELATIONS)
if missing:  # pragma: no cover - guards the ontology file
    raise RuntimeError(f"ontology/photonics.ttl lacks corpus mappings for {sorted(missing)}")

#: extra relations curated sources may use beyond the 16 (renaming keeps a former name apart)
EXTRA_RELATIONS = {
    "renamedTo": RelationMapping("renamedTo", PHOT.renamedTo, PHOT.Renaming, PHOT.predecessor, PHOT.successor),
}


def role_concept(role: str) -> URIRef:
    """The SKOS concept of a role given by its notation (``maitre-d-ouvrage``...).

    >>> role_concept("maitre-d-oeuvre")
    rdflib.term.URIRef('https://w3id.org/photonics-kg/ontology#MaitreDOeuvre')
    """
    g = _ontology()
    from rdflib.namespace import SKOS

    for concept in g.subjects(SKOS.notation, Literal(role)):
        return concept
    allowed = sorted(str(n) for n in g.objects(None, SKOS.notation))
    raise ValueError(f"unknown role {role!r}; allowed: {', '.join(allowed)}")


def role_notations() -> list[str]:
    from rdflib.namespace import SKOS

    return sorted(str(n) for n in _ontology().objects(None, SKOS.notation))
