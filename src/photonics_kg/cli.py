"""The ``photonics-kg`` command line: thin commands over the library.

Exit codes: 0 ok, 1 checks failed (validation), 2 bad input or runtime error. Errors are printed
as one clear message, never as a traceback.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from photonics_kg import __version__
from photonics_kg.config import STORE_ENV, default_store_path
from photonics_kg.errors import PhotonicsKGError


def _fail(message: str, code: int = 2):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handle_errors(fn):
    """Turn library errors into a message on stderr and the documented exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PhotonicsKGError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; the store keeps its last complete state", 2)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper


store_option = click.option(
    "--store", "store_path", type=click.Path(file_okay=False, path_type=Path), envvar=STORE_ENV,
    default=None, show_envvar=True,
    help=f"Store directory [default: {default_store_path()}].")


def open_store(store_path: Path | None, *, read_only: bool = False, wait: bool = False):
    """The store for a command: the published generation (read-only), or a new one to write.

    A writer's changes are published when its ``with`` block ends without an exception; a second
    writer is refused with the first one's PID unless ``wait`` (see graph/storedir.py).
    """
    from photonics_kg.graph.store import KGStore

    path = store_path or default_store_path()
    if read_only:
        return KGStore(path, read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return KGStore(path, wait=wait)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(__version__, prog_name="photonics-kg")
def main():
    """photonics-kg: a knowledge graph of the French photonics ecosystem.

    Build the graph from sources, validate it, count what is in it, export it.
    Exit codes: 0 ok, 1 checks failed, 2 bad input or error.
    """


@main.command()
@click.argument("sources", nargs=-1)
@store_option
@click.option("--force", is_flag=True, help="Reload sources even when unchanged since their last load.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--wait", is_flag=True, help="When another build is writing the store, wait for it instead of failing.")
@handle_errors
def build(sources, store_path, force, quiet, wait):
    """Load SOURCES into the store (none: the bundled sample sources).

    A SOURCE is a path (a curated YAML file, an RDF file, a folder of them; recognised by header
    or extension) or LOADER=PATH. Each source becomes one named graph with its provenance; a
    source that fails to load leaves the store as it was. Readers (stats, export, a server) keep
    seeing the previous complete store until the build publishes the new one.
    """
    from photonics_kg.graph.build import build as run_build

    log = (lambda m: None) if quiet else (lambda m: click.echo(m, err=True))
    with open_store(store_path, wait=wait) as store:
        report = run_build(store, list(sources), force=force, log=log, progress=None if not quiet else False)
        if not quiet:
            click.echo(f"store {store.path}: {len(store)} quads in {len(store.named_graphs())} graphs "
                       f"({report.triples_written} triples written, {report.seconds:.1f} s)")


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@handle_errors
def validate(store_path, fmt):
    """SHACL-validate the store and run the data-quality checks (exit 1 on violations)."""
    import json

    from photonics_kg.graph.validate import validate_store

    with open_store(store_path, read_only=True) as store:
        report = validate_store(store)
    if fmt == "json":
        click.echo(json.dumps({"conforms": report.conforms, "violations": [v.__dict__ for v in report.violations]},
                              ensure_ascii=False, indent=2))
    else:
        for v in report.violations[:200]:
            click.echo(f"{v.source}: {v.focus}: {v.message}" + (f" ({v.path})" if v.path else ""))
        state = "conforms" if report.conforms else f"{len(report.violations)} violation(s)"
        click.echo(f"{state}: {report.shapes_run} shapes, {report.checks_run} checks")
    if not report.conforms:
        sys.exit(1)


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@handle_errors
def stats(store_path, fmt):
    """Counts by class, by source graph and in total."""
    import json

    from photonics_kg.graph.stats import store_stats

    with open_store(store_path, read_only=True) as store:
        s = store_stats(store)
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"quads: {s['quads']}   named graphs: {len(s['graphs'])}   organisations: {s['organisations']}")
    click.echo("\nby class:")
    for cls, n in s["classes"].items():
        click.echo(f"  {n:6d}  {cls}")
    click.echo("\nby source graph:")
    for g in s["graphs"]:
        flag = "  [sample]" if g.get("sample") else ""
        click.echo(f"  {g['triples']:6d}  {g['graph']}  ({g['loader']} {g['version']}, {g['source']}){flag}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["ttl", "trig", "nt", "nq", "jsonld"]), default="trig")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file [default: standard output].")
@store_option
@handle_errors
def export(fmt, out, store_path):
    """Dump the store: ttl/nt (union of the graphs), trig/nq (named graphs kept), jsonld."""
    with open_store(store_path, read_only=True) as store:
        if out is None:
            store.export(fmt, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            tmp = out.with_name(out.name + ".part")
            with open(tmp, "wb") as f:
                store.export(fmt, f)
            os.replace(tmp, out)
            click.echo(f"wrote {out}", err=True)


def _register_commands() -> None:
    """Add the commands of every module of ``photonics_kg.commands``."""
    import pkgutil
    from importlib import import_module

    import photonics_kg.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = import_module(f"photonics_kg.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(main)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
