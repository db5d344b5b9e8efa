"""Benchmark the network page: generation time, and time to settle in headless Chromium.

    python bench/viz.py                 # 1k and 5k nodes, 3 repeats, settle times in Chromium
    python bench/viz.py --sizes 1000 --repeat 1 --no-browser

Graphs are SYNTHETIC (random ecosystems labelled as such, never mixed with real data): ~70 % firms,
labs, universities, clusters, programmes; about two ties per node (memberships of clusters,
partnerships with preferential attachment, sponsorships, participations); régions and domains as
attributes.

What is compared, in the same run:

* **ours**: :func:`photonics_kg.graph.viz.make_page` (normalise a copy, filter, lay out with
  igraph, fill a pyvis ``Network`` directly with deduplicated edges, render our self-contained
  template), drawn node by node (``aggregate_by="none"``); "of which layout" is the difference
  with ``layout="physics"`` (no layout in Python);
* **pyvis from_nx**: the plain baseline, ``Network(cdn_resources="in_line").from_nx(copy)`` then
  ``generate_html()`` on the same graph (its ``add_edge`` scans every edge already added);
* **settle**: the 5,000-node page opened in headless Chromium (offline), from navigation start to
  the moment the page is still (target < 10 s), read from ``window.photonicsKg.settleMs``: the
  first drawing for a layout computed in Python, else the ``stabilizationIterationsDone`` event
  after which the page switches physics off; three variants: as shipped, vis-network physics
  with the page's 8 s deadline, and vis-network physics left to finish.

Results are printed and written to bench/results/viz.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

REGIONS = ["Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
           "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
           "Pays de la Loire", "Provence-Alpes-Côte d'Azur"]
DOMAINS = ["Télécoms", "Santé et Vivant", "Énergie Eclairage Affichage", "Manufacturing et Contrôle",
           "Surveillance Sécurité Spatial", "Matériaux et Technologies génériques"]
TYPES = [("Firm", 0.70), ("ResearchLab", 0.12), ("University", 0.06), ("PublicBody", 0.04),
         ("Association", 0.03), ("Programme", 0.03), ("Cluster", 0.01), ("Event", 0.01)]


def synthetic_ecosystem(n: int, seed: int = 1) -> nx.MultiDiGraph:
    """A random ecosystem of ``n`` actors and about ``2 n`` ties (SYNTHETIC)."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph(synthetic=True)
    names, weights = zip(*TYPES)
    kinds = rng.choices(names, weights=weights, k=n)
    kinds[:3] = ["Cluster", "Cluster", "Cluster"]          # always a few clusters to join
    for i, kind in enumerate(kinds):
        G.add_node(f"syn:{i}", type=kind, label=f"Synthetic {kind.lower()} {i}",
                   region=[rng.choice(REGIONS)] if rng.random() < 0.9 else [],
                   domains=rng.sample(DOMAINS, rng.choice((0, 1, 1, 2))),
                   identifiers={}, sources=[{"title": f"synthetic document {i % 97}", "url": None}],
                   founded=rng.choice((None, rng.randint(1980, 2020))))
    clusters = [f"syn:{i}" for i, k in enumerate(kinds) if k == "Cluster"]
    programmes = [f"syn:{i}" for i, k in enumerate(kinds) if k == "Programme"] or clusters
    for i in range(n):
        if kinds[i] != "Cluster" and rng.random() < 0.5:
            c = rng.choice(clusters)
            G.add_edge(f"syn:{i}", c, relation="memberOf")
            G.nodes[f"syn:{i}"].setdefault("clusters", []).append(G.nodes[c]["label"])
    targets = list(range(n))
    while G.number_of_edges() < 2 * n:
        a = rng.randrange(n)
        b = rng.choice(targets)                             # preferential attachment: hubs appear
        if a == b:
            continue
        r = rng.random()
        rel = "partnerOf" if r < 0.6 else ("participatesIn" if r < 0.8 else "sponsorOf")
        if rel != "partnerOf":
            b = int(rng.choice(programmes).split(":")[1])
        G.add_edge(f"syn:{a}", f"syn:{b}", relation=rel, periods=[(rng.randint(2000, 2023), None)])
        targets.append(b)
    return G


def plain_copy(G: nx.MultiDiGraph) -> nx.Graph:
    """The baseline's input: the same nodes and ties, with the attributes pyvis draws."""
    from photonics_kg.graph.viz import NODE_TYPES

    P = nx.Graph()
    for n, d in G.nodes(data=True):
        P.add_node(n, label=d["label"], group=d["type"], title=f"{d['label']} ({d['type']})",
                   color=NODE_TYPES[d["type"]]["color"])
    for u, v, d in G.edges(data=True):
        P.add_edge(u, v, title=d["relation"])
    return P


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def ours(G, **kwargs):
    from photonics_kg.graph.viz import make_page

    return make_page(G, aggregate_by="none", title="Synthetic benchmark ecosystem", **kwargs)


