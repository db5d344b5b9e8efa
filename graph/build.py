"""Build: load sources into the store, then derive what follows from them.

All sources are read and checked first; only when every one of them is valid are their graphs
written, each in its own transaction. A bad source therefore leaves the whole store as it was.
A source whose file and loader are unchanged since its last load is kept as it is, so building
twice gives the same store.
"""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from rdflib import URIRef

from photonics_kg import iri as iris
from photonics_kg.config import package_file, sample_sources
from photonics_kg.errors import ConfigError, SourceError
from photonics_kg.graph.store import KGStore, LoadResult, SourceInfo
from photonics_kg.loaders import base
from photonics_kg.loaders.base import LoadedGraph, LoadReport

ONTOLOGY_FILES = ("photonics.ttl", "domains.ttl", "naf.ttl")


@dataclass
class SourceSpec:
    loader: base.Loader
    path: Path
    display: str


@dataclass
class BuildReport:
    reports: list[LoadReport] = field(default_factory=list)
    graphs: list[LoadResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples_written(self) -> int:
        return sum(g.triples for g in self.graphs if not g.skipped)


def parse_source(text: str) -> SourceSpec:
    """``PATH`` (loader recognised from the file) or ``LOADER=PATH``."""
    if "=" in text and not Path(text).exists():
        name, _, path = text.partition("=")
        loader = base.get(name.strip())
        p = Path(path).expanduser()
        if not p.exists():
            raise SourceError("no such file or folder", path=p)
        return SourceSpec(loader, p, text)
    p = Path(text).expanduser()
    return SourceSpec(base.detect(p), p, text)


def expand(spec: SourceSpec) -> list[SourceSpec]:
    """A folder given without a loader stands for the loadable files in it."""
    if spec.path.is_dir() and not getattr(spec.loader, "reads_folders", False):
        found = []
        for child in sorted(spec.path.iterdir()):
            if child.is_file() and not child.name.startswith("."):
                try:
                    found.append(SourceSpec(base.detect(child), child, str(child)))
                except SourceError:
                    continue
        if not found:
            raise SourceError("the folder holds no file any loader reads", path=spec.path)
        return found
    return [spec]


def _sha256(path: Path) -> str:
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(path)).encode())
            h.update(base.sha256_file(f).encode())
        return h.hexdigest()
    return base.sha256_file(path)


def build(store: KGStore, sources: list[str] | None = None, *, force: bool = False,
          log: Callable[[str], None] | None = None, progress: bool | None = None) -> BuildReport:
    """Load ``sources`` (none: the bundled sample) plus the ontology into ``store``."""
    from tqdm import tqdm

    log = log or (lambda msg: print(msg, file=sys.stderr))
    started = time.perf_counter()
    report = BuildReport()
    if sources:
        specs = [s for text in sources for s in expand(parse_source(text))]
    else:
        specs = [SourceSpec(base.get("curated"), p, f"sample/{p.name}") for p in sample_sources()]
    ontology = [SourceSpec(base.get("ontology"), Path(str(package_file("ontology", n))), f"ontology/{n}")
                for n in ONTOLOGY_FILES if package_file("ontology", n).is_file()]
    specs = ontology + specs

    # phase 1: read and check every source; nothing is written yet
    pending: list[tuple[SourceSpec, LoadReport, list[LoadedGraph], SourceInfo | None]] = []
    bar = tqdm(specs, desc="reading sources", unit="source", disable=progress is False or (progress is None and not sys.stderr.isatty()))
    for spec in bar:
        bar.set_postfix_str(spec.path.name)
        rep = LoadReport(source=spec.display, loader=spec.loader.name)
        t0 = time.perf_counter()
        sha = _sha256(spec.path)
        info = SourceInfo(loader=spec.loader.name, source=spec.display, sha256=sha,
                          loader_version=spec.loader.version)
        expected = iris.graph_iri(spec.loader.name, spec.path.stem)
        if not force and not getattr(spec.loader, "reads_folders", False) and store.is_current(expected, info):
            rep.skipped = True
            rep.triples = store.graph_info(expected)["triples"]
            report.reports.append(rep)
            continue
        loaded = spec.loader.load(spec.path, rep)
        rep.seconds = time.perf_counter() - t0
        pending.append((spec, rep, loaded, info))
        report.reports.append(rep)

    # phase 2: write, one transaction per graph
    for spec, rep, loaded, info in pending:
        t0 = time.perf_counter()
        for lg in loaded:
            ginfo = SourceInfo(loader=info.loader, source=info.source, sha256=info.sha256,
                               loader_version=info.loader_version, format=lg.format, title=lg.title,
                               url=lg.url, sample=lg.sample)
            result = store.replace_graph(lg.graph_iri, lg.graph, ginfo)
            report.graphs.append(result)
            rep.triples += result.triples
        rep.seconds += time.perf_counter() - t0
    for rep in report.reports:
        log(rep.summary())
        for rej in rep.rejected[:20]:
            log(f"  rejected {rep.source}:{rej.line or '?'}: {rej.field or ''}: {rej.reason}")

    derived = derive(store, force=force)
    report.graphs.extend(derived)
    for d in derived:
        log(f"derived: {d.graph.rsplit('/', 1)[-1]}: {'unchanged, kept' if d.skipped else str(d.triples) + ' triples'}")
    report.seconds = time.perf_counter() - started
    return report


def derive(store: KGStore, *, force: bool = False) -> list[LoadResult]:
    """Recompute derived graphs (the région of each located organisation); skip when unchanged."""
    from photonics_kg.queries.library import get

    results = []
    for name in ("in-region",):
        # Oxigraph terms throughout: an rdflib graph of the result cost seconds at 1M triples
        g = {(t.subject, t.predicate, t.object) for t in store.query(get(name).text)}
        lines = sorted(f"{s} {p} {o}" for s, p, o in g)
        sha = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        info = SourceInfo(loader="derived", source=f"queries/construct/{name}.rq", sha256=sha,
                          format="sparql-construct", title=f"derived: {name}")
        results.append(store.replace_graph(iris.graph_iri("derived", name), g, info, force=force))
    return results
