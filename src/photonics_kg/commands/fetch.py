"""``photonics-kg fetch sirene``: page through INSEE's API Sirene 3.11 with the user's token.

A search (``/siret`` or ``/siren`` with ``q=``) is paged with ``curseur``: the first request sends
``curseur=*``, each answer's ``header.curseurSuivant`` is the next page, and the last page is the one
whose ``curseurSuivant`` equals its ``curseur``. Every page is saved as it came (``page-0001.json``,
...) so the run can be reloaded offline, and ``--load`` loads them into the store with the
``sirene`` loader. A single record is ``--siret`` or ``--siren``. Too many requests (HTTP 429) are
retried after the delay the API asks for; a rejected token is an error, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from photonics_kg.cli import handle_errors, open_store, store_option
from photonics_kg.errors import ConfigError, SourceError
from photonics_kg.sirene_api import API, SireneClient, naf_query

@click.group()
def fetch():
    """Fetch records from registries' APIs into files (and the store)."""


@fetch.command("sirene")
@click.option("--token", envvar="SIRENE_API_TOKEN", show_envvar=True, default=None, help="Bearer token (Authorization header).")
@click.option("--api-key", envvar="SIRENE_API_KEY", show_envvar=True, default=None, help="API key of the INSEE portal (X-INSEE-Api-Key-Integration).")
@click.option("--kind", type=click.Choice(["siret", "siren"]), default="siret", help="Search establishments or legal units.")
@click.option("--q", "query", default=None, help="A raw API Sirene query (multi-criteria syntax).")
@click.option("--naf", multiple=True, help="NAF codes to search for (repeatable); default: the photonics codes when no --q.")
@click.option("--siret", default=None, help="Fetch one establishment.")
@click.option("--siren", default=None, help="Fetch one legal unit.")
@click.option("--page-size", type=click.IntRange(1, 1000), default=1000)
@click.option("--max", "max_records", type=int, default=None, help="Stop after this many records.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("sirene-api"), help="Folder for the pages.")
@click.option("--base-url", default=API, help="API root (a test server, a proxy).")
@click.option("--load/--no-load", default=False, help="Load the pages into the store.")
@store_option
@handle_errors
def fetch_sirene(token, api_key, kind, query, naf, siret, siren, page_size, max_records, out, base_url, load, store_path):
    """Page through API Sirene 3.11 with your token; save each page; optionally load them."""
    from photonics_kg.loaders.sirene import default_naf_codes, luhn_siren, luhn_siret, normalise_naf

    client = SireneClient(base_url, token=token, api_key=api_key)
    out.mkdir(parents=True, exist_ok=True)
    files = []
    if siret or siren:
        if siret and not luhn_siret(siret):
            raise ConfigError(f"{siret!r} is not a valid SIRET")
        if siren and not luhn_siren(siren):
            raise ConfigError(f"{siren!r} is not a valid SIREN")
        answer = client.get(f"siret/{siret}" if siret else f"siren/{siren}")
        if (answer.get("header") or {}).get("statut", 200) != 200:
            raise SourceError(f"API Sirene: {answer['header'].get('statut')} {answer['header'].get('message')}")
        path = out / f"{'siret_' + siret if siret else 'siren_' + siren}.json"
        path.write_text(json.dumps(answer, ensure_ascii=False, indent=1), encoding="utf-8")
        files.append(path)
    else:
        if not query:
            codes = [normalise_naf(c) for c in naf] if naf else sorted(default_naf_codes())
            if None in codes:
                raise ConfigError("--naf takes NAF rév. 2 codes such as 26.70Z")
            query = naf_query(kind, codes)
        records = 0
        for i, page in enumerate(client.search(kind, query, page_size=page_size, max_records=max_records), start=1):
            path = out / f"page-{i:04d}.json"
            path.write_text(json.dumps(page, ensure_ascii=False, indent=1), encoding="utf-8")
            files.append(path)
            records += int((page.get("header") or {}).get("nombre") or 0)
            click.echo(f"page {i}: {records} records", err=True)
    click.echo(f"{len(files)} file(s) in {out} ({client.requests} requests)")
    if load and files:
        from photonics_kg.graph.build import build

        with open_store(store_path) as store:
            build(store, [str(f) for f in files], log=lambda m: click.echo(m, err=True))


def register(group):
    group.add_command(fetch)
