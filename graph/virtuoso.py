"""A private Virtuoso Open Source server on loopback: for the tests, and for trying the graph on a real server.

:class:`VirtuosoServer` writes a ``virtuoso.ini`` in a folder of its own (database, logs, bulk-load
folder), listening on 127.0.0.1 only, with the traps of the stock configuration fixed
(``ResultSetMaxRows`` raised so results are not silently cut at 10,000 rows, the bulk-load folder
in ``DirsAllowed``), starts ``virtuoso-t`` in the foreground as a child process, waits until its
SPARQL endpoint answers, bulk-loads named graphs through ``isql-vt``, and stops it.

The DBA account of a new database is ``dba``/``dba``; the server only listens on loopback.

Command line (used by ``scripts/virtuoso.sh``)::

    python -m photonics_kg.graph.virtuoso start --folder /tmp/me/virtuoso [--http-port 8890]
    python -m photonics_kg.graph.virtuoso load  --folder /tmp/me/virtuoso --store DIR
    python -m photonics_kg.graph.virtuoso stop  --folder /tmp/me/virtuoso

>>> VirtuosoServer("/tmp/x", http_port=8890, isql_port=1111).endpoint
'http://127.0.0.1:8890/sparql'
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from photonics_kg.errors import ConfigError, StoreError

BINARY = "virtuoso-t"
ISQL = "isql-vt"
#: where Debian's package keeps the HTTP server's pages (the /sparql endpoint needs ServerRoot)
DEBIAN_VSP = "/var/lib/virtuoso-opensource-7/vsp"
DEBIAN_VAD = "/usr/share/virtuoso-opensource-7/vad"

INI = """\
; written by photonics_kg.graph.virtuoso: a private server on loopback
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{isql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {load}, {vad}
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = {vad}/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxQueryMem              = 1G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {vsp}
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 1

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
; the stock 10000 silently truncates results
ResultSetMaxRows           = {max_rows}
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = {timeout}
DeferInferenceRulesInit    = 0
"""


def find_virtuoso() -> str | None:
    """The path of ``virtuoso-t``, or None when Virtuoso is not installed."""
    return shutil.which(BINARY)


def free_port() -> int:
    """A TCP port nobody listens on now (the kernel's choice of an ephemeral port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VirtuosoServer:
    """A Virtuoso server whose database, configuration and logs live in ``folder``."""

    def __init__(self, folder: str | os.PathLike, *, http_port: int | None = None,
                 isql_port: int | None = None, user: str = "dba", password: str = "dba",
                 max_rows: int = 1_000_000, timeout: int = 120, buffers: int = 170_000):
        self.folder = Path(folder)
        self.http_port = http_port or free_port()
        self.isql_port = isql_port or free_port()
        self.user = user
        self.password = password
        self.max_rows = max_rows
        self.timeout = timeout
        self.buffers = buffers
        self.process: subprocess.Popen | None = None

    # -- addresses -------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def endpoint(self) -> str:
        """The SPARQL query endpoint (no authentication)."""
        return f"{self.base}/sparql"

    @property
    def update_endpoint(self) -> str:
        """SPARQL Update (digest authentication)."""
        return f"{self.base}/sparql-auth"

    @property
    def gsp_endpoint(self) -> str:
        """SPARQL 1.1 Graph Store protocol (digest authentication)."""
        return f"{self.base}/sparql-graph-crud-auth"

    @property
    def ini(self) -> Path:
        return self.folder / "virtuoso.ini"

    @property
    def load_dir(self) -> Path:
        return self.folder / "load"

    @property
    def pid_file(self) -> Path:
        return self.folder / "virtuoso.pid"

    # -- life cycle ------------------------------------------------------------------------
    def write_config(self) -> Path:
        db = self.folder / "db"
        db.mkdir(parents=True, exist_ok=True)
        self.load_dir.mkdir(parents=True, exist_ok=True)
        vsp = DEBIAN_VSP if Path(DEBIAN_VSP).is_dir() else str(self.folder / "vsp")
        Path(vsp).mkdir(parents=True, exist_ok=True)
        self.ini.write_text(INI.format(db=db, load=self.load_dir, vad=DEBIAN_VAD, vsp=vsp,
                                       isql_port=self.isql_port, http_port=self.http_port,
                                       max_rows=self.max_rows, timeout=self.timeout,
                                       buffers=self.buffers, dirty=self.buffers * 3 // 4))
        (self.folder / "ports").write_text(f"{self.http_port} {self.isql_port}\n")
        return self.ini

    def start(self, *, wait: float = 120.0) -> "VirtuosoServer":
        """Start ``virtuoso-t`` in the foreground (a child of this process) and wait for /sparql."""
        binary = find_virtuoso()
        if binary is None:
            raise ConfigError(f"{BINARY} is not installed (Debian: apt-get install virtuoso-opensource)")
        self.write_config()
        log = open(self.folder / "virtuoso-stdout.log", "ab")
        self.process = subprocess.Popen([binary, "-f", "+configfile", str(self.ini)], cwd=self.folder,
                                        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        log.close()
        self.pid_file.write_text(str(self.process.pid))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise StoreError(f"virtuoso-t exited with code {self.process.returncode}; see {self.folder}/db/virtuoso.log")
            if self.ready():
                return self
            time.sleep(0.25)
        self.stop()
        raise StoreError(f"virtuoso-t did not answer on {self.endpoint} within {wait:.0f} s")

    def ready(self) -> bool:
        """True when the SPARQL endpoint answers a query."""
        url = self.endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        try:
            with urllib.request.urlopen(urllib.request.Request(
                    url, headers={"Accept": "application/sparql-results+json"}), timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, *, wait: float = 30.0) -> None:
        """Checkpoint-free shutdown: SIGTERM the server we started (by its PID), then SIGKILL if needed."""
        pid = self.process.pid if self.process else self._pid_from_file()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pid = None
        deadline = time.monotonic() + wait
        while pid is not None and time.monotonic() < deadline:
            if self.process is not None:
                if self.process.poll() is not None:
                    break
            else:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
            time.sleep(0.2)
        else:
            if pid is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover
                pass
        self.process = None
        self.pid_file.unlink(missing_ok=True)

    def _pid_from_file(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    @classmethod
    def from_folder(cls, folder: str | os.PathLike) -> "VirtuosoServer":
        """The server a previous ``start`` left in ``folder`` (ports read back from it)."""
        folder = Path(folder)
        try:
            http_port, isql_port = (int(x) for x in (folder / "ports").read_text().split())
        except (OSError, ValueError):
            raise ConfigError(f"no Virtuoso server was started in {folder}") from None
        return cls(folder, http_port=http_port, isql_port=isql_port)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- loading ---------------------------------------------------------------------------
    def isql(self, sql: str, *, timeout: float = 600) -> str:
        """Run SQL statements through ``isql-vt``; raise StoreError when isql reports an error."""
        isql = shutil.which(ISQL)
        if isql is None:
            raise ConfigError(f"{ISQL} is not installed")
        result = subprocess.run([isql, f"127.0.0.1:{self.isql_port}", self.user, self.password,
                                 "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", f"exec={sql}"],
                                capture_output=True, text=True, timeout=timeout)
        out = result.stdout + result.stderr
        if result.returncode != 0 or "*** Error" in out:
            raise StoreError(f"isql-vt failed: {out.strip()[:2000]}")
        return out

    def load_graphs(self, graphs: dict[str, bytes], *, replace: bool = True) -> int:
        """Bulk-load N-Triples documents into named graphs (``{graph IRI: N-Triples bytes}``).

        Each graph is written as ``<n>.nt`` with a ``<n>.nt.graph`` file naming its graph, then
        ``ld_dir`` + ``rdf_loader_run`` + ``checkpoint``. Returns the number of files loaded.
        """
        batch = self.load_dir / f"batch-{time.time_ns()}"
        batch.mkdir(parents=True)
        clear = []
        for i, (graph, data) in enumerate(sorted(graphs.items())):
            (batch / f"g{i:05d}.nt").write_bytes(data)
            (batch / f"g{i:05d}.nt.graph").write_text(graph + "\n")
            if replace:
                clear.append(f"SPARQL CLEAR GRAPH <{graph}>;")
        sql = " ".join(clear) + (f" ld_dir('{batch}', '*.nt', 'urn:photonics-kg:unnamed'); "
                                 "rdf_loader_run(); checkpoint;")
        self.isql(sql)
        errors = self.isql(f"SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '{batch}%' "
                           "AND ll_error IS NOT NULL;")
        if str(batch) in errors:
            raise StoreError(f"Virtuoso bulk load reported errors: {errors.strip()[:2000]}")
        shutil.rmtree(batch, ignore_errors=True)
        return len(graphs)

    def load_store(self, store, *, replace: bool = True) -> int:
        """Load every named graph of a :class:`~photonics_kg.graph.store.KGStore`."""
        return self.load_graphs(store_ntriples(store), replace=replace)


def store_ntriples(store) -> dict[str, bytes]:
    """Each named graph of a KGStore as an N-Triples document."""
    import io

    import pyoxigraph as ox

    by_graph: dict[str, list] = {}
    for q in store.quads():
        if isinstance(q.graph_name, ox.NamedNode):
            by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    out = {}
    for graph, triples in by_graph.items():
        buf = io.BytesIO()
        ox.serialize(triples, buf, ox.RdfFormat.N_TRIPLES)
        out[graph] = buf.getvalue()
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m photonics_kg.graph.virtuoso",
                                     description="A private Virtuoso server on loopback.")
    parser.add_argument("action", choices=["start", "stop", "load", "status"])
    parser.add_argument("--folder", required=True, help="folder of the server's database, config and logs")
    parser.add_argument("--http-port", type=int, default=None)
    parser.add_argument("--isql-port", type=int, default=None)
    parser.add_argument("--store", default=None, help="load: the photonics-kg store to load")
    args = parser.parse_args(argv)
    try:
        if args.action == "start":
            server = VirtuosoServer(args.folder, http_port=args.http_port, isql_port=args.isql_port)
            server.start()
            server.process = None  # keep it running after we exit; stop reads the pid file
            print(server.endpoint)
        elif args.action == "stop":
            VirtuosoServer.from_folder(args.folder).stop()
        elif args.action == "status":
            server = VirtuosoServer.from_folder(args.folder)
            print(f"{server.endpoint} {'up' if server.ready() else 'down'}")
            return 0 if server.ready() else 1
        else:
            from photonics_kg.config import default_store_path
            from photonics_kg.graph.store import KGStore

            server = VirtuosoServer.from_folder(args.folder)
            with KGStore(args.store or default_store_path(), read_only=True) as store:
                n = server.load_store(store)
            print(f"loaded {n} graphs into {server.endpoint}")
    except (ConfigError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
