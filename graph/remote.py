"""A remote SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Oxigraph server...) behind the store's interface.

:class:`SparqlEndpointStore` offers what the query library and the analyses use of
:class:`~photonics_kg.graph.store.KGStore` — ``select(text, bindings)``, ``ask``, ``results`` (a
:class:`~photonics_kg.queries.library.Result`), ``named_graphs`` — over the SPARQL 1.1 Protocol,
with SPARQLWrapper as the client. Parameters are bound the same way (a ``VALUES`` row of
serialised terms), and the project's prefixes are declared for the server when a query uses them
without declaring them (the embedded store knows them; a server does not).

The server must answer queries without ``FROM`` over the union of its named graphs, as the
embedded store does: Virtuoso and GraphDB do by default; Fuseki needs ``tdb2:unionDefaultGraph
true``.

:func:`push` loads the store's named graphs into a server through the Graph Store Protocol (HTTP
``PUT`` per graph, then ``POST`` of further chunks) or SPARQL Update (``DROP`` + ``INSERT DATA``).

>>> SparqlEndpointStore("http://127.0.0.1:8890/sparql").endpoint
'http://127.0.0.1:8890/sparql'
"""

from __future__ import annotations

import io
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Callable, Iterable

from rdflib import Graph

from photonics_kg.errors import ConfigError, QueryError, StoreError


class SparqlEndpointStore:
    """A SPARQL 1.1 query endpoint used like the embedded store (read-only)."""

    read_only = True
    path = None

    def __init__(self, endpoint: str, *, user: str | None = None, password: str | None = None,
                 timeout: float = 300, auth: str = "digest"):
        if not urllib.parse.urlparse(endpoint).scheme in ("http", "https"):
            raise ConfigError(f"{endpoint!r} is not an http(s) URL of a SPARQL endpoint")
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.timeout = timeout
        self.auth = auth

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Nothing to release: every request is its own connection."""

    def __repr__(self) -> str:
        return f"SparqlEndpointStore({self.endpoint!r})"

    # -- the store interface ---------------------------------------------------------------
    def _wrapper(self, text: str, return_format: str):
        from SPARQLWrapper import DIGEST, BASIC, POST, SPARQLWrapper, URLENCODED

        sw = SPARQLWrapper(self.endpoint)
        sw.setMethod(POST)
        sw.setRequestMethod(URLENCODED)
        sw.setTimeout(int(self.timeout))
        sw.setQuery(text)
        sw.setReturnFormat(return_format)
        if self.user:
            sw.setHTTPAuth(DIGEST if self.auth == "digest" else BASIC)
            sw.setCredentials(self.user, self.password or "")
        return sw

    def _send(self, text: str, return_format: str) -> bytes:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            response = self._wrapper(text, return_format).query().response
            return response.read()
        except SPARQLWrapperException as exc:
            detail = str(exc).strip().splitlines()
            raise QueryError(f"{self.endpoint} refused the query: {' '.join(detail)[:1500]}") from None
        except urllib.error.HTTPError as exc:
            raise QueryError(f"{self.endpoint} answered HTTP {exc.code}: {exc.read()[:1500].decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL endpoint {self.endpoint}: {reason}") from None

    def results(self, text: str, bindings: dict | None = None):
        """Run a query; a :class:`~photonics_kg.queries.library.Result` of rdflib terms."""
        from SPARQLWrapper import JSON, TURTLE

        from photonics_kg.namespaces import PREFIXES
        from photonics_kg.queries.library import Result, bind_values, query_form, result_from_json, with_prefixes

        form = query_form(text)
        full = with_prefixes(bind_values(text, bindings or {}))
        if form in ("SELECT", "ASK"):
            raw = self._send(full, JSON)
            try:
                data = json.loads(raw.decode("utf-8"))
            except ValueError:
                raise QueryError(f"{self.endpoint} did not answer SPARQL JSON: {raw[:300]!r}") from None
            return result_from_json(data)
        raw = self._send(full, TURTLE)
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True)
        try:
            g.parse(data=raw, format="turtle")
        except Exception as exc:  # rdflib raises many types; all mean "not Turtle"
            raise QueryError(f"{self.endpoint} did not answer Turtle: {exc}") from None
        return Result("graph", graph=g)

    def select(self, text: str, bindings: dict | None = None, *, union: bool = True) -> list[dict]:
        """Rows as dicts of plain Python values (unbound variables absent), like ``KGStore.select``."""
        result = self.results(text, bindings)
        if result.kind != "select":
            raise QueryError("select() needs a SELECT query")
        return result.values()

    def ask(self, text: str, bindings: dict | None = None) -> bool:
        return bool(self.results(text, bindings).boolean)

    def construct(self, text: str, bindings: dict | None = None) -> Graph:
        return self.results(text, bindings).graph

    def named_graphs(self) -> list[str]:
        """The project's named graphs on the server (its own system graphs left out)."""
        from photonics_kg import iri as iris
        from photonics_kg.queries.library import get

        rows = self.select(get("named-graphs").text)
        return sorted(r["g"] for r in rows if r["g"].startswith(iris.GRAPH))


