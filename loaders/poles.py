"""Pôles de compétitivité: the curated, sourced table of the pôles labelled for phase V (2023-2026).

The table (``loaders/data/poles_competitivite.csv``, ``;``-separated, ``|`` inside a cell) is
written by the maintainers from the official announcement and the press articles cited on each
row; it gives each pôle's régions, themes, the terms of its label, whether optics/photonics is
among its themes, and the pôles it was merged from (with year and source). It carries no
identifiers: none were checked.

Each pôle becomes a ``phot:Cluster`` ``id/cluster/<slug>`` (the IRI curated sources mint for the
same name, so ``ALPHA-RLH`` here and in a curated file are one node), ``phot:locatedIn`` its
régions (so ``phot:inRegion`` is derived), ``phot:activeIn`` its themes, ``phot:labelledPhase``
with the terms, ``phot:photonicsRelevant``, and ``phot:participatesIn`` the programme
``Pôles de compétitivité, phase V``; a merger is a dated ``phot:Merger`` (``phot:mergedInto``)
from each predecessor. Every statement cites the row's sources.

Load it with ``photonics-kg build poles=$(python -c "from photonics_kg.loaders.poles import bundled_table; print(bundled_table())")``
or any file in the same layout.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from rdflib import Literal

from photonics_kg import iri as iris
from photonics_kg.config import package_file
from photonics_kg.errors import SourceError
from photonics_kg.facts import Entity, Evidence, FactWriter, Relation
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, first_data_line, read_text, register
from photonics_kg.loaders.geography import geography
from photonics_kg.namespaces import PHOT

TABLE = "poles_competitivite.csv"
COLUMNS = ("pole", "aliases", "regions", "themes", "label", "photonics", "merged_from", "merger_year",
           "merger_source", "sources")
PHASE = "Pôles de compétitivité, phase V (2023-2026)"


def _cells(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


@register
class PolesLoader(Loader):
    """The curated table of pôles de compétitivité (phase V)."""

    name = "poles"
    extensions = (".csv",)

    @classmethod
    def sniff(cls, path: Path) -> bool:
        header = first_data_line(path)
        return header is not None and tuple(header.split(";")) == COLUMNS
        return False

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        text, _ = read_text(path)
        lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
        reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";")
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise SourceError(f"not a pôles table; its header must be {';'.join(COLUMNS)}", path=path)
        comment_lines = len(text.splitlines()) - len(lines)
        geo = geography()
        regions = {name: code for code, name in geo.regions().items()}
        writer = FactWriter(label_lang=None)
        phase = writer.entity(Entity("Programme", PHASE, aliases=["phase V des pôles de compétitivité"]))
        docs = {}
        problems = []

        def doc(url: str):
            if url not in docs:
                docs[url] = writer.document(url=url)
            return docs[url]

        rows = list(reader)
        for i, r in enumerate(rows):
            line = comment_lines + i + 2
            report.rows_read += 1
            name = (r.get("pole") or "").strip()
            sources = _cells(r.get("sources"))
            if not name or not sources:
                problems.append((line, "pole" if not name else "sources", "a pôle needs a name and at least one source URL"))
                continue
            bad = [x for x in _cells(r.get("regions")) if x not in regions]
            if bad:
                problems.append((line, "regions", f"unknown région(s) {', '.join(bad)}; allowed: {', '.join(sorted(regions))}"))
                continue
            ev = [Evidence(doc(u), rule="curated:poles") for u in sources]
            pole = writer.entity(Entity("Cluster", name, aliases=_cells(r.get("aliases"))), ev[0])
            for e in ev[1:]:
                writer._evidence(e, pole, *_typed(pole))
            for region in _cells(r.get("regions")):
                node = geo.region(writer, regions[region])
                for e in ev:
                    writer.relation(Relation(pole, "locatedIn", node), e)
            for theme in _cells(r.get("themes")):
                dom = writer.entity(Entity("Domain", theme[:1].upper() + theme[1:]))
                writer.relation(Relation(pole, "activeIn", dom), ev[0])
            if r.get("label"):
                writer._add(pole, PHOT.labelledPhase, Literal(f"V (2023-2026): {r['label'].strip()}", lang="fr"))
            start = "2024" if (r.get("label") or "").startswith("2024") else "2023"
            writer.relation(Relation(pole, "participatesIn", phase, date=start, end="2026"), ev[0])
            writer._add(pole, PHOT.photonicsRelevant, Literal((r.get("photonics") or "").strip() == "yes"))
            preds = _cells(r.get("merged_from"))
            if preds:
                year = (r.get("merger_year") or "").strip() or None
                msrc = (r.get("merger_source") or "").strip()
                if not msrc:
                    problems.append((line, "merger_source", "a merger needs its source URL"))
                    continue
                for p in preds:
                    pnode = writer.entity(Entity("Cluster", p), Evidence(doc(msrc), rule="curated:poles"))
                    writer.relation(Relation(pnode, "mergedInto", pole, date=year), Evidence(doc(msrc), rule="curated:poles"))
        if problems:
            for line, field, msg in problems:
                report.reject(line, field, msg)
            raise SourceError(f"{len(problems)} problem(s) in this pôles table; nothing was loaded", path=path,
                              problems=problems)
        report.notes.append(f"{report.rows_read} pôles")
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), writer.graph, title="Pôles de compétitivité, phase V",
                            format="poles-csv")]


def _typed(node):
    from photonics_kg.namespaces import PHOT as P, RDF

    return RDF.type, P.Cluster


def bundled_table() -> Path:
    """The bundled table's path."""
    return Path(str(package_file("loaders", f"data/{TABLE}")))
