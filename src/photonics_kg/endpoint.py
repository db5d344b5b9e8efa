"""``photonics-kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the embedded store.

- ``GET /sparql?query=...``, ``POST /sparql`` (form ``query=...`` or ``application/sparql-query``);
  SELECT/ASK results as SPARQL JSON, XML, CSV or TSV and CONSTRUCT/DESCRIBE as Turtle, N-Triples
  or JSON-LD, chosen by ``Accept`` (or ``format=json|xml|csv|tsv|ttl|nt|jsonld``).
- Read-only: the store is opened read-only, and update requests are refused (403).
- A time limit per query and a result limit: queries run in worker processes that each hold the
  store open read-only; a query over its time limit is stopped by killing its worker (a thread
  cannot be interrupted inside Oxigraph), and a result over the limit is refused with a message,
  never truncated silently.
- ``SERVICE`` (federated queries to other endpoints) is refused unless enabled.
- CORS headers, so that browser clients on other origins can query it.
- ``GET /sparql`` without a query: the service description (SPARQL 1.1 Service Description).
- ``GET /``: a query page for people (editor, the named queries as examples, a result table); its
  assets ship in the package (``photonics_kg/static``), nothing is fetched from a CDN.
- ``GET /queries.json``: the query library; ``GET /queries/NAME?param=value``: a named query with
  its parameters bound safely.

The server is the standard library's ``ThreadingHTTPServer``: no dependency, enough for a
research group's endpoint on a workstation; put a reverse proxy in front for anything public.
"""

from __future__ import annotations

import io
import itertools
import json
import multiprocessing
import os
import queue
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from photonics_kg import __version__

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"

#: result formats of SELECT and ASK: name -> (media type, W3C format IRI)
RESULT_TYPES = {
    "json": ("application/sparql-results+json", "SPARQL_Results_JSON"),
    "xml": ("application/sparql-results+xml", "SPARQL_Results_XML"),
    "csv": ("text/csv; charset=utf-8", "SPARQL_Results_CSV"),
    "tsv": ("text/tab-separated-values; charset=utf-8", "SPARQL_Results_TSV"),
}
#: formats of CONSTRUCT and DESCRIBE results
GRAPH_TYPES = {
    "ttl": ("text/turtle; charset=utf-8", "Turtle"),
    "nt": ("application/n-triples", "N-Triples"),
    "jsonld": ("application/ld+json", "JSON-LD"),
}
_ACCEPT_RESULTS = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
_ACCEPT_GRAPH = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld",
}


@dataclass
class EndpointConfig:
    store_path: Path
    timeout: float = 30.0             #: seconds per query
    result_limit: int = 100_000       #: rows (SELECT) or triples (CONSTRUCT, DESCRIBE)
    allow_service: bool = False
    workers: int = 2
    max_body: int = 1_000_000         #: bytes of a POST body
    cors_origin: str = "*"


