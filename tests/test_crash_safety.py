"""A build killed mid-load (SIGKILL) leaves a store that opens and holds the previous complete state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from photonics_kg.graph.store import KGStore

from conftest import FIXTURE_YAML


def _big_turtle(path, n):
    with open(path, "w", encoding="utf-8") as f:
        f.write("@prefix ex: <https://example.org/synthetic/> .\n")
        for i in range(n):
            f.write(f'ex:s{i} ex:p{i % 7} "value {i}" .\n')


@pytest.mark.slow
def test_sigkill_during_build_keeps_previous_state(tmp_path):
    store_dir = tmp_path / "store"
    big = tmp_path / "extra.ttl"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    cmd = [sys.executable, "-m", "photonics_kg", "build", "--store", str(store_dir)]
    first = subprocess.run(cmd + [str(FIXTURE_YAML)], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    with KGStore(store_dir) as s:
        before = sorted(map(str, s.quads()))
    _big_turtle(big, 400_000)
    proc = subprocess.Popen(cmd + [str(FIXTURE_YAML), str(big)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    # let it get well into reading/writing the big source, then kill it without a chance to clean up
    time.sleep(4)
    assert proc.poll() is None, "the build finished before it could be killed; make the source bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with KGStore(store_dir) as s:
        after = sorted(map(str, s.quads()))
        assert not any("/graph/staging/" in g for g in s.named_graphs())
    assert after == before
