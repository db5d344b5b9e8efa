"""``photonics-kg extract FILE...``: what the document extractor finds, without loading it.

``--format json`` prints one JSON object per document per line (JSON Lines), in the evaluation
format of ``../shared/corpus/README.md`` (doc, entities with label/aliases/type, relations
s/p/o/date/quote) plus iri, spans, confidence and the rule of each fact; ``--format ttl|trig``
prints the RDF the ``documents`` loader would store. ``--out DIR`` writes one file per document.
The gazetteer is what the store knows (``--store``); with no store yet, the bundled sample
sources are used.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from photonics_kg.cli import handle_errors, store_option


def _gazetteer(store_path: Path | None, log):
    from photonics_kg.config import default_store_path
    from photonics_kg.extraction.gazetteer import Gazetteer
    from photonics_kg.graph.store import KGStore

    path = store_path or default_store_path()
    if path.exists() and path.is_dir() and any(path.iterdir()):
        with KGStore(path, read_only=True) as store:
            gaz = Gazetteer.from_store(store)
        log(f"gazetteer: {len(gaz)} entities from the store {path}")
        return gaz
    if store_path is not None:
        from photonics_kg.errors import StoreError

        raise StoreError(f"no store at {store_path}: run 'photonics-kg build --store {store_path}' first")
    from photonics_kg.graph.build import build

    store = KGStore()
    build(store, None, log=lambda m: None, progress=False)
    gaz = Gazetteer.from_store(store)
    log(f"gazetteer: {len(gaz)} entities from the bundled sample sources (no store at {path})")
    return gaz


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "ttl", "trig"]), default="json",
              help="json: evaluation format, one object per document per line; ttl/trig: the RDF.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one file per document (<name>.json, .ttl or .trig) into this folder.")
@store_option
@click.option("--quiet", "-q", is_flag=True, help="Print only errors on standard error.")
@handle_errors
def extract(files, fmt, out_dir, store_path, quiet):
    """Run the document extractor on FILES (.txt, .md, .html, or folders of them); print what it finds."""
    from rdflib import Dataset, Graph

    from photonics_kg import iri as iris
    from photonics_kg.errors import SourceError
    from photonics_kg.extraction.pipeline import Extractor, write_rdf
    from photonics_kg.loaders.documents import document_files, read_documents
    from photonics_kg.namespaces import PREFIXES

    log = (lambda m: None) if quiet else (lambda m: click.echo(m, err=True))
    paths = []
    for f in files:
        if not f.exists():
            raise SourceError("no such file or folder", path=f)
        found = document_files(f)
        if f.is_dir() and not found:
            raise SourceError("no document in this folder (.txt, .md, .html)", path=f)
        paths.extend(found)
    docs = read_documents(paths)
    extractor = Extractor(_gazetteer(store_path, log))
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    union = Graph() if fmt == "ttl" else Dataset()
    for prefix, ns in PREFIXES.items():
        union.bind(prefix, ns)
    for result in extractor.extract_many(docs):
        d = result.doc
        linked = sum(1 for e in result.entities if e.linked)
        log(f"{d.name}: {d.encoding}, {len(result.entities)} entities ({linked} linked, "
            f"{len(result.entities) - linked} minted), {len(result.relations)} relations")
        if fmt == "json":
            data = result.to_json()
            if out_dir:
                (out_dir / f"{Path(d.name).stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                                                 encoding="utf-8")
            else:
                click.echo(json.dumps(data, ensure_ascii=False))
            continue
        graph = write_rdf(result).graph
        if out_dir:
            target = Dataset() if fmt == "trig" else Graph()
            for prefix, ns in PREFIXES.items():
                target.bind(prefix, ns)
            _add(target, graph, iris.graph_iri("documents", d.name), fmt)
            target.serialize(out_dir / f"{Path(d.name).stem}.{fmt}", format="trig" if fmt == "trig" else "turtle")
        else:
            _add(union, graph, iris.graph_iri("documents", d.name), fmt)
    if fmt != "json" and not out_dir:
        sys.stdout.write(union.serialize(format="trig" if fmt == "trig" else "turtle"))


def _add(target, graph, name, fmt):
    if fmt == "trig":
        g = target.graph(name)
        for t in graph:
            g.add(t)
    else:
        for t in graph:
            target.add(t)


def register(group):
    group.add_command(extract)
