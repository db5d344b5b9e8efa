"""Shared test fixtures: the hand-made fixture graph, paths to ../shared, CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"
FIXTURE_YAML = DATA / "fixture.yaml"
#: the query tests' layer over the shared fixture (tutelles, a renaming)
QUERY_FIXTURE_FILES = [DATA / "fixture.yaml", DATA / "fixture-queries.yaml"]


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


@pytest.fixture(scope="session")
def query_fixture_store():
    """The shared fixture plus the query tests' layer (fixture-queries.yaml), in memory."""
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    store = KGStore()
    build(store, [str(p) for p in QUERY_FIXTURE_FILES], log=lambda m: None, progress=False)
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


# -- the query library: fixture entities by key, Virtuoso --------------------------------------------
@pytest.fixture(scope="session")
def fixture_keys() -> dict[str, str]:
    """The IRI of every entity of fixture.yaml, by its key (``wnlo`` -> its IRI)."""
    import yaml

    from photonics_kg.iri import entity_iri

    keys = {}
    for path in QUERY_FIXTURE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        keys.update({e["key"]: str(entity_iri(e["type"], e["label"], {k: str(v) for k, v in (e.get("identifiers") or {}).items()}))
                     for e in data["entities"]})
    return keys


@pytest.fixture(scope="session")
def plain_rows(fixture_keys):
    """Turn a query Result into JSON-like rows: fixture entities as ``@key``, other IRIs compacted
    (``phot:Firm``), literals as Python values. Expected result files are written in this form."""
    from datetime import date
    from decimal import Decimal

    from rdflib import Literal, URIRef

    from photonics_kg.queries.library import compact, python_value

    by_iri = {iri: "@" + key for key, iri in fixture_keys.items()}

    def value(term):
        if isinstance(term, URIRef):
            return by_iri.get(str(term)) or compact(term)
        v = python_value(term) if isinstance(term, Literal) else str(term)
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, date):
            return v.isoformat()
        return v

    def convert(result, ignore=()):
        return [{k: value(v) for k, v in row.items() if k not in ignore} for row in result.rows]

    return convert


def _server_missing(program: str):
    """Skip when a server program is missing, or fail under CI=true, where it must be installed."""
    reason = f"{program} is not installed (Debian: bash .ci/install.d/virtuoso.sh)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def virtuoso(query_fixture_store, tmp_path_factory):
    """A private Virtuoso server on loopback (ephemeral ports) holding the fixture graph's named graphs."""
    from photonics_kg.graph.virtuoso import VirtuosoServer, find_virtuoso

    if find_virtuoso() is None:
        _server_missing("virtuoso-t")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        server.load_store(query_fixture_store)
        yield server
    finally:
        server.stop()