class EndpointError(Exception):
    """An HTTP error answer: status and a plain-text message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# -- the worker processes ------------------------------------------------------------------------
def _worker_main(store_path: str, conn) -> None:  # pragma: no cover - runs in a child process
    """Serve queries from ``conn`` until it closes: (text, fmt, limit, dataset) -> (status, type, body)."""
    import pyoxigraph as ox

    from photonics_kg.graph.storedir import StoreDir, open_read_only
    from photonics_kg.namespaces import PREFIXES

    store, lease = open_read_only(store_path)      # the published generation, leased
    conn.send(("ready", None, None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        text, fmt, limit, dataset = job
        if StoreDir(store_path).published_name() != lease.name:
            # a build published a newer generation: move to it between two queries
            old = lease
            store, lease = open_read_only(store_path)
            old.release()
        try:
            conn.send(_execute(store, PREFIXES, text, fmt, limit, dataset))
        except Exception as exc:  # noqa: BLE001 - every failure becomes an HTTP answer
            conn.send((500, "text/plain; charset=utf-8", f"query failed: {exc}".encode()))


def _execute(store, prefixes, text, fmt, limit, dataset):
    import pyoxigraph as ox

    kwargs = {"prefixes": prefixes}
    if dataset and (dataset.get("default") or dataset.get("named")):
        if dataset.get("default"):
            kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset["default"]]
        else:
            kwargs["use_default_graph_as_union"] = True
        if dataset.get("named"):
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset["named"]]
    else:
        kwargs["use_default_graph_as_union"] = True
    try:
        answer = store.query(text, **kwargs)
    except SyntaxError as exc:
        return 400, "text/plain; charset=utf-8", f"SPARQL syntax error: {exc}".encode()
    except OSError as exc:
        return 500, "text/plain; charset=utf-8", f"query failed: {exc}".encode()
    if isinstance(answer, ox.QueryBoolean):
        fmt = fmt["results"]
        return 200, RESULT_TYPES[fmt][0], _boolean(bool(answer), fmt)
    if isinstance(answer, ox.QuerySolutions):
        fmt = fmt["results"]
        names = [v.value for v in answer.variables]
        rows = list(itertools.islice(answer, limit + 1))
        if len(rows) > limit:
            return 400, "text/plain; charset=utf-8", _too_many(limit, "rows")
        return 200, RESULT_TYPES[fmt][0], _solutions(names, rows, fmt)
    fmt = fmt["graph"]
    triples = list(itertools.islice(answer, limit + 1))
    if len(triples) > limit:
        return 400, "text/plain; charset=utf-8", _too_many(limit, "triples")
    buf = io.BytesIO()
    ox_format = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    ox.serialize(triples, buf, ox_format, **({"prefixes": prefixes} if fmt == "ttl" else {}))
    return 200, GRAPH_TYPES[fmt][0], buf.getvalue()


def _too_many(limit: int, what: str) -> bytes:
    return (f"the result has more than {limit} {what}, the limit of this endpoint: add LIMIT (and OFFSET "
            f"to read it in pages), or start the server with a larger --result-limit").encode()


def _boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return (f"{'true' if value else 'false'}\n").encode()


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _escape_literal(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))


def _solutions(names: list[str], rows: list, fmt: str) -> bytes:
    """SPARQL results of pyoxigraph solutions, written straight from the terms (no rdflib)."""
    import pyoxigraph as ox

    if fmt == "json":
        bindings = []
        for row in rows:
            b = {}
            for n in names:
                t = row[n]
                if t is None:
                    continue
                if isinstance(t, ox.NamedNode):
                    b[n] = {"type": "uri", "value": t.value}
                elif isinstance(t, ox.BlankNode):
                    b[n] = {"type": "bnode", "value": t.value}
                elif isinstance(t, ox.Literal):
                    cell = {"type": "literal", "value": t.value}
                    if t.language:
                        cell["xml:lang"] = t.language
                    elif t.datatype.value != _XSD_STRING:
                        cell["datatype"] = t.datatype.value
                    b[n] = cell
                else:  # RDF-star triple terms
                    b[n] = {"type": "literal", "value": str(t)}
            bindings.append(b)
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}},
                          ensure_ascii=False).encode("utf-8")
    if fmt == "csv":
        import csv

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(names)
        for row in rows:
            w.writerow(["" if row[n] is None else ("_:" + row[n].value if isinstance(row[n], ox.BlankNode)
                                                   else row[n].value) for n in names])
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        for row in rows:
            cells = []
            for n in names:
                t = row[n]
                if t is None:
                    cells.append("")
                elif isinstance(t, ox.NamedNode):
                    cells.append(f"<{t.value}>")
                elif isinstance(t, ox.BlankNode):
                    cells.append(f"_:{t.value}")
                elif t.language:
                    cells.append(f'"{_escape_literal(t.value)}"@{t.language}')
                elif t.datatype.value == _XSD_STRING:
                    cells.append(f'"{_escape_literal(t.value)}"')
                else:
                    cells.append(f'"{_escape_literal(t.value)}"^^<{t.datatype.value}>')
            lines.append("\t".join(cells))
        return ("\n".join(lines) + "\n").encode("utf-8")
    # xml
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(n)}/>" for n in names]
    out += ["</head>", "<results>"]
    for row in rows:
        out.append("<result>")
        for n in names:
            t = row[n]
            if t is None:
                continue
            if isinstance(t, ox.NamedNode):
                inner = f"<uri>{escape(t.value)}</uri>"
            elif isinstance(t, ox.BlankNode):
                inner = f"<bnode>{escape(t.value)}</bnode>"
            elif t.language:
                inner = f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
            elif t.datatype.value != _XSD_STRING:
                inner = f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
            else:
                inner = f"<literal>{escape(t.value)}</literal>"
            out.append(f"<binding name={quoteattr(n)}>{inner}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return ("\n".join(out) + "\n").encode("utf-8")


class _Worker:
    def __init__(self, ctx, store_path: str):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(store_path, child), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60):
            self.kill()
            raise RuntimeError("a query worker did not start within 60 s")
        status = self.conn.recv()
        if status[0] != "ready":  # pragma: no cover
            raise RuntimeError(f"a query worker failed to start: {status}")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes holding the store open read-only; one query at a time each."""

    def __init__(self, store_path: Path, size: int):
        from photonics_kg.errors import StoreError

        from photonics_kg.graph.storedir import StoreDir

        path = Path(store_path)
        StoreDir(path).open_read().release()          # StoreError "no store at ..." when none
        self.store_path = str(path)
        self.ctx = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: list[_Worker] = []
        self.lock = threading.Lock()
        for _ in range(max(1, size)):
            w = _Worker(self.ctx, self.store_path)
            self.all.append(w)
            self.idle.put(w)

    def run(self, text: str, fmt: dict, limit: int, timeout: float, dataset: dict | None = None):
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise EndpointError(503, f"every query worker has been busy for {timeout:.0f} s; try again later") from None
        try:
            worker.conn.send((text, fmt, limit, dataset))
            if worker.conn.poll(timeout):
                answer = worker.conn.recv()
                self.idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            pass
        # over time (or the worker died): kill it, start a fresh one in its place
        worker.kill()
        replacement = _Worker(self.ctx, self.store_path)
        with self.lock:
            self.all = [w for w in self.all if w is not worker] + [replacement]
        self.idle.put(replacement)
        raise EndpointError(503, f"the query ran over the time limit of {timeout:g} s and was stopped; "
                                 f"narrow it down (LIMIT, more specific patterns) or start the server with a larger --timeout")

    def close(self) -> None:
        for w in self.all:
            w.kill()
        self.all = []


