"""The curated table of pôles de compétitivité (phase V)."""

from __future__ import annotations

import csv

import pytest
from rdflib import Literal, URIRef

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.loaders.base import LoadReport, detect
from photonics_kg.loaders.poles import COLUMNS, PolesLoader, bundled_table
from photonics_kg.namespaces import PHOT, RDF


@pytest.fixture(scope="module")
def poles():
    path = bundled_table()
    report = LoadReport(str(path), "poles")
    return PolesLoader().load(path, report)[0].graph, report


def test_table_lists_55_phase_v_poles_and_the_2024_water_poles(poles):
    g, report = poles
    assert report.rows_read == 57
    rows = [r for r in csv.DictReader((ln for ln in bundled_table().read_text(encoding="utf-8").splitlines()
                                       if not ln.startswith("#")), delimiter=";")]
    four_years = [r for r in rows if r["label"] == "4 ans"]
    assert len(four_years) == 47
    assert len([r for r in rows if not r["label"].startswith("2024")]) == 55
    assert all(r["sources"].startswith("http") for r in rows)


def test_same_iris_as_curated_and_photonics_flag(poles):
    g, _ = poles
    alpha = iris.entity_iri("Cluster", "ALPHA-RLH")
    assert (alpha, RDF.type, PHOT.Cluster) in g
    assert (alpha, PHOT.photonicsRelevant, Literal(True)) in g
    assert (alpha, PHOT.locatedIn, iris.entity_iri("Place", "Nouvelle-Aquitaine")) in g
    flagged = set(g.subjects(PHOT.photonicsRelevant, Literal(True)))
    assert flagged == {alpha, iris.entity_iri("Cluster", "Optitec"), iris.entity_iri("Cluster", "Minalogic")}


def test_mergers_are_dated_and_sourced(poles):
    g, _ = poles
    rdl = iris.entity_iri("Cluster", "Route des Lasers")
    alpha = iris.entity_iri("Cluster", "ALPHA-RLH")
    assert (rdl, PHOT.mergedInto, alpha) in g
    facts = [f for f in g.subjects(PHOT.predecessor, rdl) if (f, PHOT.successor, alpha) in g]
    assert len(facts) == 1 and (facts[0], PHOT.startYear, Literal(2017)) in g
    polymeris = iris.entity_iri("Cluster", "Polymeris")
    assert {iris.entity_iri("Cluster", "Plastipolis"), iris.entity_iri("Cluster", "Elastopôle")} <= set(g.subjects(PHOT.mergedInto, polymeris))


def test_unknown_region_is_rejected(tmp_path):
    path = tmp_path / "poles.csv"
    path.write_text(";".join(COLUMNS) + "\nTest;;Aquitaine;optique;4 ans;yes;;;;https://example.org/a\n", encoding="utf-8")
    assert detect(path).name == "poles"
    with pytest.raises(SourceError, match="Aquitaine"):
        PolesLoader().load(path, LoadReport(str(path), "poles"))
