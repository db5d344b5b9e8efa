"""Build throughput: a synthetic ecosystem into the embedded store, against rdflib and raw Oxigraph.

Cases, each in a fresh process, at each size (``bench.synthetic`` N-Triples files):

- ``photonics-kg build``: what ``photonics-kg build FILE`` does (``photonics_kg.graph.build.build``
  into a new on-disk store): check the file, load it with its provenance, load the ontology,
  derive the régions, close the store.
- ``photonics-kg build --force (reload)``: the same source built again into that store with
  ``--force``: the graph is rebuilt in a staging graph and swapped in by one transaction, which
  costs far more than a first load (Oxigraph writes and deletes quad by quad in a transaction).
- ``naive path`` (baseline): how the same file was loaded before the fast path: rdflib parses it,
  its triples go to a staging graph in one transaction, one SPARQL ``MOVE`` swaps it in (no
  ontology, no provenance, no derivation: a lower bound of the old cost).
- ``rdflib Graph.parse`` (baseline): rdflib's in-memory graph, what a user of rdflib would do.
- ``pyoxigraph bulk_load`` (baseline): raw Oxigraph on disk, the fastest way into the same store;
  the ratio shows what photonics-kg adds on top of it.
- ``pyoxigraph load, memory``: raw Oxigraph in memory, for reference (not the embedded store).

Quality bar (issue 9): photonics-kg build >= 100k triples/s at 1M triples.
"""

from __future__ import annotations

from pathlib import Path

from bench import synthetic
from bench.harness import Result, measure, scratch_dir, skipped, timed

BENCH = "build"
GRAPH = "https://w3id.org/photonics-kg/graph/rdf/bench"
#: rdflib's in-memory graph needs about this many bytes per triple (measured: 1.2 GB at 1M)
RDFLIB_BYTES_PER_TRIPLE = 1300


def add_arguments(group) -> None:
    group.add_argument("--build-naive-max", default="1m",
                       help="largest size at which the naive path runs (it takes minutes at 1M)")
    group.add_argument("--build-rdflib-max", default="5m", help="largest size at which rdflib's parser runs")
    group.add_argument("--build-reload-max", default="1m", help="largest size at which a forced reload runs")


# -- the cases (module-level: each run imports this module in a fresh process) -----------------
def project_build(path: str) -> dict:
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    with scratch_dir("build-") as folder:
        with timed():
            store = KGStore(folder / "store")
            report = build(store, [path], log=lambda m: None, progress=False)
            store.close()
        size_mb = sum(f.stat().st_size for f in (folder / "store").rglob("*") if f.is_file()) / 2**20
    return {"written": report.triples_written, "store_mb": round(size_mb, 1)}


def project_reload(path: str) -> dict:
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    with scratch_dir("reload-") as folder:
        store = KGStore(folder / "store")
        build(store, [path], log=lambda m: None, progress=False)
        with timed():
            report = build(store, [path], force=True, log=lambda m: None, progress=False)
            store.close()
    return {"written": report.triples_written}


def naive_build(path: str) -> dict:
    import pyoxigraph as ox
    from rdflib import Graph

    from photonics_kg.graph.store import STAGING_PREFIX, to_ox

    with scratch_dir("naive-") as folder:
        with timed():
            store = ox.Store(str(folder / "store"))
            g = Graph()
            g.parse(path, format="nt")
            staging = ox.NamedNode(STAGING_PREFIX + "bench")
            store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), staging) for s, p, o in g)
            store.update(f"DROP SILENT GRAPH <{GRAPH}> ; MOVE SILENT GRAPH <{staging.value}> TO GRAPH <{GRAPH}>")
            store.flush()
    return {"written": len(g)}


def rdflib_parse(path: str) -> dict:
    from rdflib import Graph

    with timed():
        g = Graph()
        g.parse(path, format="nt")
    return {"written": len(g)}


def oxigraph_bulk_load(path: str) -> dict:
    import pyoxigraph as ox

    with scratch_dir("oxbulk-") as folder:
        with timed():
            store = ox.Store(str(folder / "store"))
            store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
            store.flush()
    return {}


def oxigraph_load_memory(path: str) -> dict:
    import pyoxigraph as ox

    with timed():
        store = ox.Store()
        store.load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    return {"written": len(store)}


def _available_bytes() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 40


def run(sizes: list[int], args) -> list[Result]:
    naive_max = synthetic.parse_size(getattr(args, "build_naive_max", "1m"))
    rdflib_max = synthetic.parse_size(getattr(args, "build_rdflib_max", "5m"))
    reload_max = synthetic.parse_size(getattr(args, "build_reload_max", "1m"))
    results = []
    for size in sizes:
        eco = synthetic.ensure(size, seed=getattr(args, "seed", 42))
        path = str(eco.path)
        n = eco.triples
        extra = {"file_mb": round(Path(path).stat().st_size / 2**20, 1)}

        def case(fn, name, *, baseline=False):
            m = measure(fn, args=args, label=f"build {synthetic.size_label(size)}: {name}", path=path)
            return m.result(BENCH, name, size, n=n, baseline=baseline, extra=extra)

        results.append(case(project_build, "photonics-kg build"))
        if size <= reload_max:
            results.append(case(project_reload, "photonics-kg build --force (reload)"))
        else:
            results.append(skipped(BENCH, "photonics-kg build --force (reload)", size,
                                   f"above --build-reload-max {synthetic.size_label(reload_max)}"))
        if size <= naive_max:
            results.append(case(naive_build, "naive path", baseline=True))
        else:
            results.append(skipped(BENCH, "naive path", size, f"above --build-naive-max {synthetic.size_label(naive_max)}",
                                   baseline=True))
        need = n * RDFLIB_BYTES_PER_TRIPLE
        if size > rdflib_max:
            results.append(skipped(BENCH, "rdflib Graph.parse", size,
                                   f"above --build-rdflib-max {synthetic.size_label(rdflib_max)}", baseline=True))
        elif need > _available_bytes() // 2:
            results.append(skipped(BENCH, "rdflib Graph.parse", size,
                                   f"needs ~{need / 2**30:.1f} GB, over half the available memory", baseline=True))
        else:
            results.append(case(rdflib_parse, "rdflib Graph.parse", baseline=True))
        results.append(case(oxigraph_bulk_load, "pyoxigraph bulk_load", baseline=True))
        results.append(case(oxigraph_load_memory, "pyoxigraph load, memory"))
    return results


if __name__ == "__main__":  # python -m bench.build [--sizes ...]: this bench alone
    import sys

    from bench.__main__ import main

    sys.exit(main(["--only", BENCH] + sys.argv[1:]))
