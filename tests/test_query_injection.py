"""Parameters cannot change a query: quotes, braces, comments and SPARQL keywords in a value are
bound as one RDF term, never pasted into the text (library, command line, endpoint)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal

from photonics_kg.errors import QueryError
from photonics_kg.queries.library import bind_values, get, run

ATTACKS = [
    'laser" } UNION { ?org ?nameProperty ?matched } #',
    "laser' } ; DROP ALL ; #",
    '"))) } } DROP ALL',
    "} INSERT DATA { <urn:x> <urn:x> <urn:x> } #",
    "INSERT DATA { GRAPH <urn:g> { <urn:x> <urn:x> <urn:x> } }",
    "DROP ALL",
    "#",
    "}",
    "{",
    "\\",
    '\\" } #',
    "line\nbreak } DROP ALL",
    "\u0000",
]


def _values_block(text: str, bound: str) -> str:
    """What bind_values added to ``text``; it must be exactly the VALUES blocks."""
    i = 0
    while i < len(text) and text[i] == bound[i]:
        i += 1
    added = bound[i:len(bound) - (len(text) - i)]
    assert bound[:i] + bound[i + len(added):] == text, "the query text itself was changed"
    return added


@pytest.mark.parametrize("attack", ATTACKS)
def test_string_parameter_is_one_literal(attack, query_fixture_store):
    q = get("find-organisation")
    bound = bind_values(q.text, q.bindings({"name": attack}))
    added = _values_block(q.text, bound)
    assert added.startswith(" VALUES ?name {") and added.endswith("}")
    before = len(query_fixture_store)
    result = run(q, query_fixture_store, {"name": attack})
    # no organisation's name contains the attack text: nothing matches, nothing is changed
    assert result.rows == []
    assert len(query_fixture_store) == before


def test_injection_attempt_does_not_widen_the_result(query_fixture_store):
    """The classic attack closes the string and adds a UNION matching everything."""
    plain = run("find-organisation", query_fixture_store, {"name": "laser"})
    attacked = run("find-organisation", query_fixture_store, {"name": ATTACKS[0]})
    assert len(plain.rows) == 2 and attacked.rows == []


@pytest.mark.parametrize("value", ['id:x> } DROP ALL #', "http://a/b> . ?s ?p ?o", "http://a/{b}", "http://a b",
                                   'http://a/"b"', "phot:Firm }", "DROP ALL"])
def test_iri_parameter_rejects_what_is_not_an_iri(value):
    with pytest.raises(QueryError, match="not an IRI"):
        get("organisations").bindings({"type": value})


@pytest.mark.parametrize("value", ["2016 } DROP ALL", "2016\"", "1; DROP ALL", "{2016}"])
def test_integer_parameter_rejects_what_is_not_an_integer(value):
    with pytest.raises(QueryError, match="not an integer"):
        get("partnerships").bindings({"year": value})


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_any_text_comes_back_as_the_same_single_literal(text):
    """Round trip: whatever the text, the query sees exactly one literal equal to it."""
    from photonics_kg.graph.store import KGStore

    store = _EMPTY.setdefault("store", KGStore())
    rows = store.select("SELECT ?v (STRLEN(?v) AS ?n) WHERE { }", {"v": Literal(text)})
    assert rows == [{"v": text, "n": len(text)}]


_EMPTY: dict = {}


@pytest.mark.parametrize("attack", ATTACKS[:6])
def test_command_line_binds_safely(attack, cli, tmp_path):
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    path = tmp_path / "store"
    with KGStore(path) as store:
        build(store, [str(_fixture())], log=lambda m: None, progress=False)
        before = len(store)
    result = cli("query", "find-organisation", "--store", path, "--param", f"name={attack}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["org,label,type,matched"]
    with KGStore(path, read_only=True) as store:
        assert len(store) == before


def _fixture():
    from pathlib import Path

    return Path(__file__).parent / "data" / "fixture.yaml"
