"""Data-quality checks (queries/checks/*-violation.rq): nothing on clean data (the fixture graph
and the bundled sample), and exactly the planted problems on each check's bad fixture
(tests/data/checks/<check>.ttl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from photonics_kg.queries.library import all_queries, run

BAD = Path(__file__).parent / "data" / "checks"
CHECKS = [q for q in all_queries(("checks",)) if q.name.endswith("-violation")]
T = "https://w3id.org/photonics-kg/id/test/"

#: the focus nodes each bad fixture plants, worked out by hand from the file
PLANTED = {
    "siren-violation": {"bad-luhn", "bad-length"},
    "siret-violation": {"bad-luhn", "bad-length", "other-siren"},
    "label-violation": {"nameless", "blank"},
    "year-order-violation": {"partnership", "sponsorship", "a"},
    "evidence-source-violation": {"no-source", "no-object"},
    "rnsr-conflict-violation": {"lab"},
    "identifier-format-violation": {"lab", "firm", "place"},
    "partnership-partners-violation": {"alone", "empty"},
    "fact-roles-violation": {"sponsorship", "membership"},
}


def _store_of(path: Path):
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    store = KGStore()
    build(store, [str(path)], log=lambda m: None, progress=False)
    return store


def test_every_check_has_a_bad_fixture_and_planted_answers():
    """Guard: a check without a bad fixture is not tested at all."""
    assert len(CHECKS) >= 6
    assert sorted(PLANTED) == sorted(q.name for q in CHECKS)
    assert sorted(p.stem for p in BAD.glob("*.ttl")) == sorted(q.name for q in CHECKS)


@pytest.mark.parametrize("check", CHECKS, ids=lambda q: q.name)
def test_clean_fixture_has_no_violation(check, query_fixture_store):
    assert run(check, query_fixture_store).rows == []


@pytest.mark.parametrize("check", CHECKS, ids=lambda q: q.name)
def test_bad_fixture_is_caught(check):
    rows = run(check, _store_of(BAD / f"{check.name}.ttl")).values()
    assert rows, f"{check.name} found nothing in its bad fixture"
    assert {r["focus"].removeprefix(T) for r in rows} == PLANTED[check.name]
    assert all(isinstance(r["message"], str) and r["message"] for r in rows)


def test_messages_say_what_is_wrong():
    rows = run("siren-violation", _store_of(BAD / "siren-violation.ttl")).values()
    messages = {r["focus"].removeprefix(T): r["message"] for r in rows}
    assert messages == {"bad-luhn": "SIREN '123456789' fails the Luhn check digit",
                        "bad-length": "SIREN '55205902' is not 9 digits"}
    rows = run("year-order-violation", _store_of(BAD / "year-order-violation.ttl")).values()
    assert {"focus": T + "partnership", "message": "ends in 2010, before it starts in 2015"} in rows


def test_luhn_in_sparql_agrees_with_python(fresh_store):
    """The SPARQL Luhn check and the curated loader's luhn_ok agree on every digit pattern tried."""
    from rdflib import Graph, Literal, URIRef

    from photonics_kg.graph.store import SourceInfo
    from photonics_kg.loaders.curated import luhn_ok
    from photonics_kg.namespaces import PHOT

    numbers = [f"{n:09d}" for n in range(552059000, 552059100)]
    g = Graph()
    for n in numbers:
        g.add((URIRef(T + n), PHOT.siren, Literal(n)))
    fresh_store.replace_graph(URIRef(T + "graph"), g, SourceInfo("rdf", "synthetic", "0" * 64, synthetic=True))
    flagged = {r["focus"].removeprefix(T) for r in run("siren-violation", fresh_store).values()}
    assert flagged == {n for n in numbers if not luhn_ok(n)}
    assert 0 < len(flagged) < len(numbers)


def test_validate_runs_the_checks():
    from photonics_kg.graph.validate import run_checks

    n, violations = run_checks(_store_of(BAD / "partnership-partners-violation.ttl"))
    assert n == len(CHECKS)
    assert {v.focus for v in violations if v.source == "partnership-partners-violation"} == {T + "alone", T + "empty"}


def test_bundled_sample_has_no_violation():
    import os

    from photonics_kg.config import sample_sources
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    if not sample_sources():
        if os.environ.get("CI") == "true":
            pytest.fail("the bundled sample sources are missing")
        pytest.skip("the bundled sample sources are not in this checkout yet")
    store = KGStore()
    build(store, None, log=lambda m: None, progress=False)
    found = {q.name: run(q, store).values() for q in CHECKS}
    assert {k: v for k, v in found.items() if v} == {}
