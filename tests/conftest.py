"""Shared test fixtures: the hand-made fixture graph, paths to ../shared, CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
FIXTURE_YAML = DATA / "fixture.yaml"


def shared_path(*parts: str) -> Path:
    """A path in ../shared; the test is skipped (failed under CI) when shared/ is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI runs with shared/ beside the checkout")
        pytest.skip(f"{path} is missing (shared/ is not beside the checkout)")
    return path


@pytest.fixture(scope="session")
def fixture_store():
    """An in-memory store holding the ontology and the fixture graph (read it, do not write)."""
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    store = KGStore()
    build(store, [str(FIXTURE_YAML)], log=lambda m: None, progress=False)
    return store


@pytest.fixture()
def fresh_store():
    """A new in-memory store for tests that write."""
    from photonics_kg.graph.store import KGStore

    return KGStore()


@pytest.fixture()
def cli():
    from click.testing import CliRunner

    from photonics_kg.cli import main

    runner = CliRunner()

    def invoke(*args, **kwargs):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return invoke
