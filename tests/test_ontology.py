"""The ontology files: they parse, use only declared terms, map the evaluation vocabulary once,
carry the official NAF labels and the bilingual DEFI domains; the generated namespace is current.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from conftest import shared_path
from photonics_kg import _namespace_gen
from photonics_kg.config import package_file
from photonics_kg.mapping import ENTITY_TYPES, RELATION_NAMES
from photonics_kg.namespaces import NAF, PHOT

PHOT_NS = str(PHOT)
FILES = ("photonics.ttl", "domains.ttl", "naf.ttl", "shapes.ttl")
DEFI = PHOT.DefiPriorityDomains


@lru_cache(maxsize=None)
def load(name: str) -> Graph:
    g = Graph()
    with package_file("ontology", name).open("rb") as f:
        g.parse(f, format="turtle")
    return g


@pytest.mark.parametrize("name", FILES)
def test_ontology_file_parses(name):
    assert len(load(name)) > 0


def test_ontology_header():
    g = load("photonics.ttl")
    onto = URIRef("https://w3id.org/photonics-kg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) is not None


@pytest.mark.parametrize("name", FILES)
def test_every_phot_term_is_declared(name):
    """A phot: term used in any ontology file is typed in photonics.ttl (a typo would not be)."""
    declared = {s for s in load("photonics.ttl").subjects(RDF.type, None) if str(s).startswith(PHOT_NS)}
    used = {node for triple in load(name) for node in triple
            if isinstance(node, URIRef) and str(node).startswith(PHOT_NS) and str(node) != PHOT_NS}
    assert used - declared == set()


def test_namespace_module_is_current():
    """``python -m photonics_kg._namespace_gen`` was run after the last ontology edit."""
    current = resources.files("photonics_kg").joinpath("namespaces.py").read_text(encoding="utf-8")
    assert current == _namespace_gen.render(), "run: python -m photonics_kg._namespace_gen"


def test_misspelt_term_raises():
    with pytest.raises(AttributeError):
        PHOT.NotATerm
    assert PHOT.Firm == URIRef(PHOT_NS + "Firm")
    assert PHOT.photonicsCore == URIRef(PHOT_NS + "photonicsCore")


@pytest.mark.parametrize("entity_type", ENTITY_TYPES)
def test_entity_type_mapped_once(entity_type):
    classes = list(load("photonics.ttl").subjects(PHOT.corpusType, Literal(entity_type)))
    assert len(classes) == 1, f"{entity_type} is mapped to {classes}"
    assert (classes[0], RDF.type, OWL.Class) in load("photonics.ttl")


@pytest.mark.parametrize("relation", RELATION_NAMES)
def test_relation_mapped_once(relation):
    g = load("photonics.ttl")
    props = list(g.subjects(PHOT.corpusRelation, Literal(relation)))
    assert len(props) == 1, f"{relation} is mapped to {props}"
    fact = g.value(props[0], PHOT.factClass)
    if fact is not None:  # an n-ary fact class comes with both of its roles
        assert (fact, RDFS.subClassOf, None) in g
        assert g.value(props[0], PHOT.factSubject) is not None
        assert g.value(props[0], PHOT.factObject) is not None


def test_mapping_has_no_extra_corpus_names():
    g = load("photonics.ttl")
    assert len(ENTITY_TYPES) == 11 and len(RELATION_NAMES) == 16
    assert {str(o) for o in g.objects(None, PHOT.corpusType)} == set(ENTITY_TYPES)
    assert {str(o) for o in g.objects(None, PHOT.corpusRelation)} == set(RELATION_NAMES)


def test_naf_labels_are_the_official_ones():
    path = shared_path("data", "naf", "naf_rev2_photonics_relevant.csv")
    g = load("naf.ttl")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 20
    for row in rows:
        concept = NAF[row["code"]]
        assert (concept, SKOS.inScheme, PHOT.NafRev2) in g, f"{row['code']} missing from naf.ttl"
        assert list(g.objects(concept, SKOS.prefLabel)) == [Literal(row["libelle_officiel_naf_rev2"], lang="fr")]


def test_naf_hierarchy():
    """Each code's IRI ends with its notation; each code but a section has one broader code, whose
    notation it extends (26.70Z -> 26.70 -> 26.7 -> 26 -> C)."""
    g = load("naf.ttl")
    concepts = set(g.subjects(SKOS.inScheme, PHOT.NafRev2))
    assert len(concepts) >= 20
    for concept in concepts:
        notation = str(g.value(concept, SKOS.notation))
        assert concept == NAF[notation]
        assert g.value(concept, SKOS.prefLabel).language == "fr"
        broader = list(g.objects(concept, SKOS.broader))
        if re.fullmatch(r"[A-U]", notation):
            assert broader == [] and (concept, SKOS.topConceptOf, PHOT.NafRev2) in g
            continue
        assert len(broader) == 1 and broader[0] in concepts, notation
        parent = str(g.value(broader[0], SKOS.notation))
        assert notation.startswith(parent) or (len(notation) == 2 and re.fullmatch(r"[A-U]", parent)), (notation, parent)
    assert (PHOT.NafRev2, RDF.type, SKOS.ConceptScheme) in load("photonics.ttl")


def test_photonics_core_codes():
    g = load("naf.ttl")
    core = {c for c in g.subjects(PHOT.photonicsCore, Literal(True))}
    assert core == {NAF["26.70Z"], NAF["27.31Z"]}


def test_defi_priority_domains_are_bilingual():
    g = load("domains.ttl")
    domains = set(g.subjects(SKOS.inScheme, DEFI))
    assert len(domains) == 6
    assert set(g.objects(DEFI, SKOS.hasTopConcept)) == domains
    for domain in domains:
        languages = sorted(label.language for label in g.objects(domain, SKOS.prefLabel))
        assert languages == ["en", "fr"], domain


def test_html_documentation_names_the_classes():
    pytest.importorskip("pylode")
    from photonics_kg.ontology_doc import render_html

    html = render_html()
    english = [str(label) for label in load("photonics.ttl").objects(PHOT.Firm, RDFS.label) if label.language == "en"]
    assert english and f"<h3>{english[0]}" in html
    assert "French label: entreprise" in html
    assert html.lstrip().lower().startswith("<!doctype html")


def _readme_blocks(language: str) -> list[str]:
    text = package_file("ontology", "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_readme_turtle_example_is_what_the_writer_stores(fixture_store):
    """The evidence example of ontology/README.md is valid Turtle, and every triple of it is in
    the fixture graph (so the documentation shows the real output, not a sketch)."""
    (block,) = _readme_blocks("turtle")
    example = Graph().parse(data=block, format="turtle")
    stored = fixture_store.to_rdflib(union=True)
    missing = [t for t in example if t not in stored and not _same_value(stored, t)]
    assert len(example) > 10 and not missing


def _same_value(graph: Graph, triple) -> bool:
    # the store gives back plain strings as explicit xsd:string and decimals in canonical form
    s, p, o = triple
    return isinstance(o, Literal) and any(isinstance(x, Literal) and str(x) == str(o) or x.eq(o)
                                          for x in graph.objects(s, p))


def test_readme_as_of_year_query_runs_on_the_fixture(fixture_store):
    (query,) = _readme_blocks("sparql")
    rows = fixture_store.select(query)
    pairs = {(r["member"].rsplit("/", 1)[-1], r["cluster"].rsplit("/", 1)[-1]) for r in rows}
    assert pairs == {("amplitude-systemes", "route-des-lasers"), ("edit-laser", "route-des-lasers"),
                     ("quantel", "route-des-lasers"), ("xlim", "elopsys")}


@pytest.mark.parametrize("relation", RELATION_NAMES)
def test_readme_mapping_table_matches_the_ontology(relation):
    from photonics_kg.mapping import RELATIONS
    from photonics_kg.namespaces import PREFIXES

    def curie(term):
        for prefix, ns in PREFIXES.items():
            if term is not None and str(term).startswith(ns) and prefix not in ("id", "dom", "naf"):
                return f"`{prefix}:{str(term)[len(ns):]}`"
        return None

    text = package_file("ontology", "README.md").read_text(encoding="utf-8")
    (row,) = [line for line in text.splitlines() if line.startswith(f"| `{relation}` |")]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    m = RELATIONS[relation]
    assert cells[1].startswith(curie(m.prop))
    for cell, term in zip(cells[2:], (m.fact_class, m.fact_subject, m.fact_object)):
        assert (cell.startswith(curie(term)) if term is not None else cell == "")
