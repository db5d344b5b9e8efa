"""The CORDIS loader on hand-written fixtures in the official layout (TEST FIXTURE data)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef

from photonics_kg.loaders.base import LoadReport, detect
from photonics_kg.loaders.cordis import CordisLoader, siren_from_vat
from photonics_kg.namespaces import DCTERMS, PHOT, RDF

FIXTURES = Path(__file__).parent / "data" / "registries" / "cordis"
ID = "https://w3id.org/photonics-kg/id/"


def load(name: str, **kw):
    path = FIXTURES / name
    report = LoadReport(str(path), "cordis")
    return CordisLoader(**kw).load(path, report)[0].graph, report


def test_detects_both_files():
    assert detect(FIXTURES / "project.csv").name == "cordis"
    assert detect(FIXTURES / "organization.csv").name == "cordis"


def test_projects_photonics_only_by_default():
    g, report = load("project.csv")
    assert report.rows_read == 2
    projects = set(g.subjects(RDF.type, PHOT.Programme)) - {URIRef(ID + "programme/horizon-europe")}
    assert projects == {URIRef(ID + "cordis/project/900001")}
    assert (URIRef(ID + "cordis/project/900001"), PHOT.euContribution, Literal(__import__("decimal").Decimal("2500000.5"))) in g
    g, _ = load("project.csv", photonics_only=False)
    assert URIRef(ID + "cordis/project/900002") in set(g.subjects(RDF.type, PHOT.Programme))


def test_participants_roles_sme_and_siren_from_vat():
    g, report = load("organization.csv")
    cnrs = URIRef(ID + "siren/180089013")
    ubx = URIRef(ID + "siren/130018351")
    german = URIRef(ID + "cordis/org/999000003")
    project = URIRef(ID + "cordis/project/900001")
    assert (cnrs, RDF.type, PHOT.PublicBody) in g
    assert (ubx, RDF.type, PHOT.University) in g
    assert (german, PHOT.sme, Literal(True)) in g
    assert (cnrs, PHOT.participatesIn, project) in g
    coord = [f for f in g.subjects(PHOT.participant, cnrs) if (f, PHOT.role, PHOT.Coordinator) in g]
    assert len(coord) == 1 and (coord[0], PHOT.startYear, Literal(2023)) in g
    assert (ubx, PHOT.locatedIn, URIRef(ID + "place/commune/33/bordeaux")) in g
    assert (german, PHOT.locatedIn, URIRef(ID + "place/allemagne")) in g
    # the bad rows: a VAT whose key does not check (kept without SIREN), a PIC that is not a number
    assert {(r.line, r.field) for r in report.rejected} == {(5, "vatNumber"), (6, "organisationID")}


def test_co_participation_is_a_dated_partnership():
    g, _ = load("organization.csv")
    cnrs, ubx = URIRef(ID + "siren/180089013"), URIRef(ID + "siren/130018351")
    facts = [f for f in g.subjects(RDF.type, PHOT.Partnership)
             if {cnrs, ubx} <= set(g.objects(f, PHOT.partner))]
    assert len(facts) == 1
    f = facts[0]
    assert (f, PHOT.startYear, Literal(2023)) in g and (f, PHOT.endYear, Literal(2026)) in g
    assert (f, DCTERMS.isPartOf, URIRef(ID + "cordis/project/900001")) in g
    # the soil project is not photonics: no partnership from it
    assert not [f for f in g.subjects(DCTERMS.isPartOf, URIRef(ID + "cordis/project/900002"))]


def test_vat_key():
    assert siren_from_vat("FR23130018351") == "130018351"
    assert siren_from_vat("FR 40 180089013") == "180089013"
    assert siren_from_vat("FR41180089013") is None
