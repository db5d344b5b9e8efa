"""The benchmark harness and the build bench at a tiny size (tables, ratios, results; never timings),
and the synthetic ecosystems they run on (deterministic, labelled, following the ontology)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _import_bench():
    """bench/ lives beside the package, not in it: import it without leaving the root on sys.path."""
    sys.path.insert(0, str(ROOT))
    try:
        return (importlib.import_module("bench.harness"), importlib.import_module("bench.synthetic"))
    finally:
        sys.path.remove(str(ROOT))


harness, synthetic = _import_bench()
PHOT = "https://w3id.org/photonics-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _table_rows(text: str, size: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == size:
            rows[cells[1]] = cells
    return rows


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, PHOTONICS_KG_BENCH_DIR=str(work))
    proc = subprocess.run([sys.executable, "-m", "bench", "--only", "build", "--sizes", "2k", "--repeats", "1",
                           "--out", str(work / "results")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc, work


def test_build_bench_prints_a_row_per_case_with_ratios(bench_run):
    proc, _ = bench_run
    out = proc.stdout
    assert out.startswith("Machine: ") and "cores" in out.splitlines()[0]
    header = next(line for line in out.splitlines() if line.startswith("| size |"))
    assert "× vs naive path" in header and "× vs rdflib Graph.parse" in header and "× vs pyoxigraph bulk_load" in header
    rows = _table_rows(out, "2k")
    assert set(rows) == {"photonics-kg build", "photonics-kg build --force (reload)", "naive path",
                         "rdflib Graph.parse", "pyoxigraph bulk_load", "pyoxigraph load, memory"}
    ours = rows["photonics-kg build"]
    assert ours[2].replace(",", "").isdigit() and 1_900 < int(ours[2].replace(",", "")) < 2_100
    ratios = ours[-3:]
    assert all(r.endswith("×") and float(r[:-1]) > 0 for r in ratios), ours
    assert rows["naive path"][-3] == "(baseline)" and rows["pyoxigraph bulk_load"][-1] == "(baseline)"
    assert float(ours[4]) > 0 and float(ours[6]) > 0  # CPU seconds, peak MB of the run's process


def test_build_bench_saves_json_with_machine_facts(bench_run):
    _, work = bench_run
    saved = list((work / "results").glob("*-build.json"))
    assert len(saved) == 1
    data = json.loads(saved[0].read_text())
    assert data["machine"]["cores"] >= 1 and "pyoxigraph" in data["machine"]["packages"]
    ours = [r for r in data["results"] if r["case"] == "photonics-kg build"]
    assert ours and ours[0]["size"] == 2000 and len(ours[0]["runs"]) == 1 and ours[0]["error"] is None
    assert ours[0]["extra"]["written"] > ours[0]["n"]  # the ontology and the derived régions too
    assert (work / "results" / "latest.md").read_text().startswith("Machine: ")


def test_unknown_bench_is_a_clear_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench", "--only", "nosuchbench", "--no-save"], cwd=ROOT,
                          capture_output=True, text=True, env=dict(os.environ, PHOTONICS_KG_BENCH_DIR=str(tmp_path)))
    assert proc.returncode == 2 and "no bench module nosuchbench" in proc.stderr and "build" in proc.stderr


def test_measure_runs_each_repeat_in_a_fresh_process(tmp_path, monkeypatch):
    monkeypatch.setenv("PHOTONICS_KG_BENCH_DIR", str(tmp_path))
    m = harness.measure("bench.harness:_demo_case", repeats=2, budget=60)
    assert m.error is None and len(m.runs) == 2 and m.output == {"n": 1000}
    assert m.peak_mb and m.peak_mb > 1
    r = m.result("demo", "demo case", 1000, unit="items")
    assert r.n == 1000 and r.rate and r.seconds == pytest.approx(sum(m.runs) / 2)


def test_python_allocations_can_be_traced_too():
    m = harness.measure("bench.harness:_demo_case", repeats=1, python_memory=True)
    assert m.output["n"] == 1000 and 0 < m.output["python_peak_mb"] < m.peak_mb


@pytest.mark.parametrize("module", ["harness", "synthetic"])
def test_docstring_examples_of_the_bench_modules(module):
    import doctest

    mod = harness if module == "harness" else synthetic
    assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0


def test_a_failing_run_is_reported_not_raised():
    m = harness.measure("bench.harness:no_such_function", repeats=3)
    assert m.runs == [] and "no_such_function" in m.error
    assert harness.markdown_table([m.result("demo", "broken", 10)]).splitlines()[-1].startswith("| 10 | broken |")


def test_ratios_compare_within_size_and_group():
    R = harness.Result
    results = [R("q", "rdflib", 1000, n=10, seconds=4.0, baseline=True, group="a"),
               R("q", "oxigraph", 1000, n=10, seconds=0.5, group="a"),
               R("q", "rdflib", 1000, n=10, seconds=1.0, baseline=True, group="b"),
               R("q", "oxigraph", 1000, n=10, seconds=2.0, group="b"),
               R("q", "oxigraph", 2000, n=10, seconds=1.0, group="a")]
    lines = harness.markdown_table(results).splitlines()
    assert lines[0] == "| size | group | case | triples | median s | CPU s | triples/s | peak MB | × vs rdflib |"
    assert lines[3].endswith("| 8.00× |") and lines[5].endswith("| 0.50× |")
    assert lines[6].endswith("|  |")  # no baseline at that size: no ratio


# -- synthetic ecosystems ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def eco(tmp_path_factory):
    return synthetic.generate(3_000, tmp_path_factory.mktemp("eco") / "eco.nt", seed=7)


def test_synthetic_is_deterministic_sized_and_seeded(eco, tmp_path):
    again = synthetic.generate(3_000, tmp_path / "again.nt", seed=7)
    other = synthetic.generate(3_000, tmp_path / "other.nt", seed=8)
    assert again.path.read_bytes() == eco.path.read_bytes() != other.path.read_bytes()
    assert abs(eco.triples - 3_000) < 150
    assert eco.triples == sum(1 for _ in ox.parse(path=eco.path)) == len(set(eco.path.read_text().splitlines()))


def test_synthetic_is_labelled_and_mints_no_real_identifiers(eco):
    quads = list(ox.parse(path=eco.path))
    allowed = (synthetic.SYNTHETIC, synthetic.FRANCE, "https://w3id.org/photonics-kg/id/domain/")
    subjects = {q.subject.value for q in quads}
    assert all(s.startswith(allowed) or s == eco.graph for s in subjects)
    assert ox.Quad(ox.NamedNode(eco.graph), ox.NamedNode(PHOT + "synthetic"),
                   ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))) in quads
    assert not {q.predicate.value for q in quads} & {PHOT + p for p in ("siren", "siret", "rnsr", "wikidata", "ror")}


def test_synthetic_uses_only_terms_of_the_ontology(eco):
    ontology = ox.Store()
    from photonics_kg.config import package_file

    for name in ("photonics.ttl", "domains.ttl"):
        ontology.load(package_file("ontology", name).read_bytes(), ox.RdfFormat.TURTLE)
    defined = {q.subject.value for q in ontology}
    used = set()
    for q in ox.parse(path=eco.path):
        used.add(q.predicate.value)
        if q.predicate.value == RDF_TYPE or isinstance(q.object, ox.NamedNode) and q.object.value.startswith(PHOT):
            used.add(q.object.value)
    ours = {u for u in used if u.startswith(PHOT) or "/id/domain/" in u}
    assert len(ours) > 40 and not ours - defined


def test_synthetic_ecosystem_gives_the_queries_something_to_find(eco):
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    store = KGStore()
    report = build(store, [str(eco.path)], log=lambda m: None, progress=False)
    graph = "https://w3id.org/photonics-kg/graph/rdf/eco"
    assert store.graph_info(graph)["triples"] == eco.triples
    assert store.ask(f"ASK {{ GRAPH <{graph}> {{ <{graph}> phot:synthetic true }} }}")  # its provenance says so
    derived = [g for g in report.graphs if g.graph.endswith("/derived/in-region")]
    assert derived and derived[0].triples > 50  # organisations placed in régions of France
    counts = {r["class"]: r["n"] for r in store.select("SELECT ?class (COUNT(?x) AS ?n) WHERE { ?x a ?class } GROUP BY ?class")}
    for cls in ("Firm", "ResearchLab", "Cluster", "Programme", "Partnership", "Membership", "Sponsorship",
                "Ownership", "Evidence", "Region", "Commune"):
        assert counts.get(PHOT + cls, 0) > 0, cls
    # a domain × région cell with SMEs, partnerships dated, evidence quoting documents
    assert store.ask("ASK { ?f a phot:Firm ; phot:sme true ; phot:activeIn dom:telecoms ; phot:inRegion ?r }")
    assert store.ask("ASK { ?p a phot:Partnership ; phot:startYear ?y ; phot:partner ?a , ?b FILTER(?a != ?b) }")
    assert store.ask("ASK { ?e a phot:Evidence ; dcterms:source ?d ; oa:hasTarget/oa:hasSelector/oa:exact ?q . ?d a phot:Document }")
    assert store.ask("ASK { ?lab a phot:ResearchLab . ?o phot:owned ?lab ; phot:role phot:Tutelle }")
