"""Local HTTP servers for the registry tests: a SPARQL endpoint over a pyoxigraph store, and a
replay of recorded API Sirene responses. They listen on 127.0.0.1 only, on a free port, in a
daemon thread, and stop when the test's context ends."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextlib.contextmanager
def serve(handler_cls):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


def sparql_handler(store, calls: list):
    """A handler answering SPARQL SELECT queries (GET ?query= or POST form) from ``store``."""
    import pyoxigraph as ox

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, query: str):
            calls.append(query)
            try:
                result = store.query(query)
                body = result.serialize(format=ox.QueryResultsFormat.JSON)
            except (SyntaxError, ValueError, OSError) as exc:
                self.send_response(400)
                self.end_headers()
                self.wfile.write(str(exc).encode())
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            params = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
            self._answer(params.get("query", [""])[0])

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length).decode("utf-8")
            if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
                self._answer(data)
            else:
                self._answer(urllib.parse.parse_qs(data).get("query", [""])[0])

    return Handler


def sirene_replay_handler(recorded: dict, requests: list, *, page_size_split: int = 10, token: str = "T0KEN"):
    """Replays recorded API Sirene answers. ``recorded`` maps 'siret/<n>', 'siren/<n>' and
    'search:siren' to parsed JSON. A search is served in pages of ``page_size_split`` records with
    curseur/curseurSuivant, the way the API pages; a request without the token gets 401."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status, payload):
            body = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            params = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
            requests.append((url.path, params, dict(self.headers)))
            if self.headers.get("Authorization") != f"Bearer {token}" and \
                    self.headers.get("X-INSEE-Api-Key-Integration") != token:
                return self._send(401, {"fault": {"message": "Invalid Credentials"}})
            path = url.path.rstrip("/").split("/V3.11/", 1)[-1]
            if path in recorded:
                return self._send(200, recorded[path])
            kind = path.split("/")[-1]
            key = f"search:{kind}"
            if key not in recorded:
                return self._send(404, {"header": {"statut": 404, "message": "Aucun élément trouvé"}})
            full = recorded[key]
            items_key = "unitesLegales" if kind == "siren" else "etablissements"
            items = full[items_key]
            cursor = params.get("curseur", "*")
            start = 0 if cursor == "*" else int(cursor.removeprefix("C"))
            page = items[start:start + page_size_split]
            following = start + len(page)
            nxt = f"C{following}" if following < len(items) else cursor
            header = dict(full["header"], debut=start, nombre=len(page), total=len(items),
                          curseur=cursor, curseurSuivant=nxt)
            return self._send(200, {"header": header, items_key: page})

    return Handler
