"""What the store's generations cost: the copy a build starts from, and the switch that publishes it.

Run on demand (not a test)::

    python bench/generations.py --triples 1000000 --out /tmp/$USER/bench-generations

For each size it fills a store with SYNTHETIC triples (``https://w3id.org/photonics-kg/synthetic/``,
in a graph marked ``phot:synthetic true``), then times, median of ``--repeat`` runs:

- ``open+close (plain)``: the baseline, ``pyoxigraph.Store(path)`` opened read-write and closed;
- ``backup``: ``Store.backup`` of the published generation (hard links on one file system);
- ``begin_write``: build lock + cleanup + backup, what ``KGStore(path)`` adds before writing;
- ``publish``: closed-check (a read-write probe open), pointer switch and cleanup of old generations;
- ``pointer switch``: ``os.replace`` of the one-line ``published`` file, with its fsyncs;
- ``open read-only``: a reader's lease plus ``Store.read_only`` of the published generation;
- and the disk space the new generation takes beyond the hard-linked files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from photonics_kg.graph.storedir import StoreDir

SYNTHETIC = "https://w3id.org/photonics-kg/synthetic/"
GRAPH = "https://w3id.org/photonics-kg/graph/synthetic/bench"


def _quads(n: int):
    g = ox.NamedNode(GRAPH)
    p = [ox.NamedNode(f"{SYNTHETIC}p{i}") for i in range(20)]
    yield ox.Quad(g, ox.NamedNode("https://w3id.org/photonics-kg/ontology#synthetic"), ox.Literal(True), g)
    for i in range(n - 1):
        yield ox.Quad(ox.NamedNode(f"{SYNTHETIC}s{i // 10}"), p[i % 20], ox.Literal(f"synthetic value {i}"), g)


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _own_bytes(path: Path) -> int:
    """Bytes of files in ``path`` not shared (hard-linked) with another generation."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and f.stat().st_nlink == 1)


def run(triples: int, out: Path, repeat: int) -> dict:
    root = out / f"store-{triples}"
    shutil.rmtree(root, ignore_errors=True)
    sd = StoreDir(root)
    gen = sd.begin_write()
    t0 = time.perf_counter()
    store = ox.Store(str(gen.path))
    store.bulk_extend(_quads(triples))
    store.flush()
    store.optimize()
    del store
    load = time.perf_counter() - t0
    gen.publish()
    published = sd.generations / sd.published_name()
    size = sum(f.stat().st_size for f in published.rglob("*") if f.is_file())

    plain = out / f"plain-{triples}"
    shutil.rmtree(plain, ignore_errors=True)
    ox.Store.read_only(str(published)).backup(str(plain))

    def plain_open():
        s = ox.Store(str(plain))
        s.flush()
        del s

    def backup():
        target = out / "backup-probe"
        shutil.rmtree(target, ignore_errors=True)
        ox.Store.read_only(str(published)).backup(str(target))

    def begin_abort():
        sd.begin_write().abort()

    before_publish = {
        "open+close plain s": _median(plain_open, repeat),
        "backup s": _median(backup, repeat),
        "begin_write+abort s": _median(begin_abort, repeat),
    }
    publish_times, own = [], []
    for _ in range(repeat):
        g = sd.begin_write()
        s = ox.Store(str(g.path))
        s.add(ox.Quad(ox.NamedNode(SYNTHETIC + "x"), ox.NamedNode(SYNTHETIC + "p0"), ox.Literal("x"), ox.NamedNode(GRAPH)))
        s.flush()
        del s
        own.append(_own_bytes(g.path))
        t0 = time.perf_counter()
        g.publish()
        publish_times.append(time.perf_counter() - t0)

    def read_open():
        lease = sd.open_read()
        s = ox.Store.read_only(str(lease.path))
        len(s.named_graphs().__next__().value)
        del s
        lease.release()

    current = sd.published_name()
    switch = _median(lambda: sd._write_pointer(current), repeat)
    result = {
        "triples": triples, "store MB": size / 1e6, "load s": load,
        **before_publish,
        "publish s": statistics.median(publish_times),
        "pointer switch s": switch,
        "open read-only s": _median(read_open, repeat),
        "new generation own MB": statistics.median(own) / 1e6,
    }
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(plain, ignore_errors=True)
    shutil.rmtree(out / "backup-probe", ignore_errors=True)
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[2_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "bench-generations")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.triples:
        r = run(n, args.out, args.repeat)
        print("  ".join(f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}" for k, v in r.items()),
              file=sys.stdout, flush=True)


if __name__ == "__main__":
    main()
