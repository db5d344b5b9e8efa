"""``photonics-kg viz``: write the interactive network page (see :mod:`photonics_kg.graph.viz`)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from photonics_kg.cli import handle_errors, open_store, store_option
from photonics_kg.errors import ConfigError

TYPES = ("Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association", "Programme", "Event")


@click.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The HTML file to write (self-contained: open it offline).")
@click.option("--type", "types", multiple=True, metavar="T",
              help=f"Only nodes of this type (repeatable): {', '.join(TYPES)}.")
@click.option("--domain", "domains", multiple=True, metavar="D",
              help="Only organisations active in this application domain (French or English label; repeatable).")
@click.option("--region", "regions", multiple=True, metavar="R",
              help="Only organisations in this French région (repeatable).")
@click.option("--cluster", "clusters", multiple=True, metavar="C",
              help="Only this cluster (pôle) and its members (repeatable).")
@click.option("--year", type=click.IntRange(1800, 2100), default=None,
              help="As of this year: organisations that existed then, ties that held then.")
@click.option("--focus", default=None, metavar="NAME_OR_IRI",
              help="Ego network of one organisation: it and everything within --depth ties.")
@click.option("--depth", type=click.IntRange(1, 6), default=None,
              help="Ties from the --focus organisation to include [default: 2].")
@click.option("--aggregate", "aggregate_by", type=click.Choice(["auto", "region", "cluster", "none"]),
              default="auto",
              help="Draw groups instead of organisations; auto: by région above --max-nodes.")
@click.option("--max-nodes", type=click.IntRange(1, None), default=2000,
              help="Above this many nodes, 'auto' aggregates (browsers struggle to lay out more).")
@click.option("--title", default="Photonics ecosystem", help="Page title.")
@store_option
@handle_errors
def viz(out, types, domains, regions, clusters, year, focus, depth, aggregate_by, max_nodes, title, store_path):
    """Write an interactive network page: who is linked to whom, with filters and sources.

    Colour = type, size = centrality (degree), line style = relation. The page has a search box,
    filter menus (type, domain, région, cluster, year), a legend, and each node's details and
    source documents. Everything is inlined: the page works without a network.
    """
    from photonics_kg.graph.viz import Selection, graph_from_store, make_page

    if depth is not None and not focus:
        raise ConfigError("--depth needs --focus NAME_OR_IRI")
    if not out.parent.exists() and str(out.parent) not in ("", "."):
        raise ConfigError(f"the folder {out.parent} does not exist")
    sel = Selection(types=types, domains=domains, regions=regions, clusters=clusters, year=year,
                    focus=focus, depth=depth or 2)
    with open_store(store_path, read_only=True) as store:
        graph = graph_from_store(store)
    page = make_page(graph, sel, aggregate_by=aggregate_by, max_nodes=max_nodes, title=title)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(page.html, encoding="utf-8")
    os.replace(tmp, out)
    what = {"whole": "whole ecosystem", "ego": f"ego network of {focus}",
            "aggregated": f"aggregated by {page.aggregated_by} ({page.total_nodes} organisations)"}[page.view]
    click.echo(f"wrote {out}: {page.nodes} nodes, {page.edges} edges, {what}, "
               f"{len(page.html.encode('utf-8')) // 1024} KB")


def register(group: click.Group) -> None:
    group.add_command(viz)
