"""The Wikidata enrichment file written by :func:`photonics_kg.graph.wikidata.enrich`, as RDF.

Each answer links an organisation known by its SIREN (``id/siren/<SIREN>``), RNSR
(``id/rnsr/<RNSR>``) or ROR to its Wikidata item: ``phot:wikidata``, ``owl:sameAs`` the item,
Wikidata's labels as ``skos:altLabel`` (the registry's name stays ``rdfs:label``),
``org:subOrganizationOf`` its parent organisations and ``schema:foundingDate`` its inception.
An item matching several identifiers of one organisation is one link; an identifier matching
several items is reported (Wikidata duplicates) and kept, for the resolver to review.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rdflib import Literal, URIRef

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.facts import Evidence, FactWriter
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, read_text, register
from photonics_kg.namespaces import ID, ORG, OWL, PHOT, RDF, RDFS, SCHEMA, SKOS, XSD

KIND = "photonics-kg wikidata enrichment"
WD = "http://www.wikidata.org/entity/"


def _subject(kind: str, value: str) -> URIRef | None:
    if kind == "siren" and re.fullmatch(r"\d{9}", value or ""):
        return URIRef(f"{ID}siren/{value}")
    if kind == "rnsr" and re.fullmatch(r"\d{9}[A-Z]", value or ""):
        return URIRef(f"{ID}rnsr/{value}")
    return None


@register
class WikidataLoader(Loader):
    name = "wikidata"
    extensions = (".json",)

    @classmethod
    def sniff(cls, path: Path) -> bool:
        if not (path.is_file() and path.suffix.lower() == ".json"):
            return False
        with open(path, "rb") as f:
            return KIND.encode() in f.read(512)

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        text, _ = read_text(path)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SourceError(f"not valid JSON: {exc}", path=path) from None
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise SourceError(f"not a Wikidata enrichment file (kind must be {KIND!r})", path=path)
        w = FactWriter(label_lang=None)
        doc = w.document(url=data.get("endpoint") or "https://query.wikidata.org/sparql",
                         title="Wikidata, by SIREN (P1616), RNSR (P3016) and ROR (P6782)")
        seen: dict[URIRef, set[str]] = {}
        for i, item in enumerate(data.get("items") or []):
            report.rows_read += 1
            qid = item.get("qid") or ""
            if not re.fullmatch(r"Q\d+", qid):
                report.reject(i + 1, "qid", f"{qid!r} is not a Wikidata item id")
                continue
            if item.get("kind") == "ror":
                # a ROR id names no IRI of ours: the organisation holding it is found by the resolver
                org = None
                report.notes.append(f"ROR {item.get('id')}: {qid} (linked by the resolver)")
                continue
            org = _subject(item.get("kind"), item.get("id"))
            if org is None:
                report.reject(i + 1, "id", f"{item.get('kind')} {item.get('id')!r} is not an identifier this loader links")
                continue
            wd = URIRef(WD + qid)
            seen.setdefault(org, set()).add(qid)
            w._add(org, PHOT.wikidata, Literal(qid))
            w._add(org, OWL.sameAs, wd)
            w._evidence(Evidence(doc, rule=f"registry:wikidata:{item.get('kind')}"), org, PHOT.wikidata, Literal(qid))
            for key, lang in (("label_fr", "fr"), ("label_en", "en")):
                if item.get(key):
                    w._add(org, SKOS.altLabel, Literal(item[key], lang=lang))
            if item.get("inception"):
                m = re.match(r"^(\d{4}-\d{2}-\d{2})", item["inception"])
                if m:
                    w._add(org, SCHEMA.foundingDate, Literal(m.group(1), datatype=XSD.date))
            parent = item.get("parent")
            if parent and re.fullmatch(r"Q\d+", parent):
                psiren = item.get("parent_siren")
                target = _subject("siren", psiren) if psiren else None
                if target is None:
                    target = URIRef(WD + parent)
                    if item.get("parent_label"):
                        w._add(target, RDFS.label, Literal(item["parent_label"], lang="fr"))
                else:
                    w._add(target, PHOT.wikidata, Literal(parent))
                    w._add(target, OWL.sameAs, URIRef(WD + parent))
                w._add(org, ORG.subOrganizationOf, target)
        for org, qids in seen.items():
            if len(qids) > 1:
                report.notes.append(f"{org} matches several Wikidata items ({', '.join(sorted(qids))}): review with 'photonics-kg resolve'")
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), w.graph, title=f"Wikidata enrichment: {path.name}",
                            url=data.get("endpoint"), format="wikidata-json")]
