"""``photonics-kg analyze`` and ``photonics-kg gaps``: the structure of the ecosystem and the strategy-gap report.

``analyze`` prints the network's size, brokers, cohesion, communities, single points of failure
and dependence on the sponsors (text or JSON); ``gaps`` writes the report for the steering
committee (HTML or Markdown, French or English) and, with ``--fail-on-gaps``, exits 1 when the
number of gaps exceeds ``--max-gaps``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from photonics_kg.cli import handle_errors, open_store, store_option

endpoint_option = click.option("--endpoint", default=None, metavar="URL",
                               help="Read from this SPARQL 1.1 endpoint instead of the store.")
year_option = click.option("--year", type=int, default=None,
                           help="As of this year (organisations existing, ties holding then) [default: every fact].")
backend_option = click.option("--backend", type=click.Choice(["auto", "networkx", "igraph"]), default="auto",
                              help="Library for the heavy metrics (auto: python-igraph above 3000 actors).")


class _Source:
    """The store or the endpoint, opened for the duration of a command."""

    def __init__(self, store_path, endpoint, *, writable=False):
        self.store_path, self.endpoint, self.writable = store_path, endpoint, writable
        self.store = None

    def __enter__(self):
        if self.endpoint:
            from photonics_kg.graph.projection import SparqlEndpoint

            self.store = SparqlEndpoint(self.endpoint)
            self.name = self.endpoint
        else:
            self.store = open_store(self.store_path, read_only=not self.writable)
            self.name = str(self.store.path)
        return self.store

    def __exit__(self, *exc):
        if hasattr(self.store, "close"):
            self.store.close()


def _progress(enabled: bool):
    if not enabled:
        return None
    return lambda name: click.echo(f"  {name}…", err=True)


@click.command()
@store_option
@endpoint_option
@year_option
@backend_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--top", type=int, default=10, help="How many actors to list per measure.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", help="Language of the labels.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@handle_errors
def analyze(store_path, endpoint, year, backend, fmt, top, lang, quiet):
    """Network structure: size, brokers, cores, communities, single points of failure, sponsors."""
    from photonics_kg.graph import analysis as an
    from photonics_kg.graph.projection import actor_graph, project

    say = _progress(not quiet and sys.stderr.isatty())
    with _Source(store_path, endpoint) as store:
        if say:
            say("projection")
        P = project(store, year)
    A = actor_graph(P)
    result = an.analyze(A, sponsors=an.sponsor_groups(P), backend=backend, top=top, lang=lang, progress=say)
    result["year"] = year
    result["projection_timings"] = P.graph.get("timings")
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=_jsonable))
        return
    _print_text(result, top)


def _jsonable(value):
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def _print_text(r: dict, top: int) -> None:
    s = r["summary"]
    when = f" as of {r['year']}" if r.get("year") is not None else ""
    click.echo(f"network{when}: {s['nodes']} actors, {s['ties']} ties, {s['components']} components "
               f"(largest {s['largest_component']} = {s['largest_component_share']:.0%}), {s['isolated']} isolated, "
               f"density {s['density']:.4f}  [backend: {r['backend']}]")
    click.echo("  " + ", ".join(f"{k}: {n}" for k, n in s["kinds"].items()))
    click.echo("\nbrokers (betweenness, degree, Burt constraint, effective size, single point of failure):")
    for b in r["brokers"]:
        click.echo(f"  {b['betweenness']:8.4f}  {b['degree']:4d}  {_num(b['constraint'])}  {_num(b['effective_size'])}  "
                   f"{'SPOF' if b['articulation_point'] else '    '}  {b['label']} ({b['kind']})")
    click.echo("\neigenvector (largest component):  " + ", ".join(f"{x['label']} {x['eigenvector']:.3f}" for x in r["top_eigenvector"][:5]))
    click.echo("pagerank:  " + ", ".join(f"{x['label']} {x['pagerank']:.3f}" for x in r["top_pagerank"][:5]))
    mc = r["main_core"]
    click.echo(f"\nmain core: k = {mc['k']}, {mc['size']} actors: {', '.join(mc['members'][:top])}")
    click.echo(f"\ncommunities (Louvain, modularity {r['modularity']:.3f}; {r['community_count']} with more than one actor):")
    for c in r["communities"]:
        click.echo(f"  {c['size']:5d}  {c['name']}: {', '.join(c['members'][:6])}{' …' if c['size'] > 6 else ''}")
    a = r["articulation_points"]
    click.echo(f"\nsingle points of failure: {a['count']} articulation points, {r['bridges']['count']} bridges")
    for x in a["top"]:
        click.echo(f"  {x['label']}")
    d = r.get("sponsor_dependence")
    if d:
        click.echo(f"\nsponsors ({', '.join(d['groups'])}): {d['link_share']:.1%} of the ties, "
                   f"{d['path_share']:.1%} of the shortest paths between other actors, "
                   f"{d['cut_share']:.1%} of the connected pairs cut without them; "
                   f"sponsorship HHI {d['sponsorship_hhi']:.2f}, brokerage HHI {r['brokerage_hhi']:.2f}"
                   + (f" (paths sampled from {d['path_samples']} sources)" if d.get("path_samples") else ""))
    else:
        click.echo("\nsponsors: none (no firm with a sponsorOf tie)")
    total = sum(r["timings"].values()) + sum((r.get("projection_timings") or {}).values())
    click.echo(f"\n{total:.2f} s (projection {sum((r.get('projection_timings') or {}).values()):.2f} s)")


def _num(x) -> str:
    return "   —  " if x is None else f"{x:6.3f}"


@click.command()
@store_option
@endpoint_option
@year_option
@backend_option
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The report file to write.")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default=None,
              help="Report format [default: from the file name, else html].")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", help="Language of the report.")
@click.option("--top", type=int, default=10, help="Rows in the brokers and recommendations tables.")
@click.option("--weak-below", type=click.IntRange(min=1), default=3,
              help="A domain × région cell with fewer organisations than this is weak.")
@click.option("--max-contacts", type=click.IntRange(min=0), default=1,
              help="Flag domains whose international ties go through at most this many French actors.")
@click.option("--hypotheses/--no-hypotheses", default=True,
              help="Write the suggested partnerships to the hypotheses named graph (local store only).")
@click.option("--fail-on-gaps", is_flag=True, help="Exit 1 when the number of gaps exceeds --max-gaps.")
@click.option("--max-gaps", type=click.IntRange(min=0), default=0, help="Gaps tolerated by --fail-on-gaps.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@handle_errors
def gaps(store_path, endpoint, year, backend, out, fmt, lang, top, weak_below, max_contacts, hypotheses,
         fail_on_gaps, max_gaps, quiet):
    """Write the strategy-gap report (HTML or Markdown; French, or English with --lang en)."""
    from photonics_kg.graph import report as rp
    from photonics_kg.graph.gaps import Thresholds

    fmt = fmt or ("md" if out.suffix.lower() in (".md", ".markdown") else "html")
    thresholds = Thresholds(weak_below=weak_below, max_contacts=max_contacts)
    write = hypotheses and not endpoint
    with _Source(store_path, endpoint, writable=write) as store:
        report = rp.build_report(store, year=year, lang=lang, thresholds=thresholds, top=top, backend=backend,
                                 write_hypotheses=write, source=endpoint or str(store.path),
                                 progress=False if quiet else True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(rp.render(report, fmt), encoding="utf-8")
    os.replace(tmp, out)
    click.echo(f"wrote {out}: {report.gap_count} gaps, {len(report.data['recommendations'])} suggested partnerships"
               + (" (hypotheses graph updated)" if write else ""), err=True)
    if fail_on_gaps and report.gap_count > max_gaps:
        click.echo(f"error: {report.gap_count} gaps exceed --max-gaps {max_gaps}", err=True)
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(analyze)
    group.add_command(gaps)
