"""Benchmark of the network analyses on a SYNTHETIC ecosystem graph (default 100 000 actors).

Run on demand (not part of the test suite)::

    python bench/analysis.py                      # 100k actors; networkx vs igraph compared at 10k
    python bench/analysis.py --nodes 20000 --compare-nodes 20000 --gaps

It writes a synthetic ecosystem (firms, labs, clusters, programmes, events in 13 régions and 12
domains; memberships, partnerships, sponsorships, participations; a few dated facts) as N-Triples
into one named graph of an in-memory store, marked ``phot:synthetic true`` in its provenance and
never mixed with real data. Then it times, in the same run:

1. ``photonics-kg analyze`` as the command does it: projection (the two SELECTs + networkx) and
   every analysis with the automatic backend (python-igraph above 3 000 actors). Target: < 60 s.
2. Each heavy metric with networkx and with python-igraph on a subgraph of ``--compare-nodes``
   actors (networkx's exact metrics on 100k actors would take hours), and their ratio.
3. With ``--gaps``: every gap query, and the link prediction.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time

import networkx as nx

ID = "https://w3id.org/photonics-kg/id/"
PHOT = "https://w3id.org/photonics-kg/ontology#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
GRAPH = "https://w3id.org/photonics-kg/graph/synthetic/bench-analysis"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"
XSD_BOOL = "http://www.w3.org/2001/XMLSchema#boolean"


def synthetic_ntriples(n: int, seed: int = 0) -> tuple[bytes, dict]:
    """N-Triples of a synthetic ecosystem with ``n`` actors; returns (data, counts)."""
    rng = random.Random(seed)
    out: list[str] = []
    counts = {"triples": 0, "ties": 0}

    def t(s, p, o):
        out.append(f"<{s}> <{p}> {o} .")

    def iri(x):
        return f"<{x}>"

    def lit(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@fr'

    regions = [f"{ID}place/synthetic-region-{i}" for i in range(13)]
    for r in regions:
        t(r, RDF_TYPE, iri(PHOT + "Region"))
        t(r, SCHEMA + "containedInPlace", iri(ID + "place/france"))
        t(r, LABEL, lit("Région synthétique " + r.rsplit("-", 1)[-1]))
    t(ID + "place/france", RDF_TYPE, iri(PHOT + "Country"))
    abroad = f"{ID}place/synthetic-abroad"
    t(abroad, RDF_TYPE, iri(PHOT + "Country"))
    defi = ["telecoms", "sante-et-vivant", "energie-eclairage-affichage", "manufacturing-et-controle",
            "surveillance-securite-spatial", "materiaux-et-technologies-generiques"]
    domains = [f"{ID}domain/{d}" for d in defi] + [f"{ID}domain/synthetic-domain-{i}" for i in range(6)]
    for i, d in enumerate(domains):
        t(d, RDF_TYPE, iri(PHOT + "ApplicationDomain"))
        t(d, RDF_TYPE, iri(SKOS + "Concept"))
        t(d, SKOS + "inScheme", iri(PHOT + ("DefiPriorityDomains" if i < 6 else "ApplicationDomains")))
        t(d, SKOS + "prefLabel", lit(d.rsplit("/", 1)[-1]))

    mix = [("Firm", "firm", 0.80), ("ResearchLab", "lab", 0.10), ("Cluster", "cluster", 0.005),
           ("Programme", "programme", 0.005), ("Event", "event", 0.005), ("University", "university", 0.02),
           ("Association", "association", 0.01), ("PublicBody", "public-body", 0.055)]
    nodes: dict[str, list] = {k: [] for _, k, _ in mix}
    attrs = {}
    for cls, kind, share in mix:
        for i in range(max(2, int(n * share))):
            node = f"{ID}{kind}/synthetic-{i}"
            region = rng.randrange(13)
            domain = rng.randrange(len(domains)) if rng.random() < 0.8 else rng.randrange(6)
            foreign = kind in ("firm", "lab") and rng.random() < 0.02
            nodes[kind].append(node)
            attrs[node] = (region, domain, foreign)
            t(node, RDF_TYPE, iri(PHOT + cls))
            t(node, LABEL, lit(f"{kind} synthétique {i}"))
            if kind not in ("programme", "event"):
                if foreign:
                    t(node, PHOT + "locatedIn", iri(abroad))
                else:
                    t(node, PHOT + "inRegion", iri(regions[region]))
                    t(node, PHOT + "locatedIn", iri(regions[region]))
                t(node, PHOT + "activeIn", iri(domains[domain]))
            else:
                t(node, PHOT + "priorityDomain", iri(domains[domain]))
            if kind == "firm":
                t(node, PHOT + "sme", f'"{str(rng.random() < 0.7).lower()}"^^<{XSD_BOOL}>')
            if kind in ("cluster", "firm") and rng.random() < 0.1:
                t(node, PHOT + "foundingYear", f'"{rng.randrange(1980, 2020)}"^^<{XSD_INT}>')
            if kind == "programme" and rng.random() < 0.5:
                t(node, PHOT + "offers", iri(node + "-training"))
                t(node + "-training", RDF_TYPE, iri(PHOT + "TrainingOffer"))

    by_place: dict[tuple, list] = {}
    for node, (region, domain, _) in attrs.items():
        by_place.setdefault((region, domain), []).append(node)

    def tie(s, rel, o, fact=None, start=None):
        t(s, rel, iri(o))
        counts["ties"] += 1
        if fact and start:
            f = f"{ID}fact/synthetic/{hashlib.sha1((s + rel + o).encode()).hexdigest()[:16]}"
            cls, subj, obj = fact
            t(f, RDF_TYPE, iri(PHOT + cls))
            t(f, RDF_TYPE, iri(PHOT + "Fact"))
            t(f, subj, iri(s))
            t(f, obj, iri(o))
            t(f, PHOT + "startYear", f'"{start}"^^<{XSD_INT}>')

    clusters_by_region: dict[int, list] = {}
    for c in nodes["cluster"]:
        clusters_by_region.setdefault(attrs[c][0], []).append(c)
    everyone = list(attrs)
    membership = ("Membership", ORG + "member", ORG + "organization")
    partnership = ("Partnership", PHOT + "partner", PHOT + "partner")
    for kind in ("firm", "lab", "university"):
        for node in nodes[kind]:
            region, domain, _ = attrs[node]
            if rng.random() < 0.6 and clusters_by_region.get(region):
                tie(node, ORG + "memberOf", rng.choice(clusters_by_region[region]), membership,
                    rng.randrange(2000, 2024) if rng.random() < 0.2 else None)
            local = by_place[(region, domain)]
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                other = rng.choice(local) if rng.random() < 0.85 else rng.choice(everyone)
                if other != node:
                    tie(node, PHOT + "partnerOf", other, partnership,
                        rng.randrange(2000, 2024) if rng.random() < 0.3 else None)
            if rng.random() < 0.15:
                tie(node, PHOT + "participatesIn", rng.choice(nodes["programme"] + nodes["event"]))
    sponsors = [f"{ID}firm/synthetic-sponsor-{x}" for x in "ab"]
    for s in sponsors:
        t(s, RDF_TYPE, iri(PHOT + "Firm"))
        t(s, LABEL, lit("Sponsor synthétique " + s[-1]))
        for p in rng.sample(nodes["programme"], max(1, len(nodes["programme"]) // 3)):
            tie(s, PHOT + "sponsorOf", p, ("Sponsorship", PHOT + "sponsor", PHOT + "sponsored"), 2012)
    for body in nodes["public-body"]:
        if rng.random() < 0.3:
            tie(body, PHOT + "ownerOf", rng.choice(nodes["programme"]))
    counts["triples"] = len(out)
    return ("\n".join(out) + "\n").encode("utf-8"), counts


def load_synthetic(store, data: bytes) -> None:
    """Load the synthetic graph with a provenance that labels it synthetic."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from photonics_kg.graph.store import SourceInfo, provenance_triples, to_ox

    g = ox.NamedNode(GRAPH)
    store.oxigraph.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=g)
    info = SourceInfo(loader="synthetic", source="bench/analysis.py", sha256=hashlib.sha256(data).hexdigest(),
                      synthetic=True, title="SYNTHETIC benchmark graph")
    store.oxigraph.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), g)
                          for s, p, o in provenance_triples(URIRef(GRAPH), info, data.count(b"\n")))


