"""The benchmark harness every ``bench/*.py`` module uses: measure, compare, report.

The contract a bench module follows (``python -m bench`` finds it by itself)::

    # bench/mything.py
    from bench.harness import Result, measure

    def run(sizes: list[int], args) -> list[Result]:
        results = []
        for size in sizes:
            base = measure(plain_way, size=size, args=args)           # the baseline
            ours = measure(our_way, size=size, args=args)
            results.append(base.result("mything", "plain way", size, n=size, unit="rows", baseline=True))
            results.append(ours.result("mything", "photonics-kg", size, n=size, unit="rows"))
        return results

    def plain_way(size): ...     # module-level functions: each run is a fresh subprocess
    def our_way(size): ...

- ``sizes`` are what ``--sizes`` says (``10k,100k,1m`` -> ``[10000, 100000, 1000000]``): numbers
  of triples of the synthetic ecosystem (``bench.synthetic.ensure(size)``), or the module's own
  unit (rows, nodes...) when that makes more sense; say which in ``Result.unit``.
- ``args`` is the parsed command line: ``args.repeats``, ``args.budget``, ``args.timeout``,
  ``args.seed``, ``args.workdir`` and whatever the module added with an optional
  ``add_arguments(parser)`` function (prefix its options with the module name).
- :func:`measure` runs a module-level function in a fresh Python process per repeat (so peak
  memory is that run's alone and nothing is cached between runs), ``args.repeats`` times or
  until ``args.budget`` seconds are spent (at least once), and keeps the median wall time.
  Inside the function, :func:`timed` marks the part to time when set-up should not count,
  and :func:`scratch_dir` gives a temporary folder removed afterwards.
- A :class:`Result` with ``baseline=True`` is a plain way of doing the same job; every other
  result of the same bench, size and ``group`` gets a column "× vs <baseline case>": the
  baseline's median time divided by its own (above 1: faster than the baseline).

>>> r = [Result("demo", "plain", 1000, n=1000, unit="rows", seconds=2.0, baseline=True),
...      Result("demo", "ours", 1000, n=1000, unit="rows", seconds=0.5)]
>>> print(markdown_table(r))
| size | case | rows | median s | CPU s | rows/s | peak MB | × vs plain |
|---|---|---:|---:|---:|---:|---:|---:|
| 1k | plain | 1,000 | 2.00 |  | 500 |  | (baseline) |
| 1k | ours | 1,000 | 0.500 |  | 2.0k |  | 4.00× |
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
_MARK = "@@bench-result "

#: packages whose versions the machine facts list, when installed
PACKAGES = ("photonics-kg", "pyoxigraph", "rdflib", "pyshacl", "networkx", "igraph", "python-igraph", "pyvis",
            "duckdb", "spacy", "SPARQLWrapper", "numpy")


# -- results ---------------------------------------------------------------------------------
@dataclass
class Result:
    """One measured case at one size."""

    bench: str                      #: the module (``build``, ``queries``...)
    case: str                       #: what was measured (``photonics-kg build``, ``rdflib Graph.parse``...)
    size: int                       #: the requested size (``--sizes``)
    n: int | None = None            #: items processed (triples, rows, bytes...), for the rate
    unit: str = "triples"
    seconds: float | None = None    #: median wall time of the runs
    runs: list[float] = field(default_factory=list)
    cpu_seconds: float | None = None  #: median CPU time of the runs, all threads (wall >> CPU: waiting)
    peak_mb: float | None = None    #: largest peak resident memory of the runs' processes
    baseline: bool = False          #: a plain way of doing the job, to compare the others with
    group: str = ""                 #: results compare with baselines of the same bench, size and group
    extra: dict = field(default_factory=dict)
    error: str | None = None        #: why there is no time (failed, timed out, skipped)

    @property
    def rate(self) -> float | None:
        if self.n and self.seconds:
            return self.n / self.seconds
        return None


@dataclass
class Measurement:
    """What :func:`measure` saw: the runs' wall times, peak memory and the function's last return value."""

    runs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    output: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def seconds(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def cpu_seconds(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None

    def result(self, bench: str, case: str, size: int, *, n: int | None = None, unit: str = "triples",
               baseline: bool = False, group: str = "", extra: dict | None = None) -> Result:
        """A :class:`Result`; ``n`` defaults to ``output["n"]`` when the function returned one."""
        if n is None:
            n = self.output.get("n")
        more = {k: v for k, v in self.output.items() if k not in ("n", "seconds")}
        more.update(extra or {})
        return Result(bench=bench, case=case, size=size, n=n, unit=unit, seconds=self.seconds, runs=list(self.runs),
                      cpu_seconds=self.cpu_seconds, peak_mb=self.peak_mb, baseline=baseline, group=group,
                      extra=more, error=self.error)


def skipped(bench: str, case: str, size: int, reason: str, *, unit: str = "triples", baseline: bool = False,
            group: str = "") -> Result:
    """A result for a case not run at this size (too slow, too much memory...)."""
    return Result(bench=bench, case=case, size=size, unit=unit, baseline=baseline, group=group,
                  error=f"skipped: {reason}")


# -- measuring -------------------------------------------------------------------------------
_timed_total: float | None = None
_timed_cpu: float = 0.0


def _cpu() -> float:
    """CPU seconds used by this process so far, every thread included (user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def timed():
    """Inside a measured function: time only this block (may be used several times; times add up).

    >>> def case():
    ...     data = list(range(1000))        # set-up, not timed
    ...     with timed():
    ...         total = sum(data)
    ...     return {"n": len(data)}
    >>> run_once("bench.harness:_demo_case", {})["output"]
    {'n': 1000}
    """
    global _timed_total, _timed_cpu
    start, cpu = time.perf_counter(), _cpu()
    try:
        yield
    finally:
        _timed_total = (_timed_total or 0.0) + time.perf_counter() - start
        _timed_cpu += _cpu() - cpu


def _demo_case() -> dict:
    data = list(range(1000))
    with timed():
        sum(data)
    return {"n": len(data)}


def work_dir() -> Path:
    """Where benchmarks keep their files: ``$PHOTONICS_KG_BENCH_DIR`` or a folder in the temp dir."""
    env = os.environ.get("PHOTONICS_KG_BENCH_DIR")
    folder = Path(env) if env else Path(tempfile.gettempdir()) / f"photonics-kg-bench-{os.getuid()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def scratch_dir(prefix: str = "run-"):
    """A fresh folder under :func:`work_dir`, removed afterwards (stores, outputs of one run)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=work_dir()))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _target(fn: Callable | str) -> str:
    if isinstance(fn, str):
        return fn
    module = fn.__module__
    if module == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        if spec is None:
            raise ValueError("run bench modules with 'python -m bench' or 'python -m bench.<name>'")
        module = spec.name
    return f"{module}:{fn.__qualname__}"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_once(target: str, kwargs: dict, *, python_memory: bool = False) -> dict:
    """Run ``module:function(**kwargs)`` here and now; return its timing, peak memory and output.

    ``python_memory`` also traces Python allocations (tracemalloc: slower, so off by default)
    and reports their peak as ``output["python_peak_mb"]``.
    """
    global _timed_total, _timed_cpu
    module, _, name = target.partition(":")
    fn = importlib.import_module(module)
    for part in name.split("."):
        fn = getattr(fn, part)
    _timed_total, _timed_cpu = None, 0.0
    if python_memory:
        import tracemalloc

        tracemalloc.start()
    start, cpu = time.perf_counter(), _cpu()
    output = fn(**kwargs)
    wall, cpu = time.perf_counter() - start, _cpu() - cpu
    output = dict(output or {})
    if python_memory:
        output["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 3)
        tracemalloc.stop()
    seconds = output.pop("seconds", None) or _timed_total or wall
    cpu = _timed_cpu if _timed_total is not None else cpu
    return {"seconds": seconds, "cpu": round(cpu, 3), "peak_mb": round(_rss_mb(), 1), "output": output}


def _child_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def measure(fn: Callable | str, *, args=None, repeats: int | None = None, budget: float | None = None,
            timeout: float | None = None, isolate: bool = True, python_memory: bool = False,
            label: str | None = None, **kwargs) -> Measurement:
    """Run ``fn(**kwargs)`` several times and collect wall times and peak memory.

    Parameters
    ----------
    fn : callable or "module:function"
        A module-level function (it is imported again in each fresh process). It may return a dict:
        ``n`` (items processed), ``seconds`` (its own timing, overriding the wall time) and
        anything else, kept in ``Result.extra``. JSON-serialisable values only.
    args : argparse.Namespace, optional
        Supplies the defaults of ``repeats``, ``budget`` and ``timeout``.
    repeats : int
        Runs wanted (default ``args.repeats`` or 3). Fewer are done when ``budget`` seconds are spent.
    isolate : bool
        True (default): each run in a fresh ``python`` process; peak memory is its peak resident
        set (``ru_maxrss``: interpreter and imports included). False: in this process (for cheap
        functions); peak memory is then not measured.
    python_memory : bool
        Also trace Python allocations with tracemalloc (slows Python code down: time such runs
        apart) and report their peak as ``output["python_peak_mb"]``.
    """
    repeats = repeats or getattr(args, "repeats", None) or 3
    budget = budget if budget is not None else getattr(args, "budget", None) or 300.0
    timeout = timeout or getattr(args, "timeout", None) or 3600.0
    target = _target(fn)
    label = label or target
    m = Measurement()
    spent = 0.0
    for i in range(repeats):
        if i and spent >= budget:
            break
        _progress(f"{label}: run {i + 1}/{repeats}")
        started = time.perf_counter()
        if isolate:
            job = json.dumps({"target": target, "kwargs": kwargs, "python_memory": python_memory})
            try:
                proc = subprocess.run([sys.executable, "-m", "bench.harness", "--worker"], input=job, text=True,
                                      capture_output=True, timeout=timeout, env=_child_env(), cwd=str(ROOT))
            except subprocess.TimeoutExpired:
                m.error = f"timed out after {timeout:.0f} s"
                break
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(_MARK)]
            if proc.returncode != 0 or not lines:
                tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
                killed = proc.returncode < 0 or proc.returncode == 137
                m.error = f"failed: {'killed (out of memory?) ' if killed else ''}{tail}"[:300]
                break
            data = json.loads(lines[-1][len(_MARK):])
        else:
            data = run_once(target, kwargs, python_memory=python_memory)
            data["peak_mb"] = None
        spent += time.perf_counter() - started
        m.runs.append(data["seconds"])
        if data.get("cpu") is not None:
            m.cpu.append(data["cpu"])
        if data.get("peak_mb") is not None:
            m.peak_mb = max(m.peak_mb or 0.0, data["peak_mb"])
        m.output = data["output"]
        _progress(f"{label}: run {i + 1}: {data['seconds']:.3f} s (CPU {data.get('cpu') or 0:.2f} s)"
                  + (f", peak {data['peak_mb']:.0f} MB" if data.get("peak_mb") else ""))
    return m


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- reporting -------------------------------------------------------------------------------
def _size_label(n: int) -> str:
    from bench.synthetic import size_label

    return size_label(n)


def _number(x: float) -> str:
    """Compact rate: 950, 12k, 1.2M."""
    if x >= 1e6:
        return f"{x / 1e6:.1f}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    if x >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.0f}" if x >= 10 else f"{x:.2f}"


def _seconds(s: float) -> str:
    return f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 100 else f"{s:.0f}"


def ratio(result: Result, base: Result) -> float | None:
    """How many times faster ``result`` is than ``base`` (base time / own time)."""
    if result.seconds and base.seconds:
        return base.seconds / result.seconds
    return None


def markdown_table(results: list[Result]) -> str:
    """The results of one bench as a Markdown table: a row per size and case, a ratio column per baseline."""
    if not results:
        return "(no results)"
    baselines = list(dict.fromkeys(r.case for r in results if r.baseline))
    grouped = any(r.group for r in results)
    units = list(dict.fromkeys(r.unit for r in results))
    unit = units[0] if len(units) == 1 else "items"
    head = ["size"] + (["group"] if grouped else []) + ["case", unit, "median s", "CPU s", f"{unit}/s", "peak MB"]
    head += [f"× vs {b}" for b in baselines]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * (len(head) - 5 - len(baselines)) + ["---:"] * (5 + len(baselines))) + "|"]
    index = {(r.size, r.group, r.case): r for r in results}
    for r in results:
        cells = [_size_label(r.size)] + ([r.group] if grouped else []) + [r.case]
        cells.append(f"{r.n:,}" if r.n is not None else "")
        if r.error:
            cells += [r.error, "", "", f"{r.peak_mb:.0f}" if r.peak_mb else ""]
        else:
            cells += [_seconds(r.seconds) if r.seconds is not None else "",
                      _seconds(r.cpu_seconds) if r.cpu_seconds is not None else "",
                      _number(r.rate) if r.rate else "",
                      f"{r.peak_mb:.0f}" if r.peak_mb else ""]
        for b in baselines:
            base = index.get((r.size, r.group, b))
            if r.baseline and r.case == b:
                cells.append("(baseline)")
            elif base is None:
                cells.append("")
            else:
                x = ratio(r, base)
                cells.append(f"{x:.2f}×" if x is not None else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict:
    """Facts about this machine and run: cores, memory, load, Python, package versions, commit."""
    from importlib import metadata

    facts: dict = {"platform": platform.platform(), "python": platform.python_version(),
                   "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
                   "load_average": [round(x, 2) for x in os.getloadavg()]}
    try:
        with open("/proc/meminfo") as f:
            mem = {ln.split(":")[0]: int(ln.split()[1]) for ln in f if ln.split()[1:2]}
        facts["memory_gb"] = round(mem["MemTotal"] / 2**20, 1)
        facts["memory_available_gb"] = round(mem.get("MemAvailable", 0) / 2**20, 1)
    except (OSError, KeyError, ValueError):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            models = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        if models:
            facts["cpu"] = models[0]
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    facts["packages"] = versions
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        facts["commit"] = commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    facts["work_dir"] = str(work_dir())
    return facts


def machine_line(facts: dict) -> str:
    """One line for the top of a report.

    >>> machine_line({"cores": 2, "memory_gb": 23.5, "python": "3.11.7", "load_average": [1.0, 2.0, 3.0],
    ...               "packages": {"pyoxigraph": "0.5.13"}})
    'Machine: 2 cores, 23.5 GB RAM, Python 3.11.7, load average 1.0 at start; pyoxigraph 0.5.13'
    """
    parts = [f"{facts.get('cores')} cores"]
    if facts.get("cpu"):
        parts.append(facts["cpu"])
    if facts.get("memory_gb"):
        parts.append(f"{facts['memory_gb']} GB RAM")
    parts.append(f"Python {facts.get('python')}")
    if facts.get("load_average"):
        parts.append(f"load average {facts['load_average'][0]} at start")
    text = "Machine: " + ", ".join(parts)
    pkgs = ", ".join(f"{k} {v}" for k, v in facts.get("packages", {}).items())
    if pkgs:
        text += "; " + pkgs
    if facts.get("commit"):
        text += f"; commit {facts['commit']}"
    return text


def report(results: list[Result], facts: dict) -> str:
    """The whole run as Markdown: machine facts, then one table per bench."""
    out = [machine_line(facts), ""]
    for bench in dict.fromkeys(r.bench for r in results):
        out += [f"### {bench}", "", markdown_table([r for r in results if r.bench == bench]), ""]
    return "\n".join(out)


def save(results: list[Result], facts: dict, argv: list[str], folder: Path = RESULTS) -> Path:
    """Write the run as JSON (and its Markdown beside it) under ``bench/results/``; return the JSON path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    benches = "-".join(dict.fromkeys(r.bench for r in results)) or "none"
    path = folder / f"{stamp}-{benches}.json"
    facts = dict(facts, load_average_end=[round(x, 2) for x in os.getloadavg()])
    path.write_text(json.dumps({"machine": facts, "argv": argv, "results": [asdict(r) for r in results]},
                               indent=1, ensure_ascii=False))
    markdown = report(results, facts)
    path.with_suffix(".md").write_text(markdown + "\n")
    (folder / "latest.md").write_text(markdown + "\n")
    return path


def _worker() -> None:
    job = json.loads(sys.stdin.read())
    data = run_once(job["target"], job["kwargs"], python_memory=job.get("python_memory", False))
    sys.stdout.write(_MARK + json.dumps(data) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        _worker()
    else:  # pragma: no cover
        sys.exit("this is the harness; run the benchmarks with: python -m bench")
