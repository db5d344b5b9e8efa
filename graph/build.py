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

from rdflib import Graph, URIRef

from photonics_kg import iri as iris
from photonics_kg.config import package_file, sample_sources
from photonics_kg.errors import ConfigError, SourceError
from photonics_kg.graph.store import KGStore, LoadResult, SourceInfo
from photonics_kg.graph.storedir import crash_point
from photonics_kg.loaders import base
from photonics_kg.loaders.base import LoadedGraph, LoadReport

ONTOLOGY_FILES = ("photonics.ttl", "domains.ttl", "naf.ttl")


@dataclass
class SourceSpec:
    loader: base.Loader | None      #: None: a folder, expanded into its files
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
    if p.is_dir():
        # a folder no loader reads as a whole (documents do) stands for the files in it
        try:
            return SourceSpec(base.detect(p), p, text)
        except SourceError:
            return SourceSpec(None, p, text)
    return SourceSpec(base.detect(p), p, text)


def expand(spec: SourceSpec) -> list[SourceSpec]:
    """A folder given without a loader stands for the loadable files in it.

    A loader that reads folders (documents) takes the folder itself; the folder's other files
    still go to their own loaders.
    """
    if not spec.path.is_dir():
        return [spec]
    whole = spec.loader is not None and getattr(spec.loader, "reads_folders", False)
    found = []
    for child in sorted(spec.path.iterdir()):
        if child.is_file() and not child.name.startswith("."):
            try:
                loader = base.detect(child)
            except SourceError:
                continue
            if whole and loader.name == spec.loader.name:
                continue
            found.append(SourceSpec(loader, child, str(child)))
    if whole:
        found.append(spec)   # after the others: their entities are known when documents are read
    if not found:
        raise SourceError("the folder holds no file any loader reads", path=spec.path)
    return found


def _sha256(path: Path) -> str:
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(path)).encode())
            h.update(base.sha256_file(f).encode())
        return h.hexdigest()
    return base.sha256_file(path)


def build(store: KGStore, sources: list[str | SourceSpec] | None = None, *, force: bool = False,
          log: Callable[[str], None] | None = None, progress: bool | None = None) -> BuildReport:
    """Load ``sources`` (none: the bundled sample) plus the ontology into ``store``."""
    from tqdm import tqdm

    log = log or (lambda msg: print(msg, file=sys.stderr))
    started = time.perf_counter()
    report = BuildReport()
    if sources:
        # a source is text (PATH or LOADER=PATH) or a SourceSpec whose loader a command configured
        specs = [s for src in sources for s in (expand(parse_source(src)) if isinstance(src, str) else [src])]
    else:
        specs = [SourceSpec(base.get("curated"), p, f"sample/{p.name}") for p in sample_sources()]
    ontology = [SourceSpec(base.get("ontology"), Path(str(package_file("ontology", n))), f"ontology/{n}")
                for n in ONTOLOGY_FILES if package_file("ontology", n).is_file()]
    specs = ontology + specs

    # phase 1: read and check every source; nothing is written yet
    pending: list[tuple[SourceSpec, LoadReport, list[LoadedGraph], SourceInfo | None]] = []
    unreadable = {id(spec): err for spec in specs if (err := unreadable_source(spec)) is not None}
    failed: list[SourceError] = list(unreadable.values())
    bar = tqdm(specs, desc="reading sources", unit="source", disable=progress is False or (progress is None and not sys.stderr.isatty()))
    for spec in bar:
        bar.set_postfix_str(spec.path.name)
        if id(spec) in unreadable:
            continue
        rep = LoadReport(source=spec.display, loader=spec.loader.name)
        t0 = time.perf_counter()
        sha = _sha256(spec.path)
        options = getattr(spec.loader, "options_digest", None)
        if options is not None:  # the same file loaded with other options is another source state
            sha = hashlib.sha256(f"{sha}:{options()}".encode()).hexdigest()
        info = SourceInfo(loader=spec.loader.name, source=spec.display, sha256=sha,
                          loader_version=spec.loader.version)
        expected = iris.graph_iri(spec.loader.name, spec.path.stem)
        if not force and not getattr(spec.loader, "reads_folders", False) and store.is_current(expected, info):
            rep.skipped = True
            rep.triples = store.graph_info(expected)["triples"]
            report.reports.append(rep)
            continue
        spec.loader.store = store
        spec.loader.earlier = [lg.graph for _, _, gs, _ in pending for lg in gs]
        try:
            loaded = spec.loader.load(spec.path, rep)
            check_something_loaded(spec, rep, loaded)
        except Exception as exc:  # noqa: BLE001 - every source is read, then all failures reported
            failed.append(_as_source_error(exc, spec))
            continue
        rep.seconds = time.perf_counter() - t0
        pending.append((spec, rep, loaded, info))
        report.reports.append(rep)
        crash_point("after-read")

    if failed:
        raise failed[0] if len(failed) == 1 else SourceError(
            f"{len(failed)} of {len(specs)} sources cannot be loaded; nothing was written\n"
            + "\n".join(str(e) for e in failed))

    # phase 2: write, one transaction per graph
    for spec, rep, loaded, info in pending:
        t0 = time.perf_counter()
        for lg in loaded:
            ginfo = SourceInfo(loader=info.loader, source=info.source, sha256=info.sha256,
                               loader_version=info.loader_version, format=lg.format, title=lg.title,
                               url=lg.url, sample=lg.sample, synthetic=lg.synthetic)
            result = store.replace_graph(lg.graph_iri, lg.graph, ginfo)
            report.graphs.append(result)
            rep.triples += result.triples
            crash_point("after-write")
        rep.seconds += time.perf_counter() - t0
    for rep in report.reports:
        log(rep.summary())
        for note in rep.notes if rep.loader == "documents" else ():
            log(f"  {note}")
        for rej in rep.rejected[:20]:
            log(f"  rejected {rep.source}:{rej.line or '?'}: {rej.field or ''}: {rej.reason}")

    derived = derive(store, force=force)
    report.graphs.extend(derived)
    for d in derived:
        log(f"derived: {d.graph.rsplit('/', 1)[-1]}: {'unchanged, kept' if d.skipped else str(d.triples) + ' triples'}")
    report.seconds = time.perf_counter() - started
    return report


