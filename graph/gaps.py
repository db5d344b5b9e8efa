"""Strategy gaps: where the ecosystem is thin, each gap a named query plus a threshold.

Every function runs one library query (``queries/select/gap-*.rq``, named in
:attr:`Gap.query` so the report can say where each number comes from), then applies thresholds
from :class:`Thresholds` in Python. The queries are aggregates (a count per cell, per domain,
per SME...) read against the full grid, never a correlated ``FILTER NOT EXISTS`` (slow on
Oxigraph, see ../shared/DESIGN.md). All take ``year`` ("as of", the rules of
:mod:`photonics_kg.graph.projection`) and work on any store with ``select(text, bindings)``.

>>> t = Thresholds(weak_below=2)
>>> cell_status(0, t), cell_status(1, t), cell_status(2, t)
('empty', 'weak', 'ok')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from photonics_kg.errors import ConfigError
from photonics_kg.queries.library import get

DEFI_SCHEME = "https://w3id.org/photonics-kg/ontology#DefiPriorityDomains"
ALL_DOMAINS_SCHEME = "https://w3id.org/photonics-kg/ontology#ApplicationDomains"
#: the categories of the coverage grid, in display order
CATEGORIES = ("firm", "sme", "lab", "cluster", "training")
GAP_KINDS = ("coverage", "labs-without-firms", "sme-unreached", "no-training", "single-contact",
             "cluster-without-research")


@dataclass
class Thresholds:
    """When a count is a gap. Every function takes one; the CLI sets them from options."""

    weak_below: int = 3                 #: a coverage cell holding 1..weak_below-1 organisations is weak
    min_labs: int = 1                   #: a domain with at least this many labs...
    max_linked_labs: int = 0            #: ...of which at most this many are tied to a firm
    max_sme_hubs: int = 0               #: an SME tied to at most this many clusters/programmes
    max_training_offers: int = 0        #: a domain with at most this many training offers
    max_contacts: int = 1               #: a domain whose international links go through at most this many French actors
    max_research_partners: int = 0      #: a cluster with at most this many research partners

    def __post_init__(self):
        for name, value in self.__dict__.items():
            if not isinstance(value, int) or value < 0:
                raise ConfigError(f"threshold {name} must be a non-negative integer (got {value!r})")
        if self.weak_below < 1:
            raise ConfigError("threshold weak_below must be at least 1")


@dataclass
class Gap:
    """One gap: what is missing, where, the numbers, and the query that found it."""

    kind: str                           #: one of GAP_KINDS
    subject: str | None                 #: IRI of the domain, SME, cluster... (None: no domain)
    label: str                          #: French label of the subject
    label_en: str                       #: English label of the subject
    numbers: dict                       #: the counts behind the gap
    query: str                          #: name of the .rq file
    entities: list[str] = field(default_factory=list)  #: IRIs whose evidence backs the gap
    detail: dict = field(default_factory=dict)


@dataclass
class Coverage:
    """The domain × région grid with the count of each category in each cell."""

    domains: list[tuple[str, str, str]]            #: (IRI, French label, English label)
    regions: list[tuple[str, str]]                 #: (IRI, label)
    counts: dict[tuple[str, str], dict[str, int]]  #: (domain, région) -> {category: n}
    thresholds: Thresholds
    queries: tuple[str, str] = ("gap-grid", "gap-domain-region-coverage")

    def count(self, domain: str, region: str, category: str) -> int:
        return self.counts.get((domain, region), {}).get(category, 0)

    def cells(self, category: str, status: str) -> list[tuple[str, str]]:
        """The (domain, région) cells of ``category`` whose status is empty, weak or ok."""
        return [(d, r) for d, *_ in self.domains for r, _ in self.regions
                if cell_status(self.count(d, r, category), self.thresholds) == status]

    def matrix(self, categories=("firm", "lab", "cluster")) -> list[list[int]]:
        """Rows = domains, columns = régions: organisations of ``categories`` per cell."""
        return [[sum(self.count(d, r, c) for c in categories) for r, _ in self.regions] for d, *_ in self.domains]


def cell_status(n: int, thresholds: Thresholds) -> str:
    return "empty" if n == 0 else ("weak" if n < thresholds.weak_below else "ok")


def _run(store, name: str, year: int | None = None, **params) -> list[dict]:
    query = get(name)
    given = {k: str(v) for k, v in params.items() if v is not None}
    if year is not None:
        given["year"] = str(int(year))
    return store.select(query.text, query.bindings(given))


def _labels(row: dict, key: str) -> tuple[str, str]:
    fr = row.get(f"{key}_label") or _local(row.get(key))
    return fr, row.get(f"{key}_label_en") or fr


def _local(iri: str | None) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1] if iri else "—"


# -- the gaps ------------------------------------------------------------------------------
def coverage(store, *, year: int | None = None, scheme: str = DEFI_SCHEME,
             thresholds: Thresholds | None = None) -> Coverage:
    """Count firms, SMEs, labs, clusters and training offers in every domain × région cell.

    The grid (``gap-grid.rq``) is every domain of ``scheme`` by every French région; the
    counts (``gap-domain-region-coverage.rq``) come for non-empty cells only, so the zeros are
    the grid cells with no count.
    """
    thresholds = thresholds or Thresholds()
    grid = _run(store, "gap-grid", scheme=scheme)
    domains, regions = {}, {}
    for row in grid:
        domains[row["domain"]] = _labels(row, "domain")
        regions[row["region"]] = row.get("region_label") or _local(row["region"])
    counts: dict = defaultdict(dict)
    for row in _run(store, "gap-domain-region-coverage", year, scheme=scheme):
        counts[(row["domain"], row["region"])][row["category"]] = int(row["n"])
    from photonics_kg.iri import slugify

    return Coverage(
        domains=sorted(((d, *labels) for d, labels in domains.items()), key=lambda x: slugify(x[1])),
        regions=sorted(regions.items(), key=lambda x: slugify(x[1])),
        counts=dict(counts), thresholds=thresholds)


def coverage_gaps(cov: Coverage, store=None, *, year: int | None = None,
                  categories=CATEGORIES) -> list[Gap]:
    """One gap per domain where a category is absent (no cell) or thin (weak cells only).

    ``numbers`` holds, per category, the total count; ``detail["status"]`` says ``absent``,
    ``thin`` or ``ok`` per category, ``detail["cells"]`` lists the non-empty cells
    (région, count). With a ``store``, the organisations of the thin categories' cells are
    listed (``gap-cell-members.rq``) so the report can link their evidence.
    """
    gaps = []
    region_label = dict(cov.regions)
    for d, fr, en in cov.domains:
        status, cells, totals = {}, {}, {}
        for cat in categories:
            counts = {r: cov.count(d, r, cat) for r, _ in cov.regions}
            present = {r: n for r, n in counts.items() if n}
            totals[cat] = sum(present.values())
            cells[cat] = sorted(((region_label[r], n) for r, n in present.items()), key=lambda c: (-c[1], c[0]))
            if not present:
                status[cat] = "absent"
            elif all(cell_status(n, cov.thresholds) == "weak" for n in present.values()):
                status[cat] = "thin"
            else:
                status[cat] = "ok"
        if all(s == "ok" for s in status.values()):
            continue
        entities = []
        if store is not None:
            thin = {c for c, s in status.items() if s == "thin"}
            for r, _ in cov.regions:
                if any(cov.count(d, r, c) for c in thin):
                    entities += [row["org"] for row in _run(store, "gap-cell-members", year, domain=d, region=r)
                                 if row["category"] in thin]
        gaps.append(Gap(kind="coverage", subject=d, label=fr, label_en=en, query="gap-domain-region-coverage",
                        numbers=totals, entities=sorted(set(entities)) or [d],
                        detail={"status": status, "cells": cells}))
    return gaps


def labs_without_firm_links(store, *, year: int | None = None, scheme: str = DEFI_SCHEME,
                            thresholds: Thresholds | None = None) -> list[Gap]:
    """Domains with research labs of which (almost) none is tied to a firm."""
    t = thresholds or Thresholds()
    out = []
    for row in _run(store, "gap-domain-lab-firm-links", year, scheme=scheme):
        if int(row["labs"]) >= t.min_labs and int(row["linked_labs"]) <= t.max_linked_labs:
            fr, en = _labels(row, "domain")
            out.append(Gap("labs-without-firms", row["domain"], fr, en,
                           {k: int(row[k]) for k in ("labs", "linked_labs", "firms", "firm_lab_links")},
                           "gap-domain-lab-firm-links", entities=[row["domain"]]))
    return out


def smes_unreached(store, *, year: int | None = None, thresholds: Thresholds | None = None) -> list[Gap]:
    """SMEs tied to no cluster or programme (the reach of the SME support line)."""
    t = thresholds or Thresholds()
    out = []
    for row in _run(store, "gap-sme-reach", year):
        if int(row["hubs"]) <= t.max_sme_hubs:
            label = row.get("sme_label") or _local(row["sme"])
            out.append(Gap("sme-unreached", row["sme"], label, label,
                           {"hubs": int(row["hubs"])}, "gap-sme-reach", entities=[row["sme"]],
                           detail={"region": row.get("region_label")}))
    return out


def domains_without_training(store, *, year: int | None = None, scheme: str = DEFI_SCHEME,
                             thresholds: Thresholds | None = None) -> list[Gap]:
    """Domains with no (or too few) training offers (the training line)."""
    t = thresholds or Thresholds()
    out = []
    for row in _run(store, "gap-domain-training", year, scheme=scheme):
        if int(row["offers"]) <= t.max_training_offers:
            fr, en = _labels(row, "domain")
            out.append(Gap("no-training", row["domain"], fr, en,
                           {"offers": int(row["offers"]), "providers": int(row["providers"])},
                           "gap-domain-training", entities=[row["domain"]]))
    return out


def international_links(store, *, year: int | None = None) -> list[dict]:
    """International ties per domain: links, foreign partners, French contacts (most links first).

    A link with no domain on either end is counted under domain ``None``.
    """
    per_domain: dict = {}
    for row in _run(store, "gap-international-links", year):
        d = row.get("domain")
        entry = per_domain.setdefault(d, {"domain": d, "label": None, "label_en": None, "links": 0, "contacts": []})
        if d is not None:
            entry["label"], entry["label_en"] = _labels(row, "domain")
        entry["links"] += int(row["links"])
        entry["contacts"].append({"contact": row["contact"], "label": row.get("contact_label") or _local(row["contact"]),
                                  "links": int(row["links"]), "partners": int(row["partners"])})
    for entry in per_domain.values():
        entry["contacts"].sort(key=lambda c: (-c["links"], c["label"]))
    return sorted(per_domain.values(), key=lambda e: (e["domain"] is None, -e["links"], e["label"] or ""))


def single_points_of_contact(store, *, year: int | None = None, thresholds: Thresholds | None = None) -> list[Gap]:
    """Domains whose international links all go through at most ``max_contacts`` French actors."""
    t = thresholds or Thresholds()
    out = []
    for entry in international_links(store, year=year):
        if len(entry["contacts"]) <= t.max_contacts:
            fr = entry["label"] or "(sans domaine)"
            en = entry["label_en"] or "(no domain)"
            out.append(Gap("single-contact", entry["domain"], fr, en,
                           {"links": entry["links"], "contacts": len(entry["contacts"])},
                           "gap-international-links", entities=[c["contact"] for c in entry["contacts"]],
                           detail={"contacts": [c["label"] for c in entry["contacts"]]}))
    return out


def clusters_without_research(store, *, year: int | None = None, thresholds: Thresholds | None = None) -> list[Gap]:
    """Clusters tied to no (or too few) research labs or universities."""
    t = thresholds or Thresholds()
    out = []
    for row in _run(store, "gap-cluster-research-partners", year):
        if int(row["research_partners"]) <= t.max_research_partners:
            label = row.get("cluster_label") or _local(row["cluster"])
            out.append(Gap("cluster-without-research", row["cluster"], label, label,
                           {"research_partners": int(row["research_partners"])},
                           "gap-cluster-research-partners", entities=[row["cluster"]],
                           detail={"region": row.get("region_label")}))
    return out


@dataclass
class GapReport:
    """Every gap of the store, with the coverage grid and the thresholds used."""

    coverage: Coverage
    gaps: list[Gap]
    international: list[dict]
    thresholds: Thresholds
    year: int | None = None

    def by_kind(self, kind: str) -> list[Gap]:
        return [g for g in self.gaps if g.kind == kind]

    @property
    def count(self) -> int:
        return len(self.gaps)


def find_gaps(store, *, year: int | None = None, scheme: str = DEFI_SCHEME,
              thresholds: Thresholds | None = None, progress=None) -> GapReport:
    """Run every gap query; ``progress(name)`` is called before each."""
    t = thresholds or Thresholds()
    step = progress or (lambda name: None)
    step("coverage")
    cov = coverage(store, year=year, scheme=scheme, thresholds=t)
    gaps = coverage_gaps(cov, store, year=year)
    step("labs without firms")
    gaps += labs_without_firm_links(store, year=year, scheme=scheme, thresholds=t)
    step("SME reach")
    gaps += smes_unreached(store, year=year, thresholds=t)
    step("training")
    gaps += domains_without_training(store, year=year, scheme=scheme, thresholds=t)
    step("international links")
    international = international_links(store, year=year)
    gaps += single_points_of_contact(store, year=year, thresholds=t)
    step("clusters")
    gaps += clusters_without_research(store, year=year, thresholds=t)
    return GapReport(cov, gaps, international, t, year)


# -- evidence ------------------------------------------------------------------------------
def evidence(store, entity: str, *, predicates: tuple[str, ...] | None = None, limit: int = 3) -> list[dict]:
    """The documents and quotes behind statements about ``entity`` (``gap-evidence.rq``).

    ``predicates`` (local names such as ``activeIn``, ``priorityDomain``, ``type``) are preferred
    in that order; quoted evidence comes before unquoted. Each item: ``predicate`` (local name),
    ``subject``, ``object``, ``doc``, ``title``, ``url``, ``quote``.
    """
    rows = _run(store, "gap-evidence", s=entity)
    items = []
    for row in rows:
        pred = row["predicate"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        items.append({"predicate": pred, "subject": row["subject"], "object": row["object"],
                      "doc": row["doc"], "title": row.get("title"), "url": row.get("url"), "quote": row.get("quote")})
    order = list(predicates or ())

    def rank(item):
        p = order.index(item["predicate"]) if item["predicate"] in order else len(order)
        return (p, item["quote"] is None, item["title"] or "", str(item["object"]))

    seen, out = set(), []
    for item in sorted(items, key=rank):
        key = (item["predicate"], item["subject"], item["doc"], item["quote"])
        if key in seen:
            continue
        seen.add(key)
        out.append(item)
    return out[:limit]


EVIDENCE_PREFERENCES = {
    "coverage": ("activeIn", "priorityDomain", "locatedIn"),
    "labs-without-firms": ("priorityDomain", "activeIn"),
    "sme-unreached": ("type", "memberOf", "activeIn"),
    "no-training": ("priorityDomain", "offers"),
    "single-contact": ("partnerOf", "memberOf", "participatesIn"),
    "cluster-without-research": ("type", "memberOf", "mergedInto"),
}


def gap_evidence(store, gap: Gap, *, limit: int = 3) -> list[dict]:
    """Evidence for one gap: for its entities, the statements that put it in the table."""
    prefs = EVIDENCE_PREFERENCES.get(gap.kind, ())
    out = []
    for entity in gap.entities[:limit]:
        for item in evidence(store, entity, predicates=prefs, limit=1):
            out.append(item)
    return out[:limit]


__all__ = ["CATEGORIES", "Coverage", "DEFI_SCHEME", "Gap", "GapReport", "Thresholds", "coverage",
           "coverage_gaps", "clusters_without_research", "domains_without_training", "evidence",
           "find_gaps", "gap_evidence", "international_links", "labs_without_firm_links",
           "single_points_of_contact", "smes_unreached"]
