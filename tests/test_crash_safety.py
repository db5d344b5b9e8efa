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


# -- kills at chosen moments, readers during reloads, concurrent builds --------------------------
# The build calls photonics_kg.graph.storedir.crash_point at named moments; the environment
# variable PHOTONICS_KG_TEST_HOOK makes the process SIGKILL itself (or pause) exactly there.
from pathlib import Path  # noqa: E402

from photonics_kg.graph.storedir import TEST_HOOK_ENV  # noqa: E402

CMD = [sys.executable, "-m", "photonics_kg", "build", "-q"]
EXTRA_GRAPH = "https://w3id.org/photonics-kg/graph/rdf/extra"


def _run_build(store_dir, *sources, hook=None, extra=(), check=True):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop(TEST_HOOK_ENV, None)
    if hook:
        env[TEST_HOOK_ENV] = hook
    done = subprocess.run(CMD + ["--store", str(store_dir), *map(str, sources), *extra],
                          capture_output=True, text=True, env=env, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def _dump(store_dir) -> list[str]:
    with KGStore(store_dir, read_only=True) as s:
        return sorted(map(str, s.quads()))


def _turtle(path: Path, n: int, tag: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("@prefix ex: <https://example.org/synthetic/> .\n")
        for i in range(n):
            f.write(f'ex:s{i} ex:p "{tag} {i}" .\n')


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["after-backup", "after-read", "after-write", "before-publish"])
def test_build_killed_at_a_moment_keeps_the_previous_complete_state(tmp_path, moment):
    store_dir, extra = tmp_path / "store", tmp_path / "extra.ttl"
    _turtle(extra, 50, "old")
    _run_build(store_dir, FIXTURE_YAML, extra)
    before = _dump(store_dir)
    _turtle(extra, 80, "new")
    killed = _run_build(store_dir, FIXTURE_YAML, extra, hook=f"{moment}=kill", extra=["--force"], check=False)
    assert killed.returncode == -signal.SIGKILL and f"test-hook: {moment}" in killed.stderr
    assert _dump(store_dir) == before                      # opens, and holds the previous state
    assert len(list((store_dir / "generations").iterdir())) > 2   # the dead build's leftovers
    _run_build(store_dir, FIXTURE_YAML, extra)              # the next build cleans them and loads
    after = _dump(store_dir)
    assert any('"new 79"' in q for q in after) and not any('"old 0"' in q for q in after)
    gens = sorted(e.name for e in (store_dir / "generations").iterdir() if e.is_dir())
    assert len(gens) == 2 and (store_dir / "published").read_text().strip() == gens[-1]


@pytest.mark.slow
def test_build_killed_right_after_publishing_holds_the_new_state(tmp_path):
    store_dir, extra = tmp_path / "store", tmp_path / "extra.ttl"
    _turtle(extra, 50, "old")
    _run_build(store_dir, FIXTURE_YAML, extra)
    _turtle(extra, 80, "new")
    killed = _run_build(store_dir, FIXTURE_YAML, extra, hook="after-publish=kill", check=False)
    assert killed.returncode == -signal.SIGKILL
    after = _dump(store_dir)
    assert any('"new 79"' in q for q in after) and not any('"old 0"' in q for q in after)
    _run_build(store_dir, FIXTURE_YAML, extra)              # the lock died with the process
    assert _dump(store_dir) == after


READER = r"""
import sys, time
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


@pytest.mark.slow
def test_readers_during_reloads_see_the_old_or_the_new_graph_never_half(tmp_path):
    store_dir, extra, stop = tmp_path / "store", tmp_path / "extra.ttl", tmp_path / "stop"
    sizes = {"a": 3000, "b": 5000}
    counts = {}
    for tag, n in sizes.items():                             # the two expected triple counts
        _turtle(extra, n, tag)
        probe = tmp_path / f"probe-{tag}"
        _run_build(probe, extra)
        with KGStore(probe, read_only=True) as s:
            counts[tag] = s.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <%s> { ?s ?p ?o } }" % EXTRA_GRAPH,
                                   union=False)[0]["n"]
    assert counts["a"] != counts["b"]
    _turtle(extra, sizes["a"], "a")
    _run_build(store_dir, extra)
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(store_dir), EXTRA_GRAPH, str(stop)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for i in range(6):
            tag = "b" if i % 2 == 0 else "a"
            _turtle(extra, sizes[tag], tag)
            _run_build(store_dir, extra)
    finally:
        stop.touch()
        outputs = [r.communicate(timeout=60) for r in readers]
    seen = [line for out, _err in outputs for line in out.split()]
    errors = [line for out, _err in outputs for line in out.splitlines() if line.startswith("ERROR")]
    assert not errors, errors[:5]
    assert all(r.returncode == 0 for r in readers), [err for _out, err in outputs]
    values = {int(v) for v in seen}
    assert values <= {counts["a"], counts["b"]}, values
    assert len(seen) > 10 and values == {counts["a"], counts["b"]}   # both states were seen


@pytest.mark.slow
def test_two_builds_at_once_are_refused_or_serialised_never_interleaved(tmp_path):
    store_dir = tmp_path / "store"
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    _turtle(one, 20, "one")
    _turtle(two, 30, "two")
    _run_build(store_dir, FIXTURE_YAML)
    env = dict(os.environ, PYTHONUNBUFFERED="1", **{TEST_HOOK_ENV: "after-backup=sleep:4"})
    first = subprocess.Popen(CMD + ["--store", str(store_dir), str(one)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = first.stderr.readline()                        # the first build holds the lock now
        assert "test-hook: after-backup" in line, line
        refused = _run_build(store_dir, two, check=False)
        assert refused.returncode == 2 and f"PID {first.pid}" in refused.stderr and "--wait" in refused.stderr
        assert "Traceback" not in refused.stderr
        waited = _run_build(store_dir, two, extra=["--wait"], check=False)
    finally:
        first.wait(timeout=120)
    assert first.returncode == 0
    assert waited.returncode == 0, waited.stderr
    dump = _dump(store_dir)
    # the second build started from what the first published: both graphs are there
    assert any('"one 19"' in q for q in dump) and any('"two 29"' in q for q in dump)
