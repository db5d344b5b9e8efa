"""The curated YAML loader: what it writes, and how it reports bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from photonics_kg.errors import SourceError
from photonics_kg.loaders.base import LoadReport
from photonics_kg.loaders.curated import CuratedLoader, luhn_ok
from photonics_kg.namespaces import DOM, OA, PHOT, RDF, RDFS, SCHEMA, SKOS

from conftest import FIXTURE_YAML

ID = "https://w3id.org/photonics-kg/id/"
GOOD = """\
meta: {title: t, sample: true}
sources:
  s1: {title: "DEFI", document: "000_4051245278577af9.txt"}
entities:
  - {key: cnop, type: Association, label: CNOP, sources: [s1]}
  - {key: defi, type: Programme, label: DEFI Photonique, sources: [s1]}
facts:
  - {s: cnop, p: ownerOf, o: defi, role: maitre-d-ouvrage, source: s1, quote: "porté par le CNOP"}
"""


def _load(tmp_path: Path, text: str, name="facts.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = LoadReport(source=str(path), loader="curated")
    return CuratedLoader().load(path, report), report


def test_fixture_writes_entities_relations_facts_and_evidence():
    report = LoadReport(source="fixture", loader="curated")
    [loaded] = CuratedLoader().load(FIXTURE_YAML, report)
    g = loaded.graph
    cnop, defi = URIRef(ID + "association/cnop"), URIRef(ID + "programme/defi-photonique")
    assert (cnop, RDF.type, PHOT.Association) in g
    assert (cnop, SKOS.altLabel, Literal("Comité National d’Optique et de Photonique")) in g
    assert (cnop, PHOT.ownerOf, defi) in g
    ownership = [f for f in g.subjects(RDF.type, PHOT.Ownership) if (f, PHOT.owner, cnop) in g]
    assert len(ownership) == 1 and (ownership[0], PHOT.role, PHOT.MaitreDOuvrage) in g
    assert (ownership[0], PHOT.owned, defi) in g
    # the 2010 agreement is a dated partnership between the cluster and the Wuhan lab
    partnerships = [p for p in g.subjects(RDF.type, PHOT.Partnership) if (p, PHOT.startYear, Literal(2010)) in g]
    assert len(partnerships) == 1
    assert set(g.objects(partnerships[0], PHOT.partner)) == {URIRef(ID + "cluster/route-des-lasers"),
                                                             URIRef(ID + "lab/laboratoire-national-d-optoelectronique-de-wuhan")}
    # the priority domain meets the SKOS scheme's IRI
    assert (defi, PHOT.priorityDomain, DOM["telecoms"]) in g
    # evidence: the statement, its document and its quote
    [ev] = [e for e in g.subjects(RDF.predicate, PHOT.ownerOf) if (e, RDF.subject, cnop) in g]
    assert (ev, RDF.subject, cnop) in g and (ev, RDF.object, defi) in g
    target = g.value(ev, OA.hasTarget)
    quote = g.value(target, OA.hasSelector)
    assert g.value(quote, OA.exact) == Literal("porté par le CNOP")
    assert (URIRef(ID + "place/pessac"), SCHEMA.containedInPlace, URIRef(ID + "place/gironde")) in g
    assert (URIRef(ID + "cluster/route-des-lasers"), PHOT.foundingYear, Literal(2004)) in g
    assert loaded.sample is True


def test_offer_is_a_training_offer(tmp_path):
    [loaded], _ = _load(tmp_path, GOOD + '  - {s: defi, p: offers, o: "Une offre de formation continue", source: s1}\n')
    offers = list(loaded.graph.objects(URIRef(ID + "programme/defi-photonique"), PHOT.offers))
    assert len(offers) == 1 and (offers[0], RDF.type, PHOT.TrainingOffer) in loaded.graph


@pytest.mark.parametrize("bad, line, field, words", [
    ("  - {s: cnop, p: owns, o: defi, source: s1}\n", 9, "facts[1].p", "unknown relation 'owns'"),
    ("  - {s: nobody, p: ownerOf, o: defi, source: s1}\n", 9, "facts[1].s", "not declared"),
    ("  - {s: cnop, p: ownerOf, o: defi, source: s9}\n", 9, "facts[1].source", "a key of sources"),
    ("  - {s: cnop, p: partnerOf, o: defi, date: '2010-13-01', source: s1}\n", 9, "facts[1].date", "month must be"),
    ("  - {s: cnop, p: partnerOf, o: defi, date: '2012', end: '2010', source: s1}\n", 9, "facts[1].end", "end is before date"),
    ("  - {s: cnop, p: ownerOf, o: defi, role: boss, source: s1}\n", 9, "facts[1].role", "unknown role 'boss'"),
    ("  - {s: cnop, p: ownerOf, o: defi, share: 1.5, source: s1}\n", 9, "facts[1].share", "between 0 and 1"),
    ("  - {s: cnop, p: createdIn, o: 'long ago', source: s1}\n", 9, "facts[1].o", "is not a date"),
])
def test_bad_fact_names_line_field_and_reason(tmp_path, bad, line, field, words):
    with pytest.raises(SourceError) as err:
        _load(tmp_path, GOOD + bad)
    text = str(err.value)
    assert f"facts.yaml:{line}: {field}:" in text and words in text
    assert "nothing was loaded" in text


@pytest.mark.parametrize("entity, field, words", [
    ("{key: acme, type: Company, label: Acme, sources: [s1]}", "entities[acme].type", "unknown type 'Company'"),
    ("{key: acme, type: Firm, label: Acme, identifiers: {siren: '123456789'}, sources: [s1]}",
     "entities[acme].identifiers.siren", "Luhn"),
    ("{key: acme, type: Firm, label: Acme, identifiers: {siren: '12345'}, sources: [s1]}",
     "entities[acme].identifiers.siren", "not 9 digits"),
    ("{key: acme, type: Firm, label: Acme, identifiers: {duns: '1'}, sources: [s1]}",
     "entities[acme].identifiers.duns", "unknown identifier"),
    ("{key: acme, type: Firm, label: Acme}", "entities[acme].sources", "required"),
    ("{key: Acme Inc, type: Firm, label: Acme, sources: [s1]}", "entities[2].key", "[a-z0-9-]+"),
    ("{key: cnop, type: Firm, label: Acme, sources: [s1]}", "entities[cnop].key", "declared twice"),
])
def test_bad_entity_is_reported(tmp_path, entity, field, words):
    text = GOOD.replace("facts:\n", f"  - {entity}\nfacts:\n")
    with pytest.raises(SourceError) as err:
        _load(tmp_path, text)
    assert field in str(err.value) and words in str(err.value)


def test_several_problems_are_reported_together(tmp_path):
    text = GOOD + "  - {s: cnop, p: owns, o: defi, source: s1}\n  - {s: x, p: ownerOf, o: defi, source: s1}\n"
    with pytest.raises(SourceError) as err:
        _load(tmp_path, text)
    assert "2 problem(s)" in str(err.value) and ":9: facts[1].p" in str(err.value) and ":10: facts[2].s" in str(err.value)


@pytest.mark.parametrize("content, words", [
    ("meta: [unclosed\n", "not valid YAML"),
    ("", "empty"),
    ("- just\n- a list\n", "YAML mapping"),
    ("meta: {title: t}\nsources: {s1: {title: x, url: 'https://e.org'}}\n", "meta.sample"),
])
def test_malformed_files(tmp_path, content, words):
    with pytest.raises(SourceError, match=words.replace("[", r"\[")):
        _load(tmp_path, content)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\x00\x01\x02PNG\x00")
    with pytest.raises(SourceError, match="binary"):
        CuratedLoader().load(path, LoadReport(source="x", loader="curated"))


def test_cp1252_file_is_read(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(GOOD.replace("DEFI Photonique", "Défi Photonique").encode("cp1252"))
    [loaded] = CuratedLoader().load(path, LoadReport(source="x", loader="curated"))
    assert (URIRef(ID + "programme/defi-photonique"), RDFS.label, Literal("Défi Photonique", lang="fr")) in loaded.graph


def test_luhn():
    assert luhn_ok("552081317")  # EDF's SIREN, a well-known valid number
    assert not luhn_ok("552081318")
