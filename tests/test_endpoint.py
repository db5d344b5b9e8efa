"""``photonics-kg serve``: the SPARQL 1.1 Protocol endpoint, tested over loopback with SPARQLWrapper
(a real client) and plain HTTP requests for what clients hide (headers, status codes)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from photonics_kg.queries.library import comparable_rows, get, result_from_json, run

FIXTURE = Path(__file__).parent / "data" / "fixture.yaml"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    path = tmp_path_factory.mktemp("endpoint") / "store"
    with KGStore(path) as store:
        build(store, [str(FIXTURE), str(FIXTURE.with_name("fixture-queries.yaml"))], log=lambda m: None, progress=False)
    return path


def _start(config):
    from photonics_kg.endpoint import make_server

    server = make_server(config, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def endpoint(store_dir):
    from photonics_kg.endpoint import EndpointConfig

    # the fixture store's union holds ~1,350 quads: a result limit of 500 lets us test refusal
    # a generous time limit: the machine may be loaded; the limit itself is tested below with 1 s
    server, base = _start(EndpointConfig(store_dir, timeout=30, result_limit=500, workers=2))
    yield base
    server.shutdown()
    server.server_close()


def http(url, data=None, headers=None, method=None):
    """(status, headers, body) of a request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def client(base, query, fmt=JSON, method=None):
    from photonics_kg.queries.library import query_form

    sw = SPARQLWrapper(base + "/sparql")
    sw.setQuery(query)
    # SPARQLWrapper guesses the form with a regex that reads words of comments ("add", "load")
    # as update keywords and would send the query as update=; state the form we parsed
    sw.queryType = query_form(query)
    sw.setReturnFormat(fmt)
    if method == "post":
        sw.setMethod(POST)
    elif method == "direct":
        sw.setMethod(POST)
        sw.setRequestMethod(POSTDIRECTLY)
    return sw


@pytest.mark.parametrize("method", [None, "post", "direct"])
def test_sparqlwrapper_gets_the_same_answers_as_the_library(endpoint, query_fixture_store, method):
    q = get("organisations")
    text = q.text.replace("WHERE {", "WHERE { VALUES ?type { phot:Cluster }", 1)
    data = client(endpoint, text, method=method).query().convert()
    assert comparable_rows(result_from_json(data)) == comparable_rows(run(q, query_fixture_store, {"type": "phot:Cluster"}))
    assert len(data["results"]["bindings"]) == 3


def test_every_library_query_answers_as_embedded(endpoint, query_fixture_store):
    for q in [q for q in get_all() if q.form == "SELECT"]:
        data = client(endpoint, q.text.replace("WHERE {", "WHERE { " + _values(q), 1) if q.params else q.text,
                      method="post").query().convert()
        assert comparable_rows(result_from_json(data)) == comparable_rows(run(q, query_fixture_store)), q.name


def get_all():
    from photonics_kg.queries.library import all_queries

    return all_queries(("select", "checks"))


def _values(q):
    from photonics_kg.queries.library import term_to_sparql

    return "".join(f" VALUES ?{n} {{ {term_to_sparql(t)} }}" for n, t in sorted(q.bindings({}).items()))


@pytest.mark.parametrize("fmt,ctype,check", [
    (XML, "application/sparql-results+xml", lambda b: b"<sparql" in b and b"<uri>" in b),
    (CSV, "text/csv", lambda b: b.startswith(b"sponsor,sponsorLabel")),
    (TSV, "text/tab-separated-values", lambda b: b.startswith(b"?sponsor\t?sponsorLabel") and b'"Thales"@fr' in b),
    (JSON, "application/sparql-results+json", lambda b: json.loads(b)["head"]["vars"][0] == "sponsor"),
])
def test_select_formats_by_accept(endpoint, fmt, ctype, check):
    response = client(endpoint, get("sponsors").text, fmt).query()
    assert response.info()["content-type"].startswith(ctype)
    assert check(response.response.read())