def baseline(G):
    from pyvis.network import Network

    net = Network(height="800px", width="100%", cdn_resources="in_line")
    net.from_nx(plain_copy(G))
    return net.generate_html()


def settle(html: str, repeat: int) -> dict:
    from chromium import chromium, missing_reason, wait_settled

    reason = missing_reason()
    if reason:
        return {"skipped": reason}
    folder = Path(tempfile.mkdtemp(prefix="viz-bench-"))
    page = folder / "page.html"
    page.write_text(html, encoding="utf-8")
    runs = []
    for _ in range(repeat):
        with chromium(offline=True) as driver:      # a fresh browser each time: no warm cache
            driver.set_page_load_timeout(120)
            t0 = time.perf_counter()
            driver.get(page.as_uri())
            loaded = time.perf_counter() - t0
            settle_ms = wait_settled(driver, timeout=120)
            wall = time.perf_counter() - t0
            info = driver.execute_script(
                "const k = window.photonicsKg; return {start: k.startMs, built: k.constructedMs, "
                "iterations: k.iterations, deadline: k.deadlineHit, counts: k.counts()}")
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            runs.append({"settle_s": settle_ms / 1000, "script_start_s": info["start"] / 1000,
                         "network_built_s": info["built"] / 1000,
                         "layout_s": (settle_ms - info["built"]) / 1000, "wall_s": wall,
                         "load_event_s": loaded, "iterations": info["iterations"],
                         "deadline_hit": info["deadline"],
                         "drawn": [info["counts"]["drawnNodes"], info["counts"]["drawnEdges"]],
                         "console_errors": len(errors)})
    med = {k: round(statistics.median(r[k] for r in runs), 2)
           for k in ("settle_s", "script_start_s", "network_built_s", "layout_s", "wall_s", "iterations")}
    return {"median": med, "runs": runs, "page_mb": round(len(html.encode()) / 1e6, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--settle-size", type=int, default=5000, help="node count of the page opened in Chromium")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "viz.json")
    args = ap.parse_args(argv)

    import os

    results = {"generation": [], "settle": {}, "load_average_before": os.getloadavg(), "cpus": os.cpu_count()}
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work slows every number)")
    ours(synthetic_ecosystem(50))             # warm up both (imports, template compilation)
    baseline(synthetic_ecosystem(50))
    print(f"{'nodes':>6} {'edges':>6} {'ours s':>8} {'of which layout':>16} {'pyvis from_nx s':>16} {'ratio':>6} {'page MB':>8}")
    pages = {}
    for n in args.sizes:
        G = synthetic_ecosystem(n)
        t_ours, page = timed(lambda: ours(G), args.repeat)
        t_physics, _ = timed(lambda: ours(G, layout="physics"), args.repeat)
        t_base, _ = timed(lambda: baseline(G), max(1, args.repeat if n <= 2000 else 1))
        pages[n] = page.html
        row = {"nodes": page.nodes, "edges": page.edges, "ours_s": round(t_ours, 3),
               "ours_without_layout_s": round(t_physics, 3),
               "pyvis_from_nx_s": round(t_base, 3), "speedup": round(t_base / t_ours, 1),
               "page_mb": round(len(page.html.encode()) / 1e6, 2)}
        results["generation"].append(row)
        print(f"{row['nodes']:>6} {row['edges']:>6} {row['ours_s']:>8.3f} {t_ours - t_physics:>16.3f} "
              f"{row['pyvis_from_nx_s']:>16.3f} "
              f"{row['speedup']:>5.1f}x {row['page_mb']:>8.2f}")
    if not args.no_browser:
        G = synthetic_ecosystem(args.settle_size)
        variants = {"as shipped (layout computed by igraph when written)": pages.get(args.settle_size) or ours(G).html,
                    "vis physics in the browser, 8 s deadline": ours(G, layout="physics").html,
                    "vis physics in the browser, no deadline": ours(G, layout="physics", settle_deadline_ms=None).html}
        for name, html in variants.items():
            s = settle(html, args.repeat)
            results["settle"][name] = {"nodes": args.settle_size, **s}
            if "skipped" in s:
                print(f"settle: skipped ({s['skipped']})")
                break
            m = s["median"]
            verdict = "OK" if m["settle_s"] < 10 else "OVER TARGET"
            print(f"settle, {args.settle_size} nodes, {name}, median of {len(s['runs'])}: {m['settle_s']:.2f} s "
                  f"from navigation start (script {m['script_start_s']:.2f} s, network built {m['network_built_s']:.2f} s, "
                  f"layout {m['layout_s']:.2f} s, {m['iterations']:.0f} iterations, deadline hit in "
                  f"{sum(r['deadline_hit'] for r in s['runs'])}/{len(s['runs'])}) - target < 10 s: {verdict}")
    results["load_average_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
