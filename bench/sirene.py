"""Benchmark: streaming a 5-million-row StockEtablissement file, filtered on the photonics NAF codes.

SYNTHETIC DATA: the file is generated (``photonics_kg.synthetic``) into /tmp, named
``synthetic-StockEtablissement-<N>.csv``, and never committed. Each engine runs in its own
process so that its peak memory (``ru_maxrss``) is its own:

- ``csv-baseline``: Python's ``csv.reader`` over every row, keeping the photonics NAF codes
  (the plain baseline, in the same run);
- ``stream-python`` / ``stream-duckdb``: the loader's filtering stream with either engine (the kept
  rows as records), without building RDF: the rate the targets are about;
- ``loader-python``: the whole ``sirene`` loader with its pure-Python engine (a regular-expression
  pre-filter on raw bytes, ``csv`` on the candidate lines, checks, RDF of the kept rows);
- ``duckdb``: a bare DuckDB ``read_csv`` count with the same filter (the engine's floor);
- ``loader-duckdb``: the whole ``sirene`` loader with its DuckDB engine (the default for big files).

    python bench/sirene.py [--rows 5000000] [--dir /tmp/photonics-kg-bench]

Prints rows/s (all rows of the file over the wall time) and peak memory per engine, and the
speed-up over the baseline. Target: >= 1 million rows/s filtered, < 1 GB peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(engine: str, path: Path) -> dict:
    from photonics_kg.loaders.sirene import SireneFilter, default_naf_codes

    codes = default_naf_codes()
    t0 = time.perf_counter()
    kept = 0
    if engine == "csv-baseline":
        import csv

        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            col = header.index("activitePrincipaleEtablissement")
            for row in reader:
                if row[col] in codes:
                    kept += 1
    elif engine.startswith("stream"):
        # the loader's filtering stream (records of the kept rows as dicts), without building RDF
        from photonics_kg.loaders.base import LoadReport
        from photonics_kg.loaders.sirene import SireneLoader, _header, duckdb_scan

        columns, start, enc = _header(path)
        filt = SireneFilter(active_only=False)
        report = LoadReport(str(path), "sirene")
        if engine == "stream-duckdb":
            records = duckdb_scan(path, columns, filt, kind="etablissement", naf_column="activitePrincipaleEtablissement",
                                  report=report)
        else:
            records = SireneLoader._python_records(path, columns, start, filt, "activitePrincipaleEtablissement",
                                                   "codeCommuneEtablissement", enc, None, report)
        for _line, r in records:
            if r.get("activitePrincipaleEtablissement") in codes:
                kept += 1
    elif engine.startswith("loader"):
        from photonics_kg.loaders.base import LoadReport
        from photonics_kg.loaders.sirene import SireneLoader

        report = LoadReport(str(path), "sirene")
        which = engine.split("-", 1)[1] if "-" in engine else "auto"
        graphs = SireneLoader(SireneFilter(active_only=False), engine=which).load(path, report, progress=False)
        import re

        kept = int(re.search(r"(\d+) records kept", report.notes[-1]).group(1))
        if not graphs[0].synthetic:
            raise SystemExit("the benchmark file must be marked synthetic")
    elif engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads TO 2")
        placeholders = ", ".join("?" for _ in codes)
        kept = con.execute(
            f"SELECT count(*) FROM read_csv(?, header=true, all_varchar=true) "
            f"WHERE activitePrincipaleEtablissement IN ({placeholders})", [str(path), *sorted(codes)]).fetchone()[0]
    else:
        raise SystemExit(f"unknown engine {engine}")
    return {"engine": engine, "seconds": time.perf_counter() - t0, "kept": kept, "peak_mb": _peak_mb()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/photonics-kg-bench"))
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return
    from photonics_kg.synthetic import write_stock_etablissement

    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"synthetic-StockEtablissement-{args.rows}.csv"
    if not path.exists():
        print(f"generating {args.rows:,} SYNTHETIC rows into {path} ...", file=sys.stderr)
        tmp = path.with_suffix(".part")
        with open(tmp, "w", encoding="utf-8") as f:
            write_stock_etablissement(f, args.rows, seed=2026)
        tmp.rename(path)
    size_mb = path.stat().st_size / 1e6
    engines = ["csv-baseline", "stream-python", "loader-python"]
    try:
        import duckdb  # noqa: F401
        engines += ["duckdb", "stream-duckdb", "loader-duckdb"]
    except ImportError:
        pass
    results = []
    for engine in engines:
        out = subprocess.run([sys.executable, __file__, "--worker", engine, str(path)], capture_output=True, text=True)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(f"{engine} failed")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = results[0]["seconds"]
    import os

    print(f"SYNTHETIC StockEtablissement: {args.rows:,} rows, {size_mb:.0f} MB, filter: 13 photonics NAF codes; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'engine':<14}{'seconds':>9}{'rows/s':>14}{'peak MB':>10}{'vs csv':>8}  kept")
    for r in results:
        print(f"{r['engine']:<14}{r['seconds']:>9.2f}{args.rows / r['seconds']:>14,.0f}{r['peak_mb']:>10.0f}"
              f"{base / r['seconds']:>7.1f}x  {r['kept']}")


if __name__ == "__main__":
    main()