@pytest.mark.parametrize("accept,ctype,check", [
    ("text/turtle", "text/turtle", lambda b: b"partnerOf" in b),
    ("application/ld+json", "application/ld+json", lambda b: isinstance(json.loads(b), list)),
    ("application/n-triples", "application/n-triples", lambda b: len(b.strip().splitlines()) == 18),
])
def test_construct_formats_by_accept(endpoint, accept, ctype, check):
    url = endpoint + "/sparql?" + urllib.parse.urlencode({"query": get("partnership-network").text})
    status, headers, body = http(url, headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    assert check(body)


def test_construct_through_sparqlwrapper(endpoint):
    from rdflib import Graph

    body = client(endpoint, get("partnership-network").text, TURTLE).query().convert()
    assert len(Graph().parse(data=body, format="turtle")) == 18


def test_accept_with_q_values_and_format_parameter(endpoint):
    q = urllib.parse.quote("ASK { ?s a phot:Firm }")
    status, headers, body = http(f"{endpoint}/sparql?query={q}", headers={
        "Accept": "text/csv;q=0.2, application/sparql-results+xml;q=0.9"})
    assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+xml")
    assert b"<boolean>true</boolean>" in body
    status, headers, body = http(f"{endpoint}/sparql?query={q}&format=json")
    assert json.loads(body) == {"head": {}, "boolean": True}
    status, _, body = http(f"{endpoint}/sparql?query={q}", headers={"Accept": "image/png"})
    assert status == 406 and b"text/csv" in body


def test_updates_are_refused_and_change_nothing(endpoint):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = client(endpoint, count).query().convert()["results"]["bindings"][0]["n"]["value"]
    update = "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"
    sw = client(endpoint, update, method="post")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)):
        sw.query()                                   # SPARQLWrapper sends it as update=...
    status, _, body = http(endpoint + "/sparql", data=update.encode(), method="POST",
                           headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and b"read-only" in body
    status, _, body = http(endpoint + "/sparql", data=urllib.parse.urlencode({"update": "DROP ALL"}).encode())
    assert status == 403
    status, _, body = http(endpoint + "/sparql", data=urllib.parse.urlencode({"query": "DROP ALL"}).encode())
    assert status == 403 and b"update" in body
    status, _, _ = http(endpoint + "/sparql", data=b"x", method="PUT")
    assert status == 405
    after = client(endpoint, count).query().convert()["results"]["bindings"][0]["n"]["value"]
    assert before == after


def test_cors(endpoint):
    q = urllib.parse.quote("ASK {}")
    status, headers, _ = http(f"{endpoint}/sparql?query={q}", headers={"Origin": "https://example.org"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = http(endpoint + "/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in headers["Access-Control-Allow-Headers"]
    status, headers, _ = http(endpoint + "/sparql", data=b"x", method="PUT")
    assert headers["Access-Control-Allow-Origin"] == "*"   # errors carry CORS too, so browsers can read them


def test_service_description(endpoint):
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import RDF

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    status, headers, body = http(endpoint + "/sparql", headers={"Accept": "text/turtle"})
    assert status == 200
    g = Graph().parse(data=body, format="turtle")
    service = URIRef(endpoint + "/sparql")
    assert (service, RDF.type, sd.Service) in g
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (service, sd.feature, sd.UnionDefaultGraph) in g
    assert (service, sd.feature, sd.BasicFederatedQuery) not in g
    names = {str(n) for n in g.objects(None, sd.name)}
    assert "https://w3id.org/photonics-kg/graph/curated/fixture" in names
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_CSV") in set(g.objects(service, sd.resultFormat))


def test_query_page_and_its_assets_ship_with_the_package(endpoint):
    status, headers, body = http(endpoint + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"<textarea" in body and b"/static/app.js" in body
    status, _, js = http(endpoint + "/static/app.js")
    assert status == 200 and b"/queries.json" in js
    status, _, _ = http(endpoint + "/static/app.css")
    assert status == 200
    # a browser asking /sparql for HTML gets the page, not the service description
    status, headers, _ = http(endpoint + "/sparql", headers={"Accept": "text/html,application/xhtml+xml"})
    assert headers["Content-Type"].startswith("text/html")
    # nothing is fetched from elsewhere at run time
    from importlib import resources

    for f in resources.files("photonics_kg").joinpath("static").iterdir():
        text = f.read_text(encoding="utf-8")
        assert "src=\"http" not in text and "href=\"http" not in text and "cdn" not in text.lower(), f.name
    status, _, _ = http(endpoint + "/static/../endpoint.py")
    assert status == 404


def test_named_queries_with_parameters(endpoint):
    status, _, body = http(endpoint + "/queries.json")
    library = json.loads(body)
    assert {"name": "year", "type": "integer", "default": "2016", "doc": "the year"} in \
        next(q for q in library if q["name"] == "organisations-as-of")["params"]
    status, _, body = http(endpoint + "/queries/lineage?org=id:cluster/alpha-rlh&format=json")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2
    status, _, body = http(endpoint + "/queries/lineage?typo=1")
    assert status == 400 and b"its parameters: org, year" in body
    status, _, body = http(endpoint + "/queries/find-organisation?" + urllib.parse.urlencode(
        {"name": 'laser" } UNION { ?org ?p ?matched } #'}), headers={"Accept": "application/sparql-results+json"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, _ = http(endpoint + "/queries/siren-violation")
    assert status == 404


def test_result_limit_refuses_instead_of_truncating(endpoint):
    sw = client(endpoint, "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(SPARQLWrapperException, match="more than 500 rows"):
        sw.query()
    data = client(endpoint, "SELECT * WHERE { ?s ?p ?o } LIMIT 500").query().convert()
    assert len(data["results"]["bindings"]) == 500
    status, _, body = http(endpoint + "/sparql?" + urllib.parse.urlencode({"query": "CONSTRUCT WHERE { ?s ?p ?o }"}))
    assert status == 400 and b"more than 500 triples" in body


def test_service_is_disabled(endpoint):
    status, _, body = http(endpoint + "/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"}))
    assert status == 400 and b"SERVICE" in body and b"--allow-service" in body


def test_syntax_error_is_a_400(endpoint):
    status, _, body = http(endpoint + "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x"}))
    assert status == 400 and b"syntax error" in body.lower()


def test_time_limit_stops_a_runaway_query_and_the_endpoint_recovers(store_dir):
    from photonics_kg.endpoint import EndpointConfig

    server, base = _start(EndpointConfig(store_dir, timeout=1, workers=1))
    try:
        cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~2.5e9 solutions
        started = time.monotonic()
        status, _, body = http(base + "/sparql?" + urllib.parse.urlencode({"query": cross}))
        elapsed = time.monotonic() - started
        assert status == 503 and b"time limit of 1 s" in body
        assert elapsed < 10
        data = client(base, "ASK { ?s a phot:Firm }").query().convert()   # a fresh worker answers
        assert data["boolean"] is True
    finally:
        server.shutdown()
        server.server_close()


def test_default_graph_uri_selects_a_graph(endpoint):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a phot:Firm }"
    fixture = "https://w3id.org/photonics-kg/graph/curated/fixture"
    derived = "https://w3id.org/photonics-kg/graph/derived/in-region"
    n = lambda g: json.loads(http(endpoint + "/sparql?" + urllib.parse.urlencode(
        {"query": q, "default-graph-uri": g}), headers={"Accept": "application/json"})[2])["results"]["bindings"][0]["n"]["value"]
    assert n(fixture) == "6" and n(derived) == "0"


def test_serve_command_refuses_a_missing_store(cli, tmp_path):
    result = cli("serve", "--store", tmp_path / "none", "--port", "0")
    assert result.exit_code == 2 and "run 'photonics-kg build' first" in result.output