# -- pushing graphs to a server ------------------------------------------------------------------
@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0
    requests: int = 0


def _opener(url: str, user: str | None, password: str | None):
    handlers = []
    if user:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _request(opener, method: str, url: str, body: bytes, content_type: str, timeout: float) -> None:
    req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
    try:
        with opener.open(req, timeout=timeout) as r:
            r.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:800].decode("utf-8", "replace").strip()
        hint = " (check --user/--password)" if exc.code in (401, 403) else ""
        raise StoreError(f"{method} {url} answered HTTP {exc.code}{hint}: {detail}") from None
    except (urllib.error.URLError, socket.timeout, ConnectionError, TimeoutError) as exc:
        raise StoreError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None


def _chunks(triples: list, size: int) -> Iterable[bytes]:
    import pyoxigraph as ox

    for start in range(0, max(len(triples), 1), size):
        buf = io.BytesIO()
        ox.serialize(triples[start:start + size], buf, ox.RdfFormat.N_TRIPLES)
        yield buf.getvalue()


def store_graphs(store, graphs: list[str] | None = None) -> dict[str, list]:
    """The store's named graphs as lists of pyoxigraph triples, by graph IRI."""
    import pyoxigraph as ox

    wanted = set(graphs) if graphs else None
    by_graph: dict[str, list] = {}
    for q in store.quads():
        if not isinstance(q.graph_name, ox.NamedNode):
            continue
        name = q.graph_name.value
        if wanted is not None and name not in wanted:
            continue
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            # chunks are separate requests: a blank node would become several nodes
            raise StoreError(f"graph {name} holds blank nodes, which cannot be pushed in chunks")
        by_graph.setdefault(name, []).append(ox.Triple(q.subject, q.predicate, q.object))
    if wanted is not None and wanted - set(by_graph):
        raise ConfigError(f"no such graph in the store: {', '.join(sorted(wanted - set(by_graph)))}")
    return by_graph


def push(store, url: str, *, protocol: str = "gsp", user: str | None = None, password: str | None = None,
         graphs: list[str] | None = None, chunk: int = 50_000, timeout: float = 600,
         progress: Callable[[str, int], None] | None = None) -> PushReport:
    """Copy the store's named graphs to a server, replacing the graphs of the same names there.

    ``protocol="gsp"``: ``url`` is a Graph Store Protocol endpoint (Virtuoso:
    ``/sparql-graph-crud-auth``; Fuseki: ``/DATASET/data``; GraphDB:
    ``/repositories/REPO/rdf-graphs/service``); each graph is ``PUT`` (its first chunk) then
    ``POST``-ed (the rest) as N-Triples. ``protocol="update"``: ``url`` is a SPARQL Update
    endpoint (Virtuoso: ``/sparql-auth``); each graph is dropped, then filled by ``INSERT DATA``.
    """
    if protocol not in ("gsp", "update"):
        raise ConfigError(f"unknown protocol {protocol!r}; allowed: gsp, update")
    if urllib.parse.urlparse(url).scheme not in ("http", "https"):
        raise ConfigError(f"{url!r} is not an http(s) URL")
    opener = _opener(url, user, password)
    report = PushReport()
    for name, triples in sorted(store_graphs(store, graphs).items()):
        for i, body in enumerate(_chunks(triples, chunk)):
            if protocol == "gsp":
                target = url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"graph": name})
                # text/turtle: every GSP server reads it, and N-Triples is Turtle
                _request(opener, "PUT" if i == 0 else "POST", target, body, "text/turtle; charset=utf-8", timeout)
            else:
                update = (f"DROP SILENT GRAPH <{name}> ;\n" if i == 0 else "") + \
                    f"INSERT DATA {{ GRAPH <{name}> {{\n{body.decode('utf-8')}}} }}"
                _request(opener, "POST", url, urllib.parse.urlencode({"update": update}).encode("ascii"),
                         "application/x-www-form-urlencoded", timeout)
            report.requests += 1
        report.graphs += 1
        report.triples += len(triples)
        if progress is not None:
            progress(name, len(triples))
    return report


def open_source(store_path=None, endpoint: str | None = None, *, user: str | None = None,
                password: str | None = None):
    """The store a read command works on: ``--endpoint URL`` when given, else the embedded store.

    Later analysis commands call this so that they run unchanged against a SPARQL server.
    """
    if endpoint:
        return SparqlEndpointStore(endpoint, user=user, password=password)
    from photonics_kg.cli import open_store

    return open_store(store_path, read_only=True)
