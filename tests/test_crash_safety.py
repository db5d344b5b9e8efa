"""A build killed mid-load (SIGKILL) leaves a store that opens and holds a complete state: the previous one, or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from photonics_kg.graph.store import KGStore

from conftest import FIXTURE_YAML

BIG = "https://w3id.org/photonics-kg/graph/rdf/extra"
N = 300_000


def _big_turtle(path, n):
    with open(path, "w", encoding="utf-8") as f:
        f.write("@prefix ex: <https://example.org/synthetic/> .\n")
        for i in range(n):
            f.write(f'ex:s{i} ex:p{i % 7} "value {i}" .\n')


def _bulk_files(folder):
    return list(folder.glob("bulk-*.sst"))  # what Oxigraph's bulk loader writes before ingesting it


@pytest.mark.slow
@pytest.mark.parametrize("when", ["reading", "bulk-ingested"])
def test_sigkill_during_build_keeps_a_complete_state(tmp_path, when):
    store_dir = tmp_path / "store"
    big = tmp_path / "extra.ttl"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "photonics_kg", "build", "--store", str(store_dir)]
    first = subprocess.run(cmd + [str(FIXTURE_YAML)], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    with KGStore(store_dir) as s:
        before = sorted(map(str, s.quads()))
    _big_turtle(big, N)
    proc = subprocess.Popen(cmd + [str(FIXTURE_YAML), str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if when == "reading":
        time.sleep(2.0)  # imports done, into checking the big file; nothing written yet
    else:
        # the bulk load writes RocksDB files beside the store, then ingests them: kill while they
        # are written, or just after they are ingested (the graph is there, its provenance not yet)
        deadline = time.monotonic() + 300
        while proc.poll() is None and not _bulk_files(store_dir) and time.monotonic() < deadline:
            time.sleep(0.01)
        while when == "bulk-ingested" and proc.poll() is None and _bulk_files(store_dir) and time.monotonic() < deadline:
            time.sleep(0.005)
    assert proc.poll() is None, "the build finished before it could be killed; make the source bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with KGStore(store_dir) as s:
        after = sorted(map(str, s.quads()))
        assert not any("/graph/staging/" in g for g in s.named_graphs())
        if BIG in s.named_graphs():  # killed after its commit: it must be whole, with its provenance
            info = s.graph_info(BIG)
            assert info is not None and info["triples"] == N < s.count(BIG)
            return
    assert after == before
