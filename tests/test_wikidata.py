"""Wikidata enrichment against a LOCAL SPARQL endpoint serving a small fixture (never the real one)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from photonics_kg.graph.build import build
from photonics_kg.graph.wikidata import enrich
from photonics_kg.loaders.base import LoadReport
from photonics_kg.loaders.wikidata import WikidataLoader
from photonics_kg.namespaces import OWL, PHOT, SCHEMA, SKOS

from registries_servers import serve, sparql_handler

DATA = Path(__file__).parent / "data" / "registries"
CNRS = URIRef("https://w3id.org/photonics-kg/id/siren/180089013")


def endpoint_store() -> ox.Store:
    s = ox.Store()
    s.load(path=str(DATA / "wikidata" / "fixture.ttl"), format=ox.RdfFormat.TURTLE)
    return s


def test_enrich_caches_and_rebuilds_offline(fresh_store, tmp_path):
    build(fresh_store, [str(DATA / "cordis" / "organization.csv")], log=lambda m: None, progress=False)
    calls: list[str] = []
    cache, out = tmp_path / "cache", tmp_path / "wikidata-enrichment.json"
    with serve(sparql_handler(endpoint_store(), calls)) as (url, _server):
        counts = enrich(fresh_store, out, endpoint=url + "/sparql", cache=cache, batch=2)
    assert calls and all("VALUES (?prop ?id)" in q for q in calls)
    assert counts["identifiers"] >= 2 and counts["items"] == 1
    data = json.loads(out.read_text())
    assert data["items"][0]["qid"] == "Q280413" and data["items"][0]["kind"] == "siren"
    # offline: the same answers from the cache, no endpoint at all
    out2 = tmp_path / "again.json"
    counts2 = enrich(fresh_store, out2, endpoint="http://127.0.0.1:9/none", cache=cache, batch=2, offline=True)
    assert counts2 == counts and json.loads(out2.read_text())["items"] == data["items"]


def test_enrichment_file_loads_as_links(fresh_store, tmp_path):
    build(fresh_store, [str(DATA / "cordis" / "organization.csv")], log=lambda m: None, progress=False)
    out = tmp_path / "wikidata-enrichment.json"
    with serve(sparql_handler(endpoint_store(), [])) as (url, _):
        enrich(fresh_store, out, endpoint=url + "/sparql", cache=tmp_path / "c")
    report = LoadReport(str(out), "wikidata")
    g = WikidataLoader().load(out, report)[0].graph
    assert (CNRS, PHOT.wikidata, Literal("Q280413")) in g
    assert (CNRS, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q280413")) in g
    assert (CNRS, SKOS.altLabel, Literal("French National Centre for Scientific Research", lang="en")) in g
    assert (CNRS, SCHEMA.foundingDate, Literal("1939-10-19", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))) in g


def test_cli_enrich_wikidata(cli, tmp_path):
    store = tmp_path / "store"
    assert cli("build", DATA / "cordis" / "organization.csv", "--store", store, "-q").exit_code == 0
    with serve(sparql_handler(endpoint_store(), [])) as (url, _):
        result = cli("enrich", "wikidata", "--endpoint", url + "/sparql", "--cache", tmp_path / "cache", "--store", store)
    assert result.exit_code == 0, result.output
    assert "1 Wikidata answer(s)" in result.output
    result = cli("enrich", "wikidata", "--offline", "--cache", tmp_path / "cache", "--store", store)
    assert result.exit_code == 0 and "1 Wikidata answer(s)" in result.output
