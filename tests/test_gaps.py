"""Gap queries and functions: hand-worked answers on the fixture graph, thresholds, evidence."""

from __future__ import annotations

import pytest

from photonics_kg.errors import ConfigError
from photonics_kg.graph import gaps as gp
from photonics_kg.queries.library import all_queries, get

ID = "https://w3id.org/photonics-kg/id/"
DOM = ID + "domain/"
NA = ID + "place/nouvelle-aquitaine"
IDF = ID + "place/ile-de-france"
DEFI_DOMAINS = {"telecoms", "sante-et-vivant", "energie-eclairage-affichage", "manufacturing-et-controle",
                "surveillance-securite-spatial", "materiaux-et-technologies-generiques"}


def _local(iri):
    return iri.rsplit("/", 1)[-1]


def test_gap_and_graph_queries_have_headers_and_no_not_exists():
    mine = [q for q in all_queries(("select", "internal")) if q.name.startswith(("gap-", "graph-"))]
    assert len(mine) >= 11
    for q in mine:
        assert q.summary and q.returns, q.name
        code = "\n".join(line.split("#")[0] if line.lstrip().startswith("#") else line for line in q.text.splitlines())
        assert "NOT EXISTS" not in code.upper(), q.name  # the slow form on Oxigraph (DESIGN.md)


def test_coverage_grid_and_counts_by_hand(fixture_store):
    cov = gp.coverage(fixture_store)
    assert {_local(d) for d, *_ in cov.domains} == DEFI_DOMAINS
    assert [r for r, _ in cov.regions] == [IDF, NA]           # sorted by label, accents folded
    # Amplitude and Edit Laser: SMEs active in manufacturing in Nouvelle-Aquitaine; XLIM: lab in telecoms there.
    # Quantel has no place, Route des Lasers and Elopsys no domain, DEFI's training offer no région.
    assert cov.counts == {(DOM + "manufacturing-et-controle", NA): {"firm": 2, "sme": 2},
                          (DOM + "telecoms", NA): {"lab": 1}}
    assert len(cov.cells("firm", "empty")) == 11 and cov.cells("firm", "weak") == [(DOM + "manufacturing-et-controle", NA)]
    assert gp.coverage(fixture_store, thresholds=gp.Thresholds(weak_below=2)).cells("firm", "ok") == [
        (DOM + "manufacturing-et-controle", NA)]


def test_coverage_gaps_by_hand(fixture_store):
    gaps = gp.coverage_gaps(gp.coverage(fixture_store), fixture_store)
    by_domain = {_local(g.subject): g for g in gaps}
    assert set(by_domain) == DEFI_DOMAINS                       # every domain lacks something
    manuf = by_domain["manufacturing-et-controle"]
    assert manuf.detail["status"] == {"firm": "thin", "sme": "thin", "lab": "absent", "cluster": "absent", "training": "absent"}
    assert manuf.detail["cells"]["firm"] == [("Nouvelle-Aquitaine", 2)]
    assert {_local(e) for e in manuf.entities} == {"amplitude-systemes", "edit-laser"}
    assert by_domain["telecoms"].detail["status"]["lab"] == "thin"
    # with a low bar, 2 firms in one cell are enough
    low = gp.coverage_gaps(gp.coverage(fixture_store, thresholds=gp.Thresholds(weak_below=1)))
    assert {c: s for c, s in next(g for g in low if g.subject.endswith("manufacturing-et-controle")).detail["status"].items()
            if s == "ok"} == {"firm": "ok", "sme": "ok"}


def test_labs_without_firm_links_by_hand(fixture_store):
    # XLIM (telecoms) has no tie to a firm; Amplitude's partner WNLO names no domain
    gaps = gp.labs_without_firm_links(fixture_store)
    assert [(_local(g.subject), g.numbers) for g in gaps] == [
        ("telecoms", {"labs": 1, "linked_labs": 0, "firms": 0, "firm_lab_links": 0})]
    assert gp.labs_without_firm_links(fixture_store, thresholds=gp.Thresholds(min_labs=2)) == []


