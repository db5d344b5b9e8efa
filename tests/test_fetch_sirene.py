"""``photonics-kg fetch sirene`` against a local server replaying recorded API Sirene 3.11 answers."""

from __future__ import annotations

import json

import pytest

from photonics_kg.sirene_api import SireneClient, naf_query
from photonics_kg.errors import ConfigError, SourceError

from conftest import shared_path
from registries_servers import serve, sirene_replay_handler


def recorded():
    folder = shared_path("data", "sirene", "api_sirene_3.11")
    return {
        "siret/39860733300059": json.loads((folder / "siret_39860733300059.json").read_text()),
        "siren/809893225": json.loads((folder / "siren_809893225.json").read_text()),
        "search:siren": json.loads((folder / "siren_multicriteria_search.json").read_text()),
    }


def test_search_pages_with_curseur(tmp_path, cli):
    requests = []
    with serve(sirene_replay_handler(recorded(), requests)) as (url, _):
        out = tmp_path / "pages"
        result = cli("fetch", "sirene", "--token", "T0KEN", "--kind", "siren", "--q", "periode(etatAdministratifUniteLegale:C)",
                     "--base-url", url + "/entreprises/sirene/V3.11", "--out", out, "--load", "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    cursors = [params["curseur"] for _path, params, _h in requests]
    assert cursors == ["*", "C10"]
    assert all(h.get("Authorization") == "Bearer T0KEN" for *_x, h in requests)
    pages = sorted(out.glob("page-*.json"))
    assert len(pages) == 2
    assert sum(len(json.loads(p.read_text())["unitesLegales"]) for p in pages) == 20
    from photonics_kg.graph.store import KGStore

    with KGStore(tmp_path / "store", read_only=True) as store:
        n = store.select("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x phot:siren ?s }")[0]["n"]
    assert n == 20


def test_single_record_and_bad_token(tmp_path, cli):
    with serve(sirene_replay_handler(recorded(), [])) as (url, _):
        base = url + "/entreprises/sirene/V3.11"
        result = cli("fetch", "sirene", "--api-key", "T0KEN", "--siret", "39860733300059", "--base-url", base, "--out", tmp_path)
        assert result.exit_code == 0, result.output
        assert json.loads((tmp_path / "siret_39860733300059.json").read_text())["etablissement"]["siren"] == "398607333"
        result = cli("fetch", "sirene", "--token", "wrong", "--siret", "39860733300059", "--base-url", base, "--out", tmp_path)
        assert result.exit_code == 2 and "refused the token" in result.output
        result = cli("fetch", "sirene", "--token", "T0KEN", "--siret", "39860733300058", "--base-url", base, "--out", tmp_path)
        assert result.exit_code == 2 and "not a valid SIRET" in result.output


def test_client_needs_a_token_and_builds_naf_queries():
    with pytest.raises(ConfigError):
        SireneClient("http://127.0.0.1:9", token=None)
    assert naf_query("siren", ["26.70Z"]) == "periode(activitePrincipaleUniteLegale:26.70Z)"


def test_unreachable_api_is_a_clear_error():
    client = SireneClient("http://127.0.0.1:9", token="x", timeout=2)
    with pytest.raises(SourceError, match="cannot reach"):
        client.get("siret/39860733300059")
