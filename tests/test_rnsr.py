"""The RNSR loader on the full export: structures, tutelles, parents, lineage, domains, panels."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from photonics_kg.config import package_file
from photonics_kg.graph.build import build
from photonics_kg.graph.store import KGStore
from photonics_kg.loaders.base import LoadReport, detect
from photonics_kg.loaders.rnsr import RnsrLoader, photonics_relevant, split_cell
from photonics_kg.namespaces import ORG, PHOT, RDF, SKOS

from conftest import shared_path

ID = "https://w3id.org/photonics-kg/id/"
EXPORT = ("data", "rnsr", "fr-esr-structures-recherche-publiques-actives_2022_dataesr.csv")


@pytest.fixture(scope="module")
def rnsr_graph():
    path = shared_path(*EXPORT)
    report = LoadReport(str(path), "rnsr")
    graphs = RnsrLoader().load(path, report, progress=False)
    return graphs[0].graph, report


def test_full_export_loads_at_least_4500_structures(rnsr_graph):
    g, report = rnsr_graph
    assert report.rows_read == 4506
    structures = {s for s in g.subjects(PHOT.rnsr, None)}
    with_label = {s for s in structures if (s, RDF.type, PHOT.ResearchLab) in g}
    assert len(with_label) >= 4500
    # every row of the export is a structure with a name
    assert len({s for s in g.subjects(URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"), None)}) == 4506


def test_tutelles_link_to_sirene_iris(rnsr_graph):
    g, _ = rnsr_graph
    gem = URIRef(ID + "rnsr/200412238P")  # GeM, Nantes: ECN, CNRS, Nantes Université
    owners = set(g.subjects(PHOT.ownerOf, gem))
    assert URIRef(ID + "siren/180089013") in owners         # CNRS, SIRET 18008901303720
    assert URIRef(ID + "siren/194401006") in owners         # École Centrale de Nantes
    assert (URIRef(ID + "siren/180089013"), RDF.type, PHOT.PublicBody) in g
    assert (URIRef(ID + "siren/180089013"), ORG.hasSite, URIRef(ID + "siret/18008901303720")) in g
    facts = [f for f in g.subjects(PHOT.owned, gem) if (f, PHOT.role, PHOT.Tutelle) in g]
    assert len(facts) == 3


def test_participants_are_partners_not_tutelles(rnsr_graph):
    g, _ = rnsr_graph
    fed = URIRef(ID + "rnsr/200810693T")  # the first row: 3 tutelles, 3 participating établissements
    assert len(set(g.subjects(PHOT.ownerOf, fed))) == 3
    assert len(set(g.objects(fed, PHOT.partnerOf)) | set(g.subjects(PHOT.partnerOf, fed))) == 3


def test_lineage_is_dated_successions(rnsr_graph):
    g, _ = rnsr_graph
    gem = URIRef(ID + "rnsr/200412238P")
    facts = set(g.subjects(PHOT.successor, gem))
    assert len(facts) == 3
    for f in facts:
        assert (f, RDF.type, PHOT.Merger) in g
        assert (f, PHOT.startYear, Literal(2004)) in g
    assert (URIRef(ID + "rnsr/200015981A"), PHOT.mergedInto, gem) in g
    kinds = {o for f in g.subjects(RDF.type, PHOT.Succession) for o in g.objects(f, RDF.type)}
    assert {PHOT.Merger, PHOT.Split, PHOT.Renaming, PHOT.Absorption} <= kinds


def test_parents_domains_and_panels(rnsr_graph):
    g, _ = rnsr_graph
    assert len(set(g.subject_objects(ORG.subOrganizationOf))) > 1500
    gem = URIRef(ID + "rnsr/200412238P")
    domains = {str(g.value(d, SKOS.notation)) for d in g.objects(gem, PHOT.activeIn)}
    assert "rnsr-8" in domains
    assert (URIRef(ID + "rnsr-domain/8"), SKOS.inScheme, URIRef(ID + "rnsr-domain/")) in g
    panels = {s for s in g.subjects(SKOS.inScheme, URIRef(ID + "erc/"))}
    assert len(panels) > 20


def test_photonics_filter(rnsr_graph):
    g, _ = rnsr_graph
    flagged = set(g.subjects(PHOT.photonicsRelevant, Literal(True)))
    assert 40 <= len(flagged) <= 200
    assert URIRef(ID + "rnsr/201220195D") in flagged            # XLIM
    assert not photonics_relevant("Lumières et romantismes", "", "")
    assert not photonics_relevant("Laboratoire interdisciplinaire Solidarités, Sociétés, Territoires", "LISST", "")


def test_rejects_misaligned_and_bad_rows(tmp_path):
    src = shared_path(*EXPORT)
    lines = src.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:4]
    rows[1] = rows[1].replace("200412238P", "20041223", 1)                                  # bad RNSR number
    rows[2] = rows[2].replace('"19290346600014;', '"19290346600014;33071536800032;', 1)      # one SIRET too many
    path = tmp_path / "rnsr-bad.csv"
    path.write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    report = LoadReport(str(path), "rnsr")
    RnsrLoader().load(path, report, progress=False)
    fields = {(r.line, r.field) for r in report.rejected}
    assert (3, "numero_national_de_structure") in fields
    assert any(line == 4 for line, _ in fields)


def test_json_api_record():
    path = shared_path("data", "rnsr", "rnsr_api_v21_sample_record_UnivPoitiers.json")
    assert detect(path).name == "rnsr"
    report = LoadReport(str(path), "rnsr")
    g = RnsrLoader().load(path, report)[0].graph
    lab = URIRef(ID + "rnsr/199814145N")
    assert (URIRef(ID + "siren/198608564"), PHOT.ownerOf, lab) in g
    assert split_cell(["a", None]) == ["a", ""]


@pytest.mark.slow
def test_full_export_validates(tmp_path):
    """The quality bar: the full export, with the SIRENE samples, conforms to the SHACL shapes."""
    if not package_file("ontology", "shapes.ttl").is_file():
        pytest.skip("ontology/shapes.ttl is not in this checkout")
    from photonics_kg.graph.validate import validate_store

    store = KGStore()
    build(store, [str(shared_path(*EXPORT)), str(shared_path("data", "sirene", "api_sirene_3.11", "siret_39860733300059.json"))],
          log=lambda m: None, progress=False)
    report = validate_store(store)
    assert report.shapes_run > 5
    assert report.conforms, [v.__dict__ for v in report.violations[:10]]
