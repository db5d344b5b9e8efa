"""Geography: INSEE code prefixes, the bundled département/région table, and places' IRIs."""

from __future__ import annotations

from rdflib import URIRef

from photonics_kg import iri as iris
from photonics_kg.facts import FactWriter
from photonics_kg.loaders.base import LoadReport, detect
from photonics_kg.loaders.geography import (GeographyLoader, bundled_table, commune_label, departement_of_commune,
                                            departement_of_postcode, geography)
from photonics_kg.namespaces import PHOT, RDF, SCHEMA


def test_table_has_101_departements_and_18_regions():
    geo = geography()
    assert len(geo.departements) == 101
    assert len(geo.regions()) == 18
    assert geo.region_of("87") == ("75", "Nouvelle-Aquitaine")
    assert geo.region_of("2B") == ("94", "Corse")


def test_prefix_rules():
    assert departement_of_commune("2B033") == "2B"
    assert departement_of_commune("98727") is None        # French Polynesia: outside the table
    assert departement_of_commune("97611") == "976"
    assert departement_of_postcode("20090") == "2A"
    assert departement_of_postcode("97400") == "974"
    assert departement_of_postcode("A1090") is None


def test_places_use_the_curated_iris():
    w = FactWriter(label_lang=None)
    node = geography().commune(w, "PESSAC", "33", "33318")
    assert node == URIRef("https://w3id.org/photonics-kg/id/place/commune/33/pessac")
    gironde = iris.entity_iri("Place", "Gironde")
    region = iris.entity_iri("Place", "Nouvelle-Aquitaine")
    france = iris.entity_iri("Place", "France")
    assert (node, SCHEMA.containedInPlace, gironde) in w.graph
    assert (gironde, SCHEMA.containedInPlace, region) in w.graph
    assert (region, SCHEMA.containedInPlace, france) in w.graph
    assert (region, RDF.type, PHOT.Region) in w.graph


def test_overseas_region_and_departement_share_one_node_with_one_code():
    w = FactWriter(label_lang=None)
    node = geography().departement(w, "974")
    assert node == iris.entity_iri("Place", "La Réunion")
    assert {str(o) for o in w.graph.objects(node, PHOT.inseeCode)} == {"974"}
    assert (node, SCHEMA.containedInPlace, node) not in w.graph


def test_commune_labels():
    assert commune_label("NANTES CEDEX 3") == "Nantes"
    assert commune_label("MARSEILLE 4", "13204") == "Marseille"
    assert commune_label("TOURS-EN-VIMEU") == "Tours-en-Vimeu"


def test_geography_loader_with_former_regions():
    path = bundled_table()
    assert detect(path).name == "geography"
    report = LoadReport(str(path), "geography")
    g = GeographyLoader().load(path, report)[0].graph
    aquitaine = iris.entity_iri("Place", "Aquitaine")
    assert (aquitaine, RDF.type, PHOT.FormerRegion) in g
    assert (aquitaine, SCHEMA.containedInPlace, iris.entity_iri("Place", "Nouvelle-Aquitaine")) in g
    assert len(set(g.subjects(RDF.type, PHOT.Department))) == 101
