"""The corpus of bad inputs (tests/data/bad/): each file gives a clear message naming file, line
and field (or a load report of rejected rows), exit code 2 when nothing can be loaded, and the
store unchanged.

The corpus is table-driven: one folder per loader, an ``expected.yaml`` beside the files (see
tests/data/bad/README.md). Loaders added later drop their own folder there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from photonics_kg.graph.build import build
from photonics_kg.graph.store import KGStore
from photonics_kg.loaders import base

from conftest import DATA, FIXTURE_YAML

BAD = DATA / "bad"
MANIFEST = "expected.yaml"
DETECT = "_detect"          # files given as a bare PATH: the loader is recognised from the file
KEYS = {"exit", "line", "field", "says", "rejected", "stored", "max_output", "args"}


def _folders() -> list[Path]:
    return sorted(p for p in BAD.iterdir() if p.is_dir()) if BAD.is_dir() else []


def _expectations(folder: Path) -> dict:
    return yaml.safe_load((folder / MANIFEST).read_text(encoding="utf-8")) or {}


def _cases() -> list:
    cases = []
    for folder in _folders():
        if not (folder / MANIFEST).is_file():
            continue
        expected = _expectations(folder)
        for f in sorted(folder.iterdir()):
            if f.is_file() and f.name != MANIFEST and f.name in expected:
                cases.append(pytest.param(f, expected[f.name], id=f"{folder.name}/{f.name}"))
    return cases


def test_the_corpus_is_there_and_every_file_has_an_expectation():
    folders = _folders()
    assert {f.name for f in folders} >= {"curated", "rdf", DETECT}
    loaders = set(base.available())
    for folder in folders:
        assert folder.name == DETECT or folder.name in loaders, f"{folder.name}/ is not a loader's name"
        assert (folder / MANIFEST).is_file(), f"{folder} has no {MANIFEST}"
        files = {f.name for f in folder.iterdir() if f.is_file() and f.name != MANIFEST}
        expected = _expectations(folder)
        assert files, f"{folder} is empty"
        assert files == set(expected), (f"{folder.name}: files without expectation {sorted(files - set(expected))}, "
                                         f"expectations without file {sorted(set(expected) - files)}")
        for name, exp in expected.items():
            assert set(exp) <= KEYS, f"{folder.name}/{name}: unknown keys {set(exp) - KEYS}"
            assert exp.get("exit", 2) == 0 or "says" in exp, f"{folder.name}/{name}: say what the error says"
    assert len(_cases()) >= 60


@pytest.fixture(scope="module")
def built_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("bad") / "store"
    with KGStore(path) as store:
        build(store, [str(FIXTURE_YAML)], log=lambda m: None, progress=False)
    return path


def _state(path: Path) -> tuple[str | None, list[str]]:
    with KGStore(path, read_only=True) as store:
        return store.generation, sorted(map(str, store.quads()))


def _where(name: str, line, field) -> str:
    """The location prefix the message must carry: ``file:line: field:`` (parts present only)."""
    text = re.escape(name) + (re.escape(f":{line}") if line is not None else "") + ": "
    return text + (re.escape(f"{field}: ") if field is not None else "")


@pytest.mark.parametrize("path, expected", _cases())
def test_bad_input(built_store, cli, path, expected):
    source = str(path) if path.parent.name == DETECT else f"{path.parent.name}={path}"
    before = _state(built_store)
    result = cli("build", source, "--store", built_store, *expected.get("args", []))
    out = result.output
    assert "Traceback" not in out
    assert len(out) <= expected.get("max_output", 20_000), f"{len(out)} characters of output"
    says = expected.get("says", [])
    for words in [says] if isinstance(says, str) else says:
        assert words in out, out
    if expected.get("exit", 2) == 2:
        assert result.exit_code == 2, out
        assert out.startswith("error: ")
        assert re.search(_where(path.name, expected.get("line"), expected.get("field")), out), out
        if expected.get("line") is None:       # and no other line number is made up
            assert not re.search(re.escape(path.name) + r":\d+", out), out
        assert _state(built_store) == before     # same generation, same quads
    else:
        assert result.exit_code == 0, out
        if "rejected" in expected:
            assert f"{expected['rejected']} rejected" in out
        dump = "\n".join(_state(built_store)[1])
        for text in expected.get("stored", []):
            assert text in dump


def test_several_bad_sources_are_all_reported_and_nothing_is_written(built_store, cli):
    before = _state(built_store)
    good = BAD / "curated" / "utf8-bom.yaml"
    bad = [BAD / "curated" / "unknown-relation.yaml", BAD / "rdf" / "missing-dot.ttl"]
    result = cli("build", f"curated={good}", f"curated={bad[0]}", f"rdf={bad[1]}", "--store", built_store)
    assert result.exit_code == 2
    assert "2 of 6 sources cannot be loaded; nothing was written" in result.output
    assert "unknown-relation.yaml:10: facts[1].p" in result.output and "missing-dot.ttl:4: column 1" in result.output
    assert _state(built_store) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_pipe_is_refused_not_read_forever(built_store, tmp_path):
    fifo = tmp_path / "facts.yaml"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "photonics_kg", "build", f"curated={fifo}", "--store",
                           str(built_store)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "not a regular file" in done.stderr and "facts.yaml" in done.stderr


def test_an_unreadable_file_is_named(built_store, cli, tmp_path, monkeypatch):
    import photonics_kg.graph.build as build_module

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    # a chmod 000 file is readable by root (the CI user): fail the read itself instead
    monkeypatch.setattr(build_module, "check_readable", denied)
    before = _state(built_store)
    result = cli("build", str(FIXTURE_YAML), "--store", built_store, "--force")
    assert result.exit_code == 2 and "fixture.yaml: cannot read: Permission denied" in result.output
    assert _state(built_store) == before


def test_a_loader_bug_is_reported_as_such_and_keeps_the_store(built_store, cli, tmp_path, monkeypatch):
    from photonics_kg.loaders.curated import CuratedLoader

    def broken(self, path, report, progress=None):
        raise KeyError("surprise")

    monkeypatch.setattr(CuratedLoader, "load", broken)
    before = _state(built_store)
    result = cli("build", str(FIXTURE_YAML), "--store", built_store, "--force")
    assert result.exit_code == 2 and "fixture.yaml" in result.output
    assert "the curated loader failed on this file (KeyError" in result.output and "bug" in result.output
    assert _state(built_store) == before


def test_very_deep_nesting_is_refused_without_crashing_the_process(built_store, tmp_path):
    # libyaml's recursive composer overflows the C stack (a segmentation fault) on such a file;
    # a subprocess, so that a regression fails this test rather than killing the test run
    deep = tmp_path / "deep.yaml"
    deep.write_text("meta: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "photonics_kg", "build", f"curated={deep}", "--store",
                           str(built_store)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "deep.yaml: not valid YAML: nested too deeply" in done.stderr