def test_sme_reach_by_hand(fixture_store):
    # both SMEs are members of Route des Lasers...
    assert gp.smes_unreached(fixture_store) == []
    assert [g.numbers["hubs"] for g in gp.smes_unreached(fixture_store, thresholds=gp.Thresholds(max_sme_hubs=1))] == [1, 1]
    # ...which merged into ALPHA-RLH in 2017: as of 2020 no cluster or programme reaches them
    gaps = gp.smes_unreached(fixture_store, year=2020)
    assert sorted(g.label for g in gaps) == ["Amplitude Systèmes", "Edit Laser"]
    assert all(g.detail["region"] == "Nouvelle-Aquitaine" for g in gaps)


def test_domains_without_training_by_hand(fixture_store):
    # DEFI Photonique offers "formation continue" and prioritises telecoms, health, manufacturing
    gaps = gp.domains_without_training(fixture_store)
    assert {_local(g.subject) for g in gaps} == {"energie-eclairage-affichage", "surveillance-securite-spatial",
                                                 "materiaux-et-technologies-generiques"}
    assert len(gp.domains_without_training(fixture_store, thresholds=gp.Thresholds(max_training_offers=1))) == 6


def test_international_links_by_hand(fixture_store):
    links = gp.international_links(fixture_store)
    # Amplitude-WNLO (manufacturing through Amplitude) and Route des Lasers-WNLO (no domain on either end)
    assert [(e["label"], e["links"], [c["label"] for c in e["contacts"]]) for e in links] == [
        ("Manufacturing et Contrôle", 1, ["Amplitude Systèmes"]), (None, 1, ["Route des Lasers"])]
    spoc = gp.single_points_of_contact(fixture_store)
    assert [(g.label, g.detail["contacts"]) for g in spoc] == [
        ("Manufacturing et Contrôle", ["Amplitude Systèmes"]), ("(sans domaine)", ["Route des Lasers"])]
    assert gp.single_points_of_contact(fixture_store, thresholds=gp.Thresholds(max_contacts=0)) == []
    # 2010: only the Route des Lasers agreement (2010) held; Amplitude's (2011) had not started
    assert [e["domain"] for e in gp.international_links(fixture_store, year=2010)] == [None]


def test_clusters_without_research_by_hand(fixture_store):
    # Route des Lasers partners WNLO, XLIM is a member of Elopsys; ALPHA-RLH has no research tie
    assert [g.label for g in gp.clusters_without_research(fixture_store)] == ["ALPHA-RLH"]
    assert [g.label for g in gp.clusters_without_research(fixture_store, year=2020)] == ["ALPHA-RLH"]
    assert len(gp.clusters_without_research(fixture_store, thresholds=gp.Thresholds(max_research_partners=1))) == 3


def test_find_gaps_counts_every_kind(fixture_store):
    report = gp.find_gaps(fixture_store)
    counts = {k: len(report.by_kind(k)) for k in gp.GAP_KINDS}
    assert counts == {"coverage": 6, "labs-without-firms": 1, "sme-unreached": 0, "no-training": 3,
                      "single-contact": 2, "cluster-without-research": 1}
    assert report.count == 13
    assert gp.find_gaps(fixture_store, year=2020).count == 14   # + the two SMEs, - the no-domain link of Route des Lasers


def test_evidence_gives_document_and_quote(fixture_store):
    items = gp.evidence(fixture_store, ID + "cluster/route-des-lasers", predicates=("partnerOf",), limit=1)
    assert items == [{"predicate": "partnerOf", "subject": ID + "cluster/route-des-lasers",
                      "object": ID + "lab/laboratoire-national-d-optoelectronique-de-wuhan",
                      "doc": ID + "document/004_f9f87ba7564bb30f", "title": "Route des Lasers and Wuhan", "url": None,
                      "quote": "Un protocole d’accord a tout d’abord été signé en 2010"}]
    gap = gp.labs_without_firm_links(fixture_store)[0]
    ev = gp.gap_evidence(fixture_store, gap)
    assert ev[0]["predicate"] == "priorityDomain" and ev[0]["title"] == "DEFI Photonique programme description"


def test_thresholds_are_checked():
    with pytest.raises(ConfigError, match="weak_below"):
        gp.Thresholds(weak_below=0)
    with pytest.raises(ConfigError, match="max_contacts"):
        gp.Thresholds(max_contacts=-1)


def test_gap_query_year_parameter_is_bound_not_pasted(fixture_store):
    q = get("gap-sme-reach")
    assert [p.name for p in q.params] == ["year"]
    from photonics_kg.errors import QueryError

    with pytest.raises(QueryError):
        q.bindings({"year": "2020 } DROP ALL"})