def check_readable(path: Path) -> None:
    """Refuse what is not a regular file or folder (a FIFO or a device would block or never end).

    Raises SourceError, or OSError when a file cannot be opened (permissions).
    """
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        if not f.is_file():
            kind = "missing" if not f.exists() else "not a regular file (a pipe, a device, a socket?)"
            raise SourceError(kind, path=f)
        with open(f, "rb"):                 # permission problems surface here, named
            pass


def unreadable_source(spec: SourceSpec) -> SourceError | None:
    """Why a source cannot be read at all, or None (checked before any source is loaded)."""
    try:
        check_readable(spec.path)
    except (SourceError, OSError) as exc:
        return _as_source_error(exc, spec)
    return None


def check_something_loaded(spec: SourceSpec, rep: LoadReport, loaded: list[LoadedGraph]) -> None:
    """A source whose every row was rejected loads nothing: that is an error (exit 2), not a report.

    Loaders that reject rows (registries) report them in ``rep.rejected`` and load the rest; when
    there is no rest, the build refuses the source so the maintainer sees it.
    """
    if rep.rejected and rep.rows_read and len(rep.rejected) >= rep.rows_read \
            and not any(len(lg.graph) for lg in loaded):
        shown = [(r.line, r.field, r.reason) for r in rep.rejected]
        raise SourceError(f"nothing to load: all {rep.rows_read} record(s) rejected", path=spec.path, problems=shown)


def _as_source_error(exc: BaseException, spec: SourceSpec) -> SourceError:
    """A failure while reading a source, as the SourceError the user sees."""
    if isinstance(exc, SourceError):
        return exc
    if isinstance(exc, OSError):
        return SourceError(f"cannot read: {exc.strerror or exc}", path=spec.path)
    if isinstance(exc, (ConfigError,)):
        return SourceError(str(exc), path=spec.path)
    # a loader bug on odd input: say so plainly, name the file, keep the store as it was
    return SourceError(f"the {spec.loader.name} loader failed on this file ({type(exc).__name__}: {exc}); "
                       f"this is a bug in photonics-kg: please report it with the file", path=spec.path)


def derive(store: KGStore, *, force: bool = False) -> list[LoadResult]:
    """Recompute derived graphs (the région of each located organisation); skip when unchanged."""
    from photonics_kg.queries.library import get

    results = []
    for name in ("in-region",):
        g = Graph()
        for t in store.query(get(name).text):
            from photonics_kg.graph.store import from_ox

            g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in g)
        sha = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
        info = SourceInfo(loader="derived", source=f"queries/construct/{name}.rq", sha256=sha,
                          format="sparql-construct", title=f"derived: {name}")
        results.append(store.replace_graph(iris.graph_iri("derived", name), g, info, force=force))
    # entity resolution: the decisions file of the last 'photonics-kg resolve' is re-applied
    from photonics_kg.graph import consolidation

    if consolidation.reapply(store):
        known = store.graph_info(consolidation.GRAPH)
        results.append(LoadResult(consolidation.GRAPH, known["triples"] if known else 0))
    return results
