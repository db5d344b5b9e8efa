"""Benchmark the query library: the embedded store (Oxigraph on disk) against rdflib's in-memory
``Graph`` on the same synthetic ecosystem graph, in the same run.

    python -m bench.queries                      # ~1M triples (a few minutes; rdflib is the slow part)
    python -m bench.queries --size 100000        # quicker
    python -m bench.queries --size 100000 --only lineage organisations

The graph is SYNTHETIC (generated organisations, places and facts shaped like the real graph:
every statement with its evidence node), written to its own named graph marked ``phot:synthetic
true``, beside the ontology, and never mixed with real data. Every library SELECT query and check
runs on both stores with the same parameters; the answers are compared, the times printed with
their ratio, and the total ratio at the end (the target: the embedded store >= 20x faster).
A query over ``--cap`` seconds on rdflib is interrupted and counted at the cap (so the ratio
shown is then a lower bound).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

PHOT = "https://w3id.org/photonics-kg/ontology#"
ID = "https://w3id.org/photonics-kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = "https://w3id.org/photonics-kg/graph/synthetic/bench"
DERIVED = "https://w3id.org/photonics-kg/graph/derived/in-region"
DEFI = ["telecoms", "sante-et-vivant", "energie-eclairage-affichage", "manufacturing-et-controle",
        "surveillance-securite-spatial", "materiaux-et-technologies-generiques"]


class Writer:
    """N-Quads lines of the synthetic graph, with an evidence node for every statement."""

    def __init__(self, out, seed: int):
        self.out = out
        self.n = 0
        self.rnd = random.Random(seed)
        self.docs = [f"<{ID}document/synthetic-{i}>" for i in range(2000)]
        self.evidence = 0

    def q(self, s, p, o, g=GRAPH):
        self.out.write(f"{s} {p} {o} <{g}> .\n")
        self.n += 1

    def stated(self, s, p, o, fact=None):
        """A statement and its evidence (as FactWriter writes them)."""
        self.q(s, p, o)
        self.evidence += 1
        ev = f"<{ID}evidence/synthetic-{self.evidence}>"
        self.q(ev, f"<{RDF}type>", f"<{PHOT}Evidence>")
        self.q(ev, f"<{RDF}subject>", s)
        self.q(ev, f"<{RDF}predicate>", p)
        self.q(ev, f"<{RDF}object>", o)
        self.q(ev, f"<{DCT}source>", self.rnd.choice(self.docs))
        self.q(ev, f"<{PHOT}rule>", '"synthetic"')
        self.q(ev, f"<{PHOT}confidence>", f'"0.9"^^<{XSD}decimal>')
        if fact:
            self.q(ev, f"<{PHOT}evidenceFor>", fact)
        if self.rnd.random() < 0.3:
            target, sel = f"<{ID}evidence/synthetic-{self.evidence}-target>", f"<{ID}evidence/synthetic-{self.evidence}-quote>"
            self.q(ev, f"<{OA}hasTarget>", target)
            self.q(target, f"<{OA}hasSelector>", sel)
            self.q(sel, f"<{OA}exact>", f'"citation synthétique {self.evidence}"')


def lit(text: str, lang: str = "fr") -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def year(y: int) -> str:
    return f'"{y}"^^<{XSD}integer>'


def generate(path: Path, target: int, seed: int = 42) -> dict:
    """Write a synthetic graph of about ``target`` triples as N-Quads; return notable IRIs."""
    # ~80 triples per firm once labs, clusters, facts and evidence are counted
    firms_n = max(50, target // 80)
    a = lambda cls: f"<{PHOT}{cls}>"
    t = f"<{RDF}type>"
    label = f"<{RDFS}label>"
    with open(path, "w", encoding="utf-8") as out:
        w = Writer(out, seed)
        r = w.rnd
        w.q(f"<{GRAPH}>", t, a("SourceGraph"))
        w.q(f"<{GRAPH}>", f"<{PHOT}synthetic>", f'"true"^^<{XSD}boolean>')
        w.q(f"<{GRAPH}>", f"<{DCT}title>", '"SYNTHETIC benchmark graph (bench/queries.py), not real data"')
        for d in w.docs:
            w.q(d, t, a("Document"))
            w.q(d, f"<{DCT}title>", lit(f"Document synthétique {d[-8:-1]}"))
        # places: the home country's régions > départements > communes; foreign countries and cities
        france = f"<{ID}place/france>"
        w.q(france, t, a("Country"))
        w.q(france, label, lit("France"))
        communes, region_of = [], {}
        for ri in range(13):
            region = f"<{ID}place/synthetic-region-{ri}>"
            w.q(region, t, a("Region"))
            w.q(region, label, lit(f"Région synthétique {ri}"))
            w.q(region, f"<{SCHEMA}containedInPlace>", france)
            for di in range(5):
                dep = f"<{ID}place/synthetic-department-{ri}-{di}>"
                w.q(dep, t, a("Department"))
                w.q(dep, label, lit(f"Département synthétique {ri}-{di}"))
                w.q(dep, f"<{SCHEMA}containedInPlace>", region)
                for ci in range(20):
                    c = f"<{ID}place/synthetic-commune-{ri}-{di}-{ci}>"
                    w.q(c, t, a("Commune"))
                    w.q(c, label, lit(f"Commune synthétique {ri}-{di}-{ci}"))
                    w.q(c, f"<{SCHEMA}containedInPlace>", dep)
                    communes.append(c)
                    region_of[c] = region
        abroad = []
        for ki in range(5):
            country = f"<{ID}place/synthetic-country-{ki}>"
            w.q(country, t, a("Country"))
            w.q(country, label, lit(f"Pays synthétique {ki}"))
            for ci in range(4):
                city = f"<{ID}place/synthetic-city-{ki}-{ci}>"
                w.q(city, t, a("Commune"))
                w.q(city, label, lit(f"Ville synthétique {ki}-{ci}"))
                w.q(city, f"<{SCHEMA}containedInPlace>", country)
                abroad.append(city)
        domains = [f"<{ID}domain/{d}>" for d in DEFI]
        for di in range(24):
            d = f"<{ID}domain/synthetic-domain-{di}>"
            w.q(d, t, a("ApplicationDomain"))
            w.q(d, t, f"<{SKOS}Concept>")
            w.q(d, f"<{SKOS}prefLabel>", lit(f"Domaine synthétique {di}"))
            w.q(d, f"<{SKOS}inScheme>", a("ApplicationDomains"))
            domains.append(d)

        def organisation(kind: str, cls: str, i: int, place=None):
            node = f"<{ID}{kind}/synthetic-{kind}-{i}>"
            w.stated(node, t, a(cls))
            w.q(node, label, lit(f"{cls} synthétique {i}"))
            place = place or r.choice(communes)
            w.stated(node, f"<{PHOT}locatedIn>", place)
            if place in region_of:
                w.q(node, f"<{PHOT}inRegion>", region_of[place], DERIVED)
            if r.random() < 0.5:
                w.stated(node, f"<{PHOT}foundingYear>", year(r.randint(1950, 2020)))
            return node

        clusters = [organisation("cluster", "Cluster", i) for i in range(max(10, firms_n // 200))]
        labs = [organisation("lab", "ResearchLab", i, r.choice(abroad) if r.random() < 0.1 else None)
                for i in range(max(10, firms_n // 5))]
        universities = [organisation("university", "University", i) for i in range(max(5, firms_n // 50))]
        bodies = [organisation("public-body", "PublicBody", i) for i in range(20)]
        associations = [organisation("association", "Association", i) for i in range(30)]
        firms = []
        for i in range(firms_n):
            f = organisation("firm", "Firm", i, r.choice(abroad) if r.random() < 0.02 else None)
            firms.append(f)
            if r.random() < 0.6:
                w.q(f, f"<{PHOT}sme>", f'"true"^^<{XSD}boolean>')
        for o in firms + labs:
            for d in r.sample(domains, r.randint(1, 3)):
                w.stated(o, f"<{PHOT}activeIn>", d)
            if r.random() < 0.5:
                w.stated(o, f"<{ORG}memberOf>", r.choice(clusters))
        everyone = firms + labs + clusters + universities
        facts = 0

        def fact(cls, roles, start=None, end=None, role=None):
            nonlocal facts
            facts += 1
            node = f"<{ID}fact/{cls.lower()}/synthetic-{facts}>"
            w.q(node, t, a(cls))
            w.q(node, t, a("Fact"))
            for p, o in roles:
                w.q(node, f"<{PHOT}{p}>", o)
            if start:
                w.q(node, f"<{PHOT}startYear>", year(start))
            if end:
                w.q(node, f"<{PHOT}endYear>", year(end))
            if role:
                w.q(node, f"<{PHOT}role>", f"<{PHOT}{role}>")
            return node

        for _ in range(int(len(everyone) * 0.75)):
            x, y = r.sample(everyone, 2)
            start = r.randint(1995, 2023)
            node = fact("Partnership", [("partner", x), ("partner", y)], start,
                        start + r.randint(1, 8) if r.random() < 0.3 else None)
            w.stated(x, f"<{PHOT}partnerOf>", y, node)
        for lab in labs:
            for owner in r.sample(universities + bodies, r.randint(1, 2)):
                node = fact("Ownership", [("owner", owner), ("owned", lab)], role="Tutelle")
                w.stated(owner, f"<{PHOT}ownerOf>", lab, node)
        programmes = []
        for i in range(max(5, firms_n // 500)):
            p = f"<{ID}programme/synthetic-programme-{i}>"
            programmes.append(p)
            w.stated(p, t, a("Programme"))
            w.q(p, label, lit(f"Programme synthétique {i}"))
            for d in r.sample(domains[:6], r.randint(2, 4)):
                w.stated(p, f"<{PHOT}priorityDomain>", d)
            owner, manager = r.choice(associations), r.choice(associations)
            w.stated(owner, f"<{PHOT}ownerOf>", p, fact("Ownership", [("owner", owner), ("owned", p)], role="MaitreDOuvrage"))
            w.stated(manager, f"<{PHOT}managerOf>", p, fact("Management", [("manager", manager), ("managed", p)], role="MaitreDOeuvre"))
            for s in r.sample(firms, r.randint(2, 4)):
                w.stated(s, f"<{PHOT}sponsorOf>", p, fact("Sponsorship", [("sponsor", s), ("sponsored", p)], r.randint(2005, 2023)))
        for c in clusters:
            for d in r.sample(domains, 2):
                w.stated(c, f"<{PHOT}priorityDomain>", d)
        # successions: clusters merge pairwise, firms are renamed, some twice (chains)
        merged_into = {}
        for i in range(0, len(clusters) - 2, 5):
            a1, a2, succ = clusters[i], clusters[i + 1], clusters[i + 2]
            y = r.randint(2005, 2020)
            for pred in (a1, a2):
                w.stated(pred, f"<{PHOT}mergedInto>", succ, fact("Merger", [("predecessor", pred), ("successor", succ)], y))
                w.q(pred, f"<{PHOT}dissolutionYear>", year(y))
            merged_into[succ] = a1
        renamed = r.sample(firms, max(2, len(firms) // 50))
        for pred, succ in zip(renamed[::2], renamed[1::2]):
            w.stated(pred, f"<{PHOT}renamedTo>", succ, fact("Renaming", [("predecessor", pred), ("successor", succ)], r.randint(2000, 2022)))
    successor = next(iter(merged_into)) if merged_into else clusters[0]
    return {"triples": w.n, "firm": firms[0], "lab": labs[0], "cluster": clusters[0], "successor": successor,
            "country": abroad[0].replace("city-0-0", "country-0").replace("synthetic-city", "synthetic-country")}


def bench_params(iris: dict) -> dict[str, dict]:
    """Parameters for queries that need a starting point, taken from the synthetic graph."""
    strip = lambda x: x.strip("<>")
    return {
        "lineage": {"org": strip(iris["successor"])},
        "organisation-links": {"org": strip(iris["firm"])},
        "evidence": {"subject": strip(iris["lab"])},
        "find-organisation": {"name": "synthétique 12"},
        "cluster-members": {"cluster": strip(iris["cluster"])},
    }


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="approximate number of triples")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query on the embedded store (median)")
    parser.add_argument("--cap", type=float, default=300, help="seconds before an rdflib query is interrupted")
    parser.add_argument("--only", nargs="*", default=None, help="only these queries")
    parser.add_argument("--folder", default=None, help="working folder (default: a temporary one)")
    parser.add_argument("--no-rdflib", action="store_true", help="time the embedded store only")
    args = parser.parse_args(argv)

    import pyoxigraph as ox
    from rdflib import Graph
    from tqdm import tqdm

    from photonics_kg.config import package_file
    from photonics_kg.graph.store import KGStore
    from photonics_kg.queries.library import all_queries, bind_values, comparable_rows, execute, result_from_json

    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-queries-"))
    folder.mkdir(parents=True, exist_ok=True)
    nq = folder / "synthetic.nq"
    t0 = time.perf_counter()
    iris = generate(nq, args.size)
    print(f"generated {iris['triples']:,} SYNTHETIC triples in {time.perf_counter() - t0:.1f} s -> {nq}", file=sys.stderr)

    # the embedded store, on disk, as `photonics-kg build` leaves it (ontology graphs included)
    t0 = time.perf_counter()
    store_path = folder / "store"
    with KGStore(store_path) as s:
        s.oxigraph.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        for name in ("photonics.ttl", "domains.ttl"):
            with package_file("ontology", name).open("rb") as f:
                s.oxigraph.bulk_load(f, format=ox.RdfFormat.TURTLE,
                                     to_graph=ox.NamedNode(f"https://w3id.org/photonics-kg/graph/ontology/{name[:-4]}"))
    store = KGStore(store_path, read_only=True)
    oxi_load = time.perf_counter() - t0
    print(f"embedded store (on disk): {len(store):,} quads loaded in {oxi_load:.1f} s", file=sys.stderr)
    t0 = time.perf_counter()
    memory = KGStore()                         # the same engine in memory (KGStore() without a path)
    memory.oxigraph.extend(store.oxigraph)
    print(f"embedded store (in memory): copied in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    graph = None
    if not args.no_rdflib:
        t0 = time.perf_counter()
        # one Graph holding the union of the graphs, as the store's default graph is queried
        nt = folder / "synthetic.nt"
        with open(nq, encoding="utf-8") as src, open(nt, "w", encoding="utf-8") as dst:
            for line in src:
                dst.write(line[:line.rstrip().rindex(" <")] + " .\n")
        graph = Graph()
        graph.parse(str(nt), format="nt")
        for name in ("photonics.ttl", "domains.ttl"):
            with package_file("ontology", name).open("rb") as f:
                graph.parse(f, format="turtle")
        print(f"rdflib Graph: {len(graph):,} triples parsed in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    params = bench_params(iris)
    queries = [q for q in all_queries(("select", "checks")) if not args.only or q.name in args.only]
    print(f"\n{'query':32s} {'rows':>7s} {'disk s':>8s} {'memory s':>9s} {'rdflib s':>10s} {'disk ratio':>11s} {'mem ratio':>10s}  same")
    total_ox = total_mem = total_rdf = 0.0
    signal.signal(signal.SIGALRM, _alarm)
    for q in tqdm(queries, desc="queries", file=sys.stderr, disable=not sys.stderr.isatty()):
        bindings = q.bindings(params.get(q.name, {}))
        text = bind_values(q.text, bindings)
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = execute(store, q.text, bindings)
            times.append(time.perf_counter() - t0)
        t_ox = statistics.median(times)
        total_ox += t_ox
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            execute(memory, q.text, bindings)
            times.append(time.perf_counter() - t0)
        t_mem = statistics.median(times)
        total_mem += t_mem
        line = f"{q.name:32s} {len(result.rows):7d} {t_ox:8.3f} {t_mem:9.3f}"
        if graph is not None:
            signal.setitimer(signal.ITIMER_REAL, args.cap)
            t0 = time.perf_counter()
            try:
                rdf_rows = _rdflib_rows(graph, text)
                t_rdf = time.perf_counter() - t0
                same = "yes" if set(comparable_rows(rdf_rows)) == set(comparable_rows(result)) else "NO"
                capped = ""
            except Timeout:
                t_rdf, same, capped = args.cap, "-", ">"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            total_rdf += t_rdf
            line += (f" {capped}{t_rdf:9.2f} {capped}{t_rdf / max(t_ox, 1e-6):9.1f}x "
                     f"{capped}{t_rdf / max(t_mem, 1e-6):8.1f}x  {same}")
        print(line, flush=True)
    print(f"\n{'total':32s} {'':7s} {total_ox:8.3f} {total_mem:9.3f}", end="")
    if graph is not None:
        print(f" {total_rdf:10.2f} {total_rdf / max(total_ox, 1e-6):10.1f}x {total_rdf / max(total_mem, 1e-6):9.1f}x"
              f"   (target >= 20x; '>': rdflib stopped at the cap, a lower bound)")
    else:
        print()
    print(f"graph: {iris['triples']:,} synthetic triples; embedded = the Oxigraph store on disk (read-only, as "
          f"'photonics-kg query' and 'serve' use it) and in memory, median of {args.repeat}; "
          f"rdflib = in-memory Graph, one run, cap {args.cap:g} s", file=sys.stderr)
    store.close()
    if not args.folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _rdflib_rows(graph, text: str):
    """Run query text on an rdflib Graph; a library Result (so answers compare with the store's)."""
    from photonics_kg.namespaces import PREFIXES
    from photonics_kg.queries.library import Result

    answer = graph.query(text, initNs=PREFIXES)
    names = [str(v) for v in answer.vars]
    rows = [{n: row[i] for i, n in enumerate(names) if row[i] is not None} for row in answer]
    return Result("select", names, rows)


if __name__ == "__main__":
    sys.exit(main())
