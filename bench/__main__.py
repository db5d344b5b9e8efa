"""``python -m bench``: find the bench modules, run them at each size, print and save the tables.

A bench module is any ``bench/<name>.py`` with a ``run(sizes, args) -> list[Result]`` function
(``harness``, ``synthetic`` and ``_private`` modules are not benches). A module that is missing,
or cannot be imported (a dependency not installed), is reported and left out.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path

import bench
from bench import harness
from bench.synthetic import parse_size

NOT_BENCHES = {"harness", "synthetic"}


def discover() -> dict[str, object]:
    """The bench modules that import and have a ``run`` function, by name; problems go to stderr."""
    found = {}
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda i: i.name):
        if info.name in NOT_BENCHES or info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"bench.{info.name}")
        except Exception as exc:  # a bench whose dependencies are missing must not stop the others
            print(f"[bench] {info.name}: not run, import failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if callable(getattr(module, "run", None)):
            found[info.name] = module
    return found


def _sizes(text: str) -> list[int]:
    try:
        return [parse_size(s) for s in text.split(",") if s.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser(modules: dict[str, object]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--sizes", type=_sizes, default=_sizes("10k,100k"),
                   help="comma-separated sizes: 10k, 100k, 1m, 5m (triples of the synthetic ecosystem, "
                        "or the bench's own unit)")
    p.add_argument("--only", default="", help=f"comma-separated benches to run; known: {', '.join(modules) or 'none'}")
    p.add_argument("--repeats", type=int, default=3, help="runs per case (median kept)")
    p.add_argument("--budget", type=float, default=300.0,
                   help="seconds per case after which no further repeat starts (at least one run)")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds before one run is stopped")
    p.add_argument("--seed", type=int, default=42, help="seed of the synthetic ecosystems")
    p.add_argument("--no-save", action="store_true", help="print the tables only; write nothing to bench/results/")
    p.add_argument("--out", type=Path, default=harness.RESULTS, help="folder of the JSON and Markdown results")
    p.add_argument("--list", action="store_true", help="list the bench modules and exit")
    for name, module in modules.items():
        add = getattr(module, "add_arguments", None)
        if callable(add):
            add(p.add_argument_group(name))
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    modules = discover()
    args = parser(modules).parse_args(argv)
    args.workdir = harness.work_dir()
    if args.list:
        for name, module in modules.items():
            doc = (module.__doc__ or "").strip().splitlines()
            print(f"{name}: {doc[0] if doc else ''}")
        return 0
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(modules)
    unknown = [n for n in chosen if n not in modules]
    if unknown:
        print(f"error: no bench module {', '.join(unknown)}; known: {', '.join(modules) or 'none'}", file=sys.stderr)
        return 2
    facts = harness.machine()
    results: list[harness.Result] = []
    for name in chosen:
        started = time.perf_counter()
        print(f"[bench] {name}: sizes {', '.join(map(str, args.sizes))}", file=sys.stderr, flush=True)
        try:
            got = modules[name].run(list(args.sizes), args)
        except Exception as exc:  # one broken bench must not lose the others' results
            print(f"[bench] {name}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            results.append(harness.Result(bench=name, case="(bench failed)", size=0, error=f"{type(exc).__name__}: {exc}"))
            continue
        results.extend(got)
        print(f"[bench] {name}: done in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(harness.report(results, facts))
    if not args.no_save:
        path = harness.save(results, facts, argv, args.out)
        print(f"[bench] saved {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
