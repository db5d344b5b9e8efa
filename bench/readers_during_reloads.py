"""Load test: clients query the store in a loop while builds reload a source.

Run on demand (not a test)::

    python bench/readers_during_reloads.py --clients 4 --builds 6 --out /tmp/$USER/readers
    python bench/readers_during_reloads.py --endpoint --clients 8 --builds 6 --out /tmp/$USER/readers

Without ``--endpoint`` each client is a process that opens the published generation read-only,
counts the triples of the graph being reloaded, closes it, and starts again. With ``--endpoint``
the script starts ``photonics-kg serve`` on the store and each client is a thread sending the same
COUNT query over HTTP. The builds alternate between two versions of a SYNTHETIC source (3000 and
5000 triples). It prints the number of clients, builds, queries, errors and the counts the clients
saw: only the two expected ones may appear.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

GRAPH = "https://w3id.org/photonics-kg/graph/rdf/extra"
READER = r"""
import sys
from pathlib import Path
from photonics_kg.graph.store import KGStore
store, graph, stop = sys.argv[1], sys.argv[2], Path(sys.argv[3])
query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % graph
while not stop.exists():
    try:
        with KGStore(store, read_only=True) as s:
            print(s.select(query, union=False)[0]["n"], flush=True)
    except Exception as exc:
        print("ERROR", type(exc).__name__, exc, flush=True)
"""


def _turtle(path: Path, n: int, tag: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("@prefix ex: <https://example.org/synthetic/> .\n")
        for i in range(n):
            f.write(f'ex:s{i} ex:p "{tag} {i}" .\n')


def _http_clients(url: str, n: int, stop: Path) -> tuple[list[threading.Thread], list[str]]:
    """``n`` threads sending the COUNT query to ``url`` until ``stop`` exists; answers in the list."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % GRAPH
    body = urllib.parse.urlencode({"query": query}).encode()
    lines: list[str] = []

    def client():
        while not stop.exists():
            req = urllib.request.Request(url, data=body, headers={"Accept": "application/sparql-results+json"})
            try:
                with urllib.request.urlopen(req, timeout=60) as answer:
                    lines.append(json.loads(answer.read())["results"]["bindings"][0]["n"]["value"])
            except Exception as exc:  # noqa: BLE001 - every failure is counted
                lines.append(f"ERROR {type(exc).__name__} {exc}")

    threads = [threading.Thread(target=client, daemon=True) for _ in range(n)]
    return threads, lines


def _serve(store: Path, log: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-m", "photonics_kg", "serve", "--store", str(store), "--port", "0"],
                              stderr=open(log, "w"), stdout=subprocess.DEVNULL)
    for _ in range(600):
        m = re.search(r"http://[\w.]+:\d+/sparql", log.read_text())
        if m:
            return server, m.group()
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the endpoint did not start: {log.read_text()[-2000:]}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--builds", type=int, default=6)
    parser.add_argument("--out", type=Path, default=Path("/tmp/bench-readers"))
    parser.add_argument("--endpoint", action="store_true", help="query through 'photonics-kg serve' (HTTP)")
    args = parser.parse_args(argv)
    store, extra, stop = args.out / "store", args.out / "extra.ttl", args.out / "stop"
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    build = [sys.executable, "-m", "photonics_kg", "build", "-q", "--store", str(store)]
    _turtle(extra, 3000, "a")
    subprocess.run(build + [str(extra)], check=True)
    if args.endpoint:
        server, url = _serve(store, args.out / "serve.log")
        threads, lines = _http_clients(url, args.clients, stop)
        for t in threads:
            t.start()
    else:
        readers = [subprocess.Popen([sys.executable, "-c", READER, str(store), GRAPH, str(stop)],
                                    stdout=subprocess.PIPE, text=True) for _ in range(args.clients)]
    started = time.perf_counter()
    for i in range(args.builds):
        _turtle(extra, *((5000, "b") if i % 2 == 0 else (3000, "a")))
        subprocess.run(build + [str(extra)], check=True)
        time.sleep(1)                   # let the clients see each state
    stop.touch()
    if args.endpoint:
        for t in threads:
            t.join(120)
        server.terminate()
        server.wait(30)
    else:
        lines = [line for r in readers for line in r.communicate()[0].splitlines() if line]
    errors = [line for line in lines if line.startswith("ERROR")]
    seen: dict[str, int] = {}
    for line in lines:
        if not line.startswith("ERROR"):
            seen[line] = seen.get(line, 0) + 1
    print(f"{'endpoint' if args.endpoint else 'store'}: clients {args.clients}, builds {args.builds}, "
          f"{time.perf_counter() - started:.0f} s, "
          f"queries {len(lines)}, errors {len(errors)}, triple counts seen {seen}")
    for line in errors[:5]:
        print(line)


if __name__ == "__main__":
    main()