# -- HTTP ------------------------------------------------------------------------------------------
def _parse_accept(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured).

    >>> _parse_accept("text/csv;q=0.5, application/sparql-results+json")
    ['application/sparql-results+json', 'text/csv']
    """
    if not header:
        return ["*/*"]
    items = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if fields[0] and q > 0:
            items.append((-q, i, fields[0].lower()))
    return [m for _, _, m in sorted(items)] or ["*/*"]


def negotiate(accept: str | None, format_param: str | None = None) -> dict:
    """The result format for SELECT/ASK and for graphs from Accept (or a ``format`` parameter).

    >>> negotiate("text/csv")
    {'results': 'csv', 'graph': 'ttl'}
    >>> negotiate("application/ld+json")
    {'results': 'json', 'graph': 'jsonld'}
    """
    if format_param:
        f = format_param.lower()
        aliases = {"turtle": "ttl", "json-ld": "jsonld", "ntriples": "nt", "n-triples": "nt"}
        f = aliases.get(f, f)
        if f in RESULT_TYPES:
            return {"results": f, "graph": "jsonld" if f == "json" else "ttl"}
        if f in GRAPH_TYPES:
            return {"results": "json", "graph": f}
        raise EndpointError(400, f"unknown format {format_param!r}; allowed: "
                                 f"{', '.join(list(RESULT_TYPES) + list(GRAPH_TYPES))}")
    results = graph = None
    for media in _parse_accept(accept):
        if media in ("*/*", "application/*", "text/*"):
            results = results or ("csv" if media == "text/*" else "json")
            graph = graph or "ttl"
        results = results or _ACCEPT_RESULTS.get(media)
        graph = graph or _ACCEPT_GRAPH.get(media)
        if results and graph:
            break
    if not results and not graph:
        raise EndpointError(406, "none of the accepted media types can be produced; SELECT/ASK: "
                                 + ", ".join(v[0].split(";")[0] for v in RESULT_TYPES.values())
                                 + "; CONSTRUCT/DESCRIBE: " + ", ".join(v[0].split(";")[0] for v in GRAPH_TYPES.values()))
    return {"results": results or "json", "graph": graph or "ttl"}


def static_file(name: str) -> bytes:
    """A bundled asset of the query page (``photonics_kg/static``)."""
    if "/" in name or name.startswith("."):
        raise EndpointError(404, "no such file")
    f = resources.files("photonics_kg").joinpath("static", name)
    if not f.is_file():
        raise EndpointError(404, "no such file")
    return f.read_bytes()


STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


class SparqlEndpoint:
    """The endpoint: configuration, workers, and the library of named queries."""

    def __init__(self, config: EndpointConfig):
        self.config = config
        self.pool = WorkerPool(config.store_path, config.workers)
        self.graphs = self._named_graphs()

    def _named_graphs(self) -> list[str]:
        from photonics_kg.queries.library import get

        status, _, body = self.pool.run(get("named-graphs").text, {"results": "json", "graph": "ttl"},
                                        10_000_000, 120)
        if status != 200:  # pragma: no cover
            return []
        data = json.loads(body)
        return sorted(b["g"]["value"] for b in data["results"]["bindings"])

    def close(self) -> None:
        self.pool.close()

    def query(self, text: str, fmt: dict, dataset: dict | None = None):
        from photonics_kg.errors import QueryError
        from photonics_kg.queries.library import query_form, uses_service

        if not text.strip():
            raise EndpointError(400, "empty query")
        try:
            query_form(text)
        except QueryError as exc:
            raise EndpointError(403 if "update" in str(exc) else 400, str(exc)) from None
        if uses_service(text) and not self.config.allow_service:
            raise EndpointError(400, "SERVICE (federated query) is disabled on this endpoint; "
                                     "its operator can enable it with --allow-service")
        return self.pool.run(text, fmt, self.config.result_limit, self.config.timeout, dataset)

    def service_description(self, base: str, fmt: str) -> tuple[str, bytes]:
        from rdflib import BNode, Graph, Literal, Namespace, URIRef
        from rdflib.namespace import DCTERMS, RDF

        sd = Namespace(SD)
        g = Graph()
        g.bind("sd", sd)
        g.bind("formats", FORMATS_NS)
        g.bind("dcterms", DCTERMS)
        endpoint = URIRef(base + "/sparql")
        g.add((endpoint, RDF.type, sd.Service))
        g.add((endpoint, sd.endpoint, endpoint))
        g.add((endpoint, sd.supportedLanguage, sd.SPARQL11Query))
        g.add((endpoint, DCTERMS.title, Literal("photonics-kg SPARQL endpoint (read-only)")))
        g.add((endpoint, DCTERMS.description, Literal(
            f"photonics-kg {__version__}: the French photonics ecosystem knowledge graph. Read-only; "
            f"queries stop after {self.config.timeout:g} s; results over {self.config.result_limit} rows "
            f"are refused; the default graph is the union of the named graphs.")))
        for _, (_, name) in list(RESULT_TYPES.items()) + list(GRAPH_TYPES.items()):
            g.add((endpoint, sd.resultFormat, URIRef(FORMATS_NS + name)))
        g.add((endpoint, sd.feature, sd.UnionDefaultGraph))
        if self.config.allow_service:
            g.add((endpoint, sd.feature, sd.BasicFederatedQuery))
        dataset = BNode("dataset")
        default = BNode("default")
        g.add((endpoint, sd.defaultDataset, dataset))
        g.add((dataset, RDF.type, sd.Dataset))
        g.add((dataset, sd.defaultGraph, default))
        g.add((default, RDF.type, sd.Graph))
        for i, name in enumerate(self.graphs):
            node = BNode(f"g{i}")
            g.add((dataset, sd.namedGraph, node))
            g.add((node, RDF.type, sd.NamedGraph))
            g.add((node, sd.name, URIRef(name)))
        rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
        return GRAPH_TYPES[fmt][0], g.serialize(format=rdflib_format).encode("utf-8")

    def library(self) -> list[dict]:
        from photonics_kg.queries.library import all_queries

        return [{"name": q.name, "kind": q.kind, "form": q.form, "summary": q.summary, "text": q.text,
                 "returns": q.returns,
                 "params": [{"name": p.name, "type": p.type, "default": p.default, "doc": p.doc} for p in q.params]}
                for q in all_queries(("select", "construct"))]


def make_handler(endpoint: SparqlEndpoint):
    config = endpoint.config

    class Handler(BaseHTTPRequestHandler):
        server_version = f"photonics-kg/{__version__}"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # one short line per request on stderr
            sys.stderr.write(f"{self.address_string()} {fmt % args}\n")

        # -- helpers --------------------------------------------------------------------
        def _cors(self):
            self.send_header("Access-Control-Allow-Origin", config.cors_origin)
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Access-Control-Max-Age", "86400")
            self.send_header("Vary", "Accept, Origin")

        def _send(self, status: int, content_type: str, body: bytes, extra: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self._cors()
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, message: str):
            self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

        def _base(self) -> str:
            host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
            return f"http://{host}"

        def _read_body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            if length > config.max_body:
                raise EndpointError(413, f"the request body is over {config.max_body} bytes")
            return self.rfile.read(length) if length else b""

        # -- methods --------------------------------------------------------------------
        def do_OPTIONS(self):
            self.send_response(204)
            self._cors()
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            try:
                url = urllib.parse.urlsplit(self.path)
                params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
                self._route(url.path, params, None, None)
            except EndpointError as exc:
                self._error(exc.status, exc.message)

        def do_POST(self):
            try:
                url = urllib.parse.urlsplit(self.path)
                params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                body = self._read_body()
                if ctype == "application/sparql-update":
                    raise EndpointError(403, "this endpoint is read-only: SPARQL updates are refused")
                if ctype == "application/x-www-form-urlencoded":
                    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                    for k, v in form.items():
                        params.setdefault(k, []).extend(v)
                    self._route(url.path, params, None, "form")
                elif ctype == "application/sparql-query":
                    self._route(url.path, params, body.decode("utf-8", "replace"), "direct")
                else:
                    raise EndpointError(415, "POST a query as application/x-www-form-urlencoded (query=...) "
                                             "or as application/sparql-query")
            except EndpointError as exc:
                self._error(exc.status, exc.message)

        def do_PUT(self):
            self._error(405, "this endpoint is read-only")

        do_DELETE = do_PATCH = do_PUT

        # -- routes ---------------------------------------------------------------------
        def _route(self, path: str, params: dict, direct: str | None, how: str | None):
            if path in ("/sparql", "/sparql/", "/query"):
                return self._sparql(params, direct)
            if how is not None:
                raise EndpointError(405 if path in ("/", "/index.html") else 404, "POST queries to /sparql")
            if path in ("/", "/index.html"):
                return self._send(200, STATIC_TYPES[".html"], static_file("index.html"))
            if path.startswith("/static/"):
                name = path[len("/static/"):]
                return self._send(200, STATIC_TYPES.get(os.path.splitext(name)[1], "application/octet-stream"),
                                  static_file(name), {"Cache-Control": "max-age=3600"})
            if path == "/queries.json":
                return self._send(200, "application/json", json.dumps(endpoint.library(), ensure_ascii=False).encode())
            if path.startswith("/queries/"):
                return self._named(urllib.parse.unquote(path[len("/queries/"):]), params)
            raise EndpointError(404, f"no such page: {path}; the endpoint is /sparql, the query page /")

        def _format(self, params) -> dict:
            fmt = (params.get("format") or [None])[0]
            return negotiate(self.headers.get("Accept"), fmt)

        def _sparql(self, params: dict, direct: str | None):
            if "update" in params:
                raise EndpointError(403, "this endpoint is read-only: SPARQL updates are refused")
            queries = params.get("query", [])
            if direct is not None:
                queries = [direct]
            if len(queries) > 1:
                raise EndpointError(400, "give one query")
            if not queries:
                # no query: the service description, or the query page for a browser
                accept = _parse_accept(self.headers.get("Accept"))
                if accept and accept[0] in ("text/html", "application/xhtml+xml"):
                    return self._send(200, STATIC_TYPES[".html"], static_file("index.html"))
                fmt = self._format(params)["graph"]
                ctype, body = endpoint.service_description(self._base(), fmt)
                return self._send(200, ctype, body)
            dataset = {"default": params.get("default-graph-uri", []), "named": params.get("named-graph-uri", [])}
            started = time.perf_counter()
            status, ctype, body = endpoint.query(queries[0], self._format(params), dataset)
            self._send(status, ctype, body, {"X-Query-Seconds": f"{time.perf_counter() - started:.3f}"})

        def _named(self, name: str, params: dict):
            from photonics_kg.errors import QueryError
            from photonics_kg.queries.library import bind_values, get

            if name.endswith(".rq") or "/" in name:
                raise EndpointError(404, "no such query")
            try:
                q = get(name)
                if q.kind not in ("select", "construct"):
                    raise QueryError(f"no query named {name!r}")
                given = {k: v[-1] for k, v in params.items() if k != "format"}
                text = bind_values(q.text, q.bindings(given))
            except QueryError as exc:
                raise EndpointError(404 if "no query named" in str(exc) else 400, str(exc)) from None
            status, ctype, body = endpoint.query(text, self._format(params))
            self._send(status, ctype, body)

    return Handler


class EndpointServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(config: EndpointConfig, host: str = "127.0.0.1", port: int = 7878) -> EndpointServer:
    """A ready HTTP server (``port=0``: an ephemeral port); call ``serve_forever()``, then ``close()``."""
    endpoint = SparqlEndpoint(config)
    try:
        server = EndpointServer((host, port), make_handler(endpoint))
    except OSError as exc:
        endpoint.close()
        from photonics_kg.errors import ConfigError

        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server.endpoint = endpoint
    original_close = server.server_close

    def close():
        original_close()
        endpoint.close()

    server.server_close = close
    return server


__all__ = ["EndpointConfig", "EndpointServer", "SparqlEndpoint", "make_server", "negotiate"]
