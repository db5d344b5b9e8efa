"""Registry commands: load SIRENE or CORDIS with filters, enrich from Wikidata, resolve entities.

``photonics-kg build FILE`` loads any registry file with its default filters; these commands
expose the options: NAF codes, départements and a SIREN list for SIRENE, every project or only
photonics for CORDIS, the SPARQL endpoint and cache for Wikidata, and the decisions file of
entity resolution.
"""

from __future__ import annotations

from pathlib import Path

import click

from photonics_kg.cli import handle_errors, open_store, store_option


@click.group("load")
def load_group():
    """Load a registry file with options (``build`` uses the defaults)."""


@load_group.command("sirene")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--naf", multiple=True, help="Keep these NAF codes (repeatable) [default: the 13 photonics codes].")
@click.option("--all-naf", is_flag=True, help="Keep every activity.")
@click.option("--dep", "deps", multiple=True, help="Keep these départements (repeatable: 33, 2A, 974).")
@click.option("--siren-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Keep the SIRENs listed (one a line).")
@click.option("--include-closed", is_flag=True, help="Keep closed establishments and units too.")
@click.option("--engine", type=click.Choice(["auto", "duckdb", "python"]), default="auto",
              help="Scan engine: DuckDB for files of 32 MB and more when auto.")
@click.option("--force", is_flag=True, help="Reload even when unchanged.")
@store_option
@handle_errors
def load_sirene(path, naf, all_naf, deps, siren_file, include_closed, engine, force, store_path):
    """Stream a SIRENE stock file (or API JSON) into the store, filtering first."""
    from photonics_kg.graph.build import SourceSpec, build
    from photonics_kg.loaders.sirene import SireneFilter, SireneLoader, default_naf_codes, read_siren_list

    filt = SireneFilter(naf=None if all_naf else (frozenset(naf) if naf else default_naf_codes()),
                        departements=frozenset(deps) if deps else None,
                        sirens=read_siren_list(siren_file) if siren_file else None,
                        active_only=not include_closed)
    click.echo(f"filter: {filt.describe()}", err=True)
    with open_store(store_path) as store:
        report = build(store, [SourceSpec(SireneLoader(filt, engine=engine), path, str(path))], force=force,
                       log=lambda m: click.echo(m, err=True))
    for rep in report.reports:
        for note in rep.notes[-1:]:
            click.echo(note)
        if rep.rejected:
            click.echo(f"{len(rep.rejected)} rejected row(s):")
            for r in rep.rejected:
                click.echo(f"  {path}:{r.line or '?'}: {r.field or ''}: {r.reason}")


@load_group.command("cordis")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--all-projects", is_flag=True, help="Keep every project, not only photonics ones.")
@click.option("--force", is_flag=True)
@store_option
@handle_errors
def load_cordis(path, all_projects, force, store_path):
    """Load a CORDIS project.csv or organization.csv."""
    from photonics_kg.graph.build import SourceSpec, build
    from photonics_kg.loaders.cordis import CordisLoader

    with open_store(store_path) as store:
        build(store, [SourceSpec(CordisLoader(photonics_only=not all_projects), path, str(path))], force=force,
              log=lambda m: click.echo(m, err=True))


@click.group("enrich")
def enrich_group():
    """Enrich the store from external services."""


@enrich_group.command("wikidata")
@click.option("--endpoint", default="https://query.wikidata.org/sparql", help="SPARQL endpoint.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Answer cache [default: $XDG_CACHE_HOME/photonics-kg/wikidata].")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Enrichment file [default: <cache>/wikidata-enrichment.json].")
@click.option("--offline", is_flag=True, help="Use only cached answers (rebuilds without network).")
@click.option("--batch", type=click.IntRange(1, 1000), default=200)
@store_option
@handle_errors
def enrich_wikidata(endpoint, cache, out, offline, batch, store_path):
    """Find the Wikidata items of the store's organisations (SIREN, RNSR, ROR) and load them."""
    from photonics_kg.graph.build import build
    from photonics_kg.graph.wikidata import default_cache, enrich

    cache = cache or default_cache()
    out = out or cache / "wikidata-enrichment.json"
    with open_store(store_path) as store:
        counts = enrich(store, out, endpoint=endpoint, cache=cache, offline=offline, batch=batch,
                        log=lambda m: click.echo(m, err=True))
        build(store, [f"wikidata={out}"], log=lambda m: click.echo(m, err=True))
    click.echo(f"{counts['items']} Wikidata answer(s) for {counts['identifiers']} identifier(s); file {out}")


@click.command("resolve")
@click.option("--decisions", type=click.Path(dir_okay=False, path_type=Path), default=Path("er-decisions.yaml"),
              show_default=True, help="The decisions file a maintainer edits (created if missing).")
@click.option("--limit", type=int, default=50, help="Lines of the report per section.")
@store_option
@handle_errors
def resolve_cmd(decisions, limit, store_path):
    """Entity resolution: identifiers, then names + place; owl:sameAs into graph/derived/same-as."""
    from photonics_kg.graph.consolidation import report_text, resolve

    with open_store(store_path) as store:
        result = resolve(store, decisions)
    click.echo(report_text(result, limit=limit))
    click.echo(f"\ndecisions file: {decisions}")


def register(group):
    group.add_command(load_group)
    group.add_command(enrich_group)
    group.add_command(resolve_cmd)
