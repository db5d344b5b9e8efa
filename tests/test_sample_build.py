"""The default build on the bundled sample sources: what the foundation issue promises of it."""

from __future__ import annotations

import csv
import json
import re
import unicodedata

import pytest

from photonics_kg.config import sample_sources
from photonics_kg.graph.build import build
from photonics_kg.graph.store import KGStore
from photonics_kg.mapping import ENTITY_CLASSES, RELATIONS

from conftest import shared_path

SEEDS = {"seed-000.json": "000_4051245278577af9", "seed-004.json": "004_f9f87ba7564bb30f"}
DOC = "https://w3id.org/photonics-kg/id/document/"


@pytest.fixture(scope="module")
def sample_store():
    if not sample_sources():
        pytest.fail("no bundled sample sources in sample/")
    store = KGStore()
    build(store, log=lambda m: None, progress=False)
    return store


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"^(le|la|les|l')\s*", "", text.strip())
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@pytest.fixture(scope="module")
def names(sample_store):
    """normalised label or alias -> set of (iri, class)"""
    rows = sample_store.select(
        "SELECT ?x ?name ?class WHERE { ?x a ?class . { ?x rdfs:label ?name } UNION { ?x skos:altLabel ?name } "
        "FILTER(STRSTARTS(STR(?class), STR(phot:))) }")
    out = {}
    for r in rows:
        out.setdefault(_norm(r["name"]), set()).add((r["x"], r["class"]))
    return out


def test_at_least_150_organisations(sample_store):
    from photonics_kg.graph.stats import store_stats

    assert store_stats(sample_store)["organisations"] >= 150


def test_sample_graphs_are_labelled_sample(sample_store):
    rows = sample_store.select("SELECT ?g WHERE { GRAPH ?g { ?g a phot:SourceGraph ; phot:loaderVersion ?v } }", union=False)
    graphs = [g for g in sample_store.named_graphs() if "/graph/curated/" in g]
    assert len(graphs) >= 3
    for g in graphs:
        assert sample_store.ask(f"ASK {{ GRAPH <{g}> {{ <{g}> phot:sample true }} }}"), g


def test_sample_conforms_to_shapes_and_checks(sample_store):
    from photonics_kg.graph.validate import validate_store

    report = validate_store(sample_store)
    assert report.shapes_run > 0
    assert report.conforms, [v.__dict__ for v in report.violations[:10]]


@pytest.mark.parametrize("gold_name", sorted(SEEDS))
def test_every_seed_entity_is_present_with_its_type(names, gold_name):
    gold = json.loads(shared_path("corpus", "gold", gold_name).read_text(encoding="utf-8"))
    missing = []
    for e in gold["entities"]:
        cls = str(ENTITY_CLASSES[e["type"]])
        found = set()
        for surface in [e["label"], *e["aliases"]]:
            found |= names.get(_norm(surface), set())
        # places are typed by their kind (phot:Commune, phot:Country, ...), all subclasses of phot:Place
        ok = any(c == cls or (e["type"] == "Place" and "ontology#" in c) for _, c in found)
        if not ok:
            missing.append((e["label"], e["type"]))
    assert not missing


@pytest.mark.parametrize("gold_name", sorted(SEEDS))
def test_every_seed_fact_is_present_with_the_seed_as_source(sample_store, names, gold_name):
    gold = json.loads(shared_path("corpus", "gold", gold_name).read_text(encoding="utf-8"))
    doc = DOC + SEEDS[gold_name]
    alias_of = {}
    for e in gold["entities"]:
        for surface in [e["label"], *e["aliases"]]:
            alias_of[_norm(surface)] = e
    missing = []
    for r in gold["relations"]:
        prop = str(RELATIONS[r["p"]].prop)
        subjects = {iri for iri, _ in names.get(_norm(r["s"]), set())}
        rows = sample_store.select(
            "SELECT ?s ?o ?src WHERE { ?ev a phot:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
            "dcterms:source ?src . ?s ?p ?o }", {"p": __import__("rdflib").URIRef(prop)})
        hits = [row for row in rows if row["s"] in subjects and row["src"] == doc]
        if r["p"] not in ("offers", "identifiedAs", "createdIn"):
            objects = {iri for iri, _ in names.get(_norm(r["o"]), set())}
            hits = [row for row in hits if row["o"] in objects]
        if not hits:
            missing.append((r["s"], r["p"], r["o"]))
    assert not missing


def test_seed_dates_are_kept(sample_store):
    # the 2010 agreement between Route des Lasers and WNLO is a dated partnership
    rows = sample_store.select(
        "SELECT DISTINCT ?a ?b WHERE { ?f a phot:Partnership ; phot:startYear 2010 ; phot:partner ?a, ?b . "
        "?a rdfs:label \"Route des Lasers\"@fr . ?b skos:altLabel \"WNLO\" }")
    assert len(rows) == 1
    # the 2009 Key Enabling Technologies decision of the European Commission
    assert sample_store.ask('ASK { ?ev rdf:predicate phot:identifiedAs ; rdf:subject ?ec . ?ec rdfs:label ?l . '
                            'FILTER(CONTAINS(LCASE(STR(?l)), "commission")) }')
    # Amplitude Systèmes' programme launched in Wuhan on 2011-06-15 keeps its day
    assert sample_store.ask('ASK { ?f phot:date "2011-06-15"^^xsd:date }')


def test_no_identifier_is_invented(sample_store):
    """Every RNSR number is in the RNSR export; every SIRET is a tutelle SIRET of that export."""
    path = shared_path("data", "rnsr", "fr-esr-structures-recherche-publiques-actives_2022_dataesr.csv")
    rnsr, sirets = set(), set()
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter=";"):
            rnsr.add(row["numero_national_de_structure"])
            sirets.update(s for s in (row["siret_des_tutelles"] or "").split(";") if s)
    used = sample_store.select("SELECT ?p ?v WHERE { VALUES ?p { phot:rnsr phot:siret phot:siren phot:wikidata phot:ror } ?x ?p ?v }")
    by_kind = {}
    for r in used:
        by_kind.setdefault(r["p"].rsplit("#", 1)[-1], set()).add(r["v"])
    assert by_kind.get("rnsr"), "the sample gives the labs' real RNSR numbers"
    assert by_kind["rnsr"] <= rnsr
    assert by_kind.get("siret", set()) <= sirets
    assert by_kind.get("siren", set()) <= {s[:9] for s in sirets}
    assert not by_kind.get("wikidata") and not by_kind.get("ror")