def timed(fn):
    t0 = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--compare-nodes", type=int, default=10_000,
                        help="size of the subgraph on which networkx and igraph are compared")
    parser.add_argument("--gaps", action="store_true", help="also time the gap queries and link prediction")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from photonics_kg.graph import analysis as an
    from photonics_kg.graph.projection import actor_graph, project
    from photonics_kg.graph.store import KGStore

    print(f"SYNTHETIC ecosystem, {args.nodes} actors (seed {args.seed})", flush=True)
    (data, counts), t_gen = timed(lambda: synthetic_ntriples(args.nodes, args.seed))
    store = KGStore()
    _, t_load = timed(lambda: load_synthetic(store, data))
    print(f"  generated {counts['triples']} triples ({counts['ties']} ties) in {t_gen:.1f} s, loaded in {t_load:.1f} s")

    # 1. the whole analyze, as the command runs it
    t_start, cpu_start = time.perf_counter(), time.process_time()
    P, t_proj = timed(lambda: project(store))
    A, t_actor = timed(lambda: actor_graph(P))
    result, t_an = timed(lambda: an.analyze(A, sponsors=an.sponsor_groups(P)))
    total = time.perf_counter() - t_start
    cpu = time.process_time() - cpu_start
    sel = P.graph["timings"]
    print(f"\nanalyze on {A.number_of_nodes()} actors / {A.number_of_edges()} ties (backend {result['backend']}):")
    print(f"  projection {t_proj:.1f} s (SELECTs {sel['select']:.1f} s, networkx {sel['build']:.1f} s), actor graph {t_actor:.1f} s")
    for name, seconds in result["timings"].items():
        print(f"  {name:22s} {seconds:7.2f} s")
    print(f"  TOTAL analyze          {total:7.2f} s wall, {cpu:.2f} s CPU   (target < 60 s: {'ok' if total < 60 else 'MISSED'})")
    try:
        import os

        print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall time includes waiting for a core)")
    except OSError:  # pragma: no cover
        pass

    # 2. networkx vs igraph on the same subgraph
    m = min(args.compare_nodes, A.number_of_nodes())
    # a snowball sample (breadth-first from random actors) keeps the local density of ties
    rng = random.Random(args.seed)
    order = sorted(A, key=str)
    keep: set = set()
    while len(keep) < m:
        for node in nx.bfs_tree(A, rng.choice(order)):
            keep.add(node)
            if len(keep) >= m:
                break
    H = nx.Graph(A.subgraph(keep))
    print(f"\nnetworkx vs python-igraph on a {H.number_of_nodes()}-actor / {H.number_of_edges()}-tie subgraph:")
    k = min(an.BETWEENNESS_SAMPLES, m)
    metrics = [
        ("betweenness (k=%d)" % k, lambda b: an.betweenness(H, backend=b, sample_above=0, k=k)),
        ("eigenvector", lambda b: an.eigenvector(H, backend=b)),
        ("pagerank", lambda b: an.pagerank(H, backend=b)),
        ("k-cores", lambda b: an.core_numbers(H, backend=b)),
        ("louvain", lambda b: an.communities(H, backend=b)),
        ("bridges", lambda b: an.bridges(H, backend=b)),
        ("articulation points", lambda b: an.articulation_points(H, backend=b)),
        ("constraint", lambda b: an.constraint(H, backend=b)),
        ("effective size", lambda b: an.effective_size(H, backend=b)),
    ]
    print(f"  {'metric':24s} {'networkx':>9s} {'igraph':>9s} {'ratio':>8s}")
    for name, fn in metrics:
        _, t_nx = timed(lambda: fn("networkx"))
        _, t_ig = timed(lambda: fn("igraph"))
        print(f"  {name:24s} {t_nx:8.2f}s {t_ig:8.2f}s {t_nx / max(t_ig, 1e-6):7.1f}x", flush=True)

    if args.gaps:
        from photonics_kg.graph import gaps as gp
        from photonics_kg.graph import recommend as rc

        print("\ngap queries and link prediction:")
        for name, fn in [("coverage", lambda: gp.coverage(store)),
                         ("labs without firms", lambda: gp.labs_without_firm_links(store)),
                         ("SME reach", lambda: gp.smes_unreached(store)),
                         ("training", lambda: gp.domains_without_training(store)),
                         ("international links", lambda: gp.international_links(store)),
                         ("clusters", lambda: gp.clusters_without_research(store)),
                         ("recommend", lambda: rc.recommend(A)),
                         ("evaluate (5 rounds)", lambda: rc.evaluate(A))]:
            _, seconds = timed(fn)
            print(f"  {name:22s} {seconds:7.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
