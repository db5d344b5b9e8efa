"""Commands of the query library and the endpoint: ``queries``, ``query``, ``serve``, ``push``.

``--endpoint URL`` (with :func:`endpoint_options`) lets a read command run against any SPARQL 1.1
server instead of the embedded store; later analysis commands reuse the same options::

    from photonics_kg.commands.queries import endpoint_options, open_source_from
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from photonics_kg.cli import handle_errors, store_option
from photonics_kg.errors import ConfigError, QueryError

FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")


def endpoint_options(fn):
    """``--endpoint URL``, ``--user``, ``--password``: read from a SPARQL 1.1 server instead of the store."""

    @click.option("--endpoint", default=None, envvar="PHOTONICS_KG_ENDPOINT", show_envvar=True,
                  help="Query this SPARQL 1.1 endpoint instead of the embedded store.")
    @click.option("--user", default=None, envvar="PHOTONICS_KG_USER", help="User for an endpoint that needs one.")
    @click.option("--password", default=None, envvar="PHOTONICS_KG_PASSWORD", show_envvar=True,
                  help="Password for --user (prefer the environment variable).")
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)

    return wrapper


def open_source_from(store_path, endpoint, user=None, password=None):
    """The store a read command works on: the endpoint when given, else the embedded store (read-only)."""
    from photonics_kg.graph.remote import open_source

    return open_source(store_path, endpoint, user=user, password=password)


def _parse_params(items: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {item!r}: write it as NAME=VALUE")
        params[key.strip()] = value
    return params


@click.command("queries")
@click.option("--all", "show_all", is_flag=True, help="Also list the data-quality checks and the internal queries.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@handle_errors
def list_queries(show_all, fmt):
    """List the query library: name, summary, parameters (type, default) and returned variables."""
    import json

    from photonics_kg.queries.library import FOLDERS, all_queries

    kinds = FOLDERS if show_all else ("select", "construct")
    queries = all_queries(kinds)
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "kind": q.kind, "form": q.form, "summary": q.summary,
                                "returns": q.returns, "path": q.path,
                                "params": [p.__dict__ for p in q.params]} for q in queries],
                              ensure_ascii=False, indent=2))
        return
    for q in queries:
        click.echo(f"{click.style(q.name, bold=True)}  [{q.kind}]  {q.summary}")
        for p in q.params:
            default = f" = {p.default}" if p.default is not None else ""
            click.echo(f"    --param {p.name}=…  {p.type}{default}  {p.doc}")
        if q.returns:
            click.echo(f"    returns: {' '.join(q.returns)}")
    click.echo(f"\n{len(queries)} queries; run one with: photonics-kg query NAME [--param k=v]... [--format table|csv|tsv|json]",
               err=True)


@click.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter of the query (repeatable); see 'photonics-kg queries'.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              help="table/csv/tsv/json (SPARQL 1.1 Results JSON)/xml for SELECT and ASK; "
                   "ttl/nt/jsonld for CONSTRUCT and DESCRIBE (table: Turtle, json: JSON-LD).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@store_option
@endpoint_options
@handle_errors
def query(name, params, fmt, out, store_path, endpoint, user, password):
    """Run the library query NAME (or a FILE.rq) and print its result.

    Parameters are bound as RDF terms of the declared type (a VALUES block), never pasted into
    the query text, so a value cannot change what the query does.

    \b
    photonics-kg query organisations --param type=phot:Firm --param region=id:place/nouvelle-aquitaine
    photonics-kg query lineage -p org=id:cluster/alpha-rlh -p year=2016 --format csv
    photonics-kg query my-question.rq --format json --endpoint http://127.0.0.1:8890/sparql
    """
    from photonics_kg.queries.library import format_result, get, run

    q = get(name)
    given = _parse_params(params)
    bindings = q.bindings(given)  # check the parameters before opening anything
    with open_source_from(store_path, endpoint, user, password) as store:
        from photonics_kg.queries.library import execute

        result = execute(store, q.text, bindings)
    text = format_result(result, fmt)
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        out.write_text(text, encoding="utf-8")
        n = f"{len(result.rows)} rows" if result.kind == "select" else (
            f"{len(result.graph)} triples" if result.kind == "graph" else str(result.boolean))
        click.echo(f"wrote {out} ({n})", err=True)


@click.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", help="Interface to listen on (0.0.0.0: every interface; think twice).")
@click.option("--port", default=7878, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--timeout", default=30.0, type=click.FloatRange(0.1, None), help="Seconds a query may run.")
@click.option("--result-limit", default=100_000, type=click.IntRange(1, None),
              help="Most rows (or triples) a result may have; larger results are refused, never cut.")
@click.option("--workers", default=2, type=click.IntRange(1, 64), help="Queries that can run at once.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (federated queries to other endpoints).")
@click.option("--cors-origin", default="*", help="Access-Control-Allow-Origin sent to browsers.")
@click.option("--in-memory", is_flag=True,
              help="Each worker copies the store into memory at start: queries 10-20x faster, "
                   "~0.5 GB of RAM per worker per million triples.")
@handle_errors
def serve(store_path, host, port, timeout, result_limit, workers, allow_service, cors_origin, in_memory):
    """A read-only SPARQL 1.1 endpoint over the store, with a query page for people.

    \b
    GET/POST /sparql   the SPARQL 1.1 Protocol (no query: the service description)
    GET /              the query page (editor, named queries, result table)
    GET /queries/NAME?param=value   a named query with its parameters
    """
    from photonics_kg.config import default_store_path
    from photonics_kg.endpoint import EndpointConfig, make_server

    config = EndpointConfig(store_path or default_store_path(), timeout=timeout, result_limit=result_limit,
                            allow_service=allow_service, workers=workers, cors_origin=cors_origin,
                            in_memory=in_memory)
    server = make_server(config, host, port)
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    click.echo(f"SPARQL endpoint: http://{shown}:{bound_port}/sparql   query page: http://{shown}:{bound_port}/", err=True)
    click.echo(f"store {config.store_path} (read-only{', copied in memory' if in_memory else ''}), "
               f"{len(server.endpoint.graphs)} graphs; "
               f"time limit {timeout:g} s, result limit {result_limit}; Ctrl-C stops", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: other machines can query this store", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@click.command("push")
@store_option
@click.option("--endpoint", required=True,
              help="Graph Store Protocol URL (Virtuoso: http://HOST:8890/sparql-graph-crud-auth; Fuseki: "
                   "http://HOST:3030/DATASET/data), or the SPARQL Update URL with --protocol update.")
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp")
@click.option("--user", default=None, envvar="PHOTONICS_KG_USER")
@click.option("--password", default=None, envvar="PHOTONICS_KG_PASSWORD", show_envvar=True,
              help="Password for --user (prefer the environment variable).")
@click.option("--graph", "graphs", multiple=True, help="Push only this named graph (repeatable).")
@click.option("--chunk", default=50_000, type=click.IntRange(1, None), help="Triples per request.")
@handle_errors
def push(store_path, endpoint, protocol, user, password, graphs, chunk):
    """Copy the store's named graphs to a SPARQL server, replacing the graphs of the same names there."""
    from tqdm import tqdm

    from photonics_kg.cli import open_store
    from photonics_kg.graph.remote import push as run_push

    with open_store(store_path, read_only=True) as store:
        names = list(graphs) or store.named_graphs()
        bar = tqdm(total=len(names), desc="pushing graphs", unit="graph", disable=not sys.stderr.isatty())

        def progress(name, n):
            bar.set_postfix_str(name.rsplit("/", 1)[-1])
            bar.update(1)

        report = run_push(store, endpoint, protocol=protocol, user=user, password=password,
                          graphs=list(graphs) or None, chunk=chunk, progress=progress)
        bar.close()
    click.echo(f"pushed {report.graphs} graphs, {report.triples} triples to {endpoint} in {report.requests} requests")


def register(group: click.Group) -> None:
    for command in (list_queries, query, serve, push):
        group.add_command(command)


__all__ = ["endpoint_options", "open_source_from", "register", "ConfigError"]
