"""Counts of what is in the store: by class, by source graph, organisations in total."""

from __future__ import annotations

from photonics_kg.graph.store import KGStore
from photonics_kg.queries.library import get


def _short(iri: str) -> str:
    from photonics_kg.namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix not in ("id",):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def store_stats(store: KGStore) -> dict:
    """
    >>> from photonics_kg.graph.store import KGStore
    >>> store_stats(KGStore())["organisations"]
    0
    """
    classes = {_short(r["class"]): r["n"] for r in store.select(get("stats-by-class").text)}
    graphs = store.select(get("stats-by-graph").text, union=False)
    orgs = store.select(get("stats-organisations").text)
    return {
        "quads": len(store),
        "organisations": orgs[0]["n"] if orgs else 0,
        "classes": classes,
        "graphs": graphs,
    }
