"""RNSR: the Répertoire national des structures de recherche (export CSV, or its JSON API records).

The export is ``;``-separated; multi-valued cells (``tutelles``, ``sigles_des_tutelles``,
``siret_des_tutelles``, ``numero_de_structure_historique``, ``type_de_succession``, ...) are one
cell joined by ``;`` and **aligned by position**: the i-th tutelle has the i-th sigle, SIRET,
UAI and type. Everything is loaded:

- each structure: a ``phot:ResearchLab`` ``id/rnsr/<RNSR>`` with its name, sigle and labels
  (``UMR 5298``) as alternative names, creation year, web site, address and commune (placed in
  its département and région, so ``phot:inRegion`` is derived);
- its **tutelles**: ``phot:ownerOf`` with the role ``phot:Tutelle`` (``établissement tutelle``)
  or ``phot:partnerOf`` (``établissement participant``); a tutelle with a SIRET is
  ``id/siren/<first 9 digits>``, the IRI SIRENE uses, with its UAI and its establishment
  ``id/siret/<SIRET>`` as an ``org:Site``; typed university, public body, association or firm
  by its nature (UNIV, EPST, EPIC, FONDATION, PRIVE, ...);
- **parents and children**: ``org:subOrganizationOf``;
- **dated lineage** (``numero_de_structure_historique`` with ``type_de_succession`` and
  ``annee_d_effet_historique``): one ``phot:Succession`` fact per predecessor, typed
  ``phot:Merger`` (fusion, éclatement-fusion, essaimage-fusion), ``phot:Absorption``
  (intégration), ``phot:Renaming`` (renouvellement) or ``phot:Split`` (éclatement, essaimage),
  with the shortcut ``phot:mergedInto`` / ``phot:renamedTo`` where one applies;
- **scientific domains** (``phot:activeIn`` a concept of the scheme ``id/rnsr-domain/`` of the ten
  RNSR domains, French and English labels) and **ERC panels** (``phot:activeIn`` a concept of
  the ERC panel scheme ``id/erc/``).

The names of the heads of structures are not loaded (personal data the graph does not need).

**Photonics filter** (:func:`photonics_relevant`): a structure is flagged
``phot:photonicsRelevant true`` when its name or sigle matches the photonics keywords
(:data:`PHOTONICS_KEYWORDS`: photon, optique, laser, lumière, spectroscopie, ...) or it is one of
the well-known photonics laboratories listed in :data:`PHOTONICS_SIGLES`. Default views select on
this flag; the rest stays in the graph.

>>> photonics_relevant("LABORATOIRE PHOTONIQUE, NUMERIQUE ET NANOSCIENCES", "LP2N", "")
True
>>> photonics_relevant("INSTITUT DE DROIT PUBLIC", "IDP", "SH2")
False
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from rdflib import Literal, URIRef

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.facts import Entity, Evidence, FactWriter, Relation
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, read_text, register
from photonics_kg.loaders.geography import commune_label, departement_of_postcode, geography
from photonics_kg.loaders.sirene import luhn_siren, luhn_siret
from photonics_kg.namespaces import ID, ORG, PHOT, RDF, RDFS, SKOS, XSD

ID_COLUMN = "numero_national_de_structure"
REQUIRED = (ID_COLUMN, "libelle", "tutelles", "siret_des_tutelles")
_RNSR = re.compile(r"^\d{9}[A-Z]$")

#: nature de tutelle -> entity type
TUTELLE_TYPES = {
    "UNIV": "University", "AUT_ETAB": "University", "UNIV_ETR": "University",
    "EPST": "PublicBody", "EPIC": "PublicBody", "EPA": "PublicBody", "MEDIC": "PublicBody",
    "AUT_OP_FR": "PublicBody", "SITE": "PublicBody", "OP_PUB_ETR": "PublicBody",
    "FONDATION": "Association", "PRIVE": "Firm",
}
#: code_de_type_de_succession -> (fact class, shortcut relation or None, the predecessor ends)
SUCCESSIONS = {
    "F": (PHOT.Merger, "mergedInto", True),
    "EF": (PHOT.Merger, "mergedInto", True),
    "SF": (PHOT.Merger, "mergedInto", True),
    "I": (PHOT.Absorption, "mergedInto", True),
    "R": (PHOT.Renaming, "renamedTo", True),
    "E": (PHOT.Split, None, True),
    "S": (PHOT.Split, None, False),
}
#: English names of the ten RNSR scientific domains
DOMAINS_EN = {
    "1": "Mathematics", "2": "Physics", "3": "Earth and space sciences", "4": "Chemistry",
    "5": "Biology, medicine and health", "6": "Humanities", "7": "Social sciences",
    "8": "Engineering sciences", "9": "Information and communication sciences and technologies",
    "10": "Agronomy and ecology",
}
ERC = URIRef(f"{ID}erc/")
RNSR_DOMAINS = URIRef(f"{ID}rnsr-domain/")

PHOTONICS_KEYWORDS = re.compile(
    r"photon|optique|optic|opto|laser|lumi[eè]re(?!s)|\blight\b|spectroscop|infrarouge|infrared|"
    r"t[ée]rahertz|plasmon|\blidar\b|charles fabry|fresnel|kastler",
    re.IGNORECASE)
#: sigles of well-known photonics laboratories whose names do not say so
PHOTONICS_SIGLES = frozenset({
    "CELIA", "XLIM", "FEMTO-ST", "LP2N", "LULI", "LOA", "PHLAM", "C2N", "ICB", "IRCICA",
    "ILM", "LIPHY", "LKB", "INL", "LAAS", "CRHEA", "IPR", "FOTON", "LP3", "IES", "IM2NP",
})


def photonics_relevant(name: str, sigle: str, erc: str) -> bool:
    """The documented photonics filter: keywords in the name or sigle, or a known photonics lab."""
    if PHOTONICS_KEYWORDS.search(name or "") or PHOTONICS_KEYWORDS.search(sigle or ""):
        return True
    return (sigle or "").strip().upper() in PHOTONICS_SIGLES


def split_cell(value) -> list[str]:
    """A multi-valued cell as a list (JSON lists pass through; ';'-joined text is split)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() if v is not None else "" for v in value]
    text = str(value)
    return [v.strip() for v in text.split(";")] if text.strip() else []


def _at(values: list[str], i: int) -> str:
    return values[i] if i < len(values) else ""


class RnsrMapper:
    def __init__(self, writer: FactWriter, doc: URIRef, report: LoadReport):
        self.w = writer
        self.doc = doc
        self.report = report
        self.geo = geography()
        self.tutelles: dict[str, tuple[URIRef, str]] = {}
        self.known: set[str] = set()
        self.placeholders: dict[str, str] = {}
        self.relevant = 0

    def _ev(self) -> Evidence:
        return Evidence(self.doc, rule="registry:rnsr")

    def structure(self, r: dict, line: int | None) -> None:
        num = (r.get(ID_COLUMN) or "").strip()
        name = (r.get("libelle") or "").strip()
        if not _RNSR.match(num):
            self.report.reject(line, ID_COLUMN, f"{num!r} is not an RNSR number (9 digits and a letter)")
            return
        if not iris.slugify(name):
            self.report.reject(line, "libelle", "the structure has no name")
            return
        sigle = (r.get("sigle") or "").strip()
        aliases = [sigle] if sigle else []
        aliases += sorted({x for x in split_cell(r.get("label_numero")) if x})
        site = (r.get("site_web") or "").strip()
        lab = self.w.entity(Entity("ResearchLab", name, aliases=aliases, identifiers={"rnsr": num},
                                   homepage=site if re.match(r"^https?://\S+$", site) else None), self._ev())
        self.known.add(num)
        self.placeholders.pop(num, None)
        if r.get("type_de_structure"):
            self.w._add(lab, PHOT.structureType, Literal(r["type_de_structure"], lang="fr"))
        if r.get("fiche_rnsr"):
            self.w._add(lab, RDFS.seeAlso, URIRef(r["fiche_rnsr"].strip()))
        year = (r.get("annee_de_creation") or "").strip()
        if re.fullmatch(r"\d{4}", year):
            self.w.relation(Relation(lab, "createdIn", year), self._ev())
        # place
        dep = departement_of_postcode(r.get("code_postal"))
        commune = (r.get("commune") or "").strip()
        if dep:
            place = self.geo.commune(self.w, commune, dep) if commune else self.geo.departement(self.w, dep)
            if place is not None:
                self.w.relation(Relation(lab, "locatedIn", place), self._ev())
        elif r.get("code_postal"):
            self.report.notes.append(f"line {line}: {num}: postal code {r.get('code_postal')!r} gives no French département")
        address = ", ".join(x for x in ((r.get("adresse") or "").strip(),
                                         f"{r.get('code_postal') or ''} {commune_label(commune) if commune else ''}".strip()) if x)
        if address:
            from photonics_kg.namespaces import SCHEMA

            self.w._add(lab, SCHEMA.address, Literal(address))
        self._tutelles(lab, r, line)
        for parent in split_cell(r.get("numero_de_structure_parent")):
            if _RNSR.match(parent):
                self.w._add(lab, ORG.subOrganizationOf, self._ref(parent))
        for child in split_cell(r.get("numero_de_structure_enfant")):
            if _RNSR.match(child):
                self.w._add(self._ref(child), ORG.subOrganizationOf, lab)
        self._lineage(lab, r, line)
        # domains and panels
        codes, labels = split_cell(r.get("code_domaine_scientifique")), split_cell(r.get("domaine_scientifique"))
        for i, code in enumerate(codes):
            label = _at(labels, i)
            if code and label and re.fullmatch(r"\d{1,2}", code):
                # a scheme of its own: the register's ten scientific domains are not application
                # domains, and must not take over a curated domain's node by sharing its name
                dom = URIRef(f"{RNSR_DOMAINS}{code}")
                self.w._add(dom, RDF.type, SKOS.Concept)
                self.w._add(dom, SKOS.inScheme, RNSR_DOMAINS)
                self.w._add(dom, SKOS.notation, Literal(f"rnsr-{code}"))
                self.w._add(dom, SKOS.prefLabel, Literal(label, lang="fr"))
                if code in DOMAINS_EN:
                    self.w._add(dom, SKOS.prefLabel, Literal(DOMAINS_EN[code], lang="en"))
                self.w._add(RNSR_DOMAINS, RDF.type, SKOS.ConceptScheme)
                self.w._add(RNSR_DOMAINS, SKOS.prefLabel, Literal("Domaines scientifiques du RNSR", lang="fr"))
                self.w.relation(Relation(lab, "activeIn", dom), self._ev())
        panels, panel_labels = split_cell(r.get("code_panel_erc")), split_cell(r.get("panel_erc"))
        for i, code in enumerate(panels):
            if not re.fullmatch(r"(PE|LS|SH)\d{1,2}", code):
                continue
            node = URIRef(f"{ERC}{code}")
            self.w._add(node, RDF.type, SKOS.Concept)
            self.w._add(node, SKOS.notation, Literal(code))
            self.w._add(node, SKOS.inScheme, ERC)
            self.w._add(ERC, RDF.type, SKOS.ConceptScheme)
            self.w._add(ERC, SKOS.prefLabel, Literal("ERC panels", lang="en"))
            label = _at(panel_labels, i)
            self.w._add(node, SKOS.prefLabel, Literal(label or code, lang="en"))
            self.w.relation(Relation(lab, "activeIn", node), self._ev())
        relevant = photonics_relevant(name, sigle, r.get("code_panel_erc") or "")
        self.w._add(lab, PHOT.photonicsRelevant, Literal(relevant))
        self.relevant += relevant

    def _ref(self, num: str) -> URIRef:
        """A structure named by number only (parent, child or predecessor)."""
        node = URIRef(f"{ID}rnsr/{num}")
        if num not in self.known:
            self.placeholders[num] = num
        return node

    def _tutelles(self, lab: URIRef, r: dict, line: int | None) -> None:
        names = split_cell(r.get("tutelles"))
        sigles = split_cell(r.get("sigles_des_tutelles"))
        natures = split_cell(r.get("code_de_nature_de_tutelle"))
        uais = split_cell(r.get("uai_des_tutelles"))
        sirets = split_cell(r.get("siret_des_tutelles"))
        kinds = split_cell(r.get("code_de_type_de_tutelle"))
        for col, values in (("sigles_des_tutelles", sigles), ("siret_des_tutelles", sirets),
                            ("code_de_type_de_tutelle", kinds)):
            if values and len(values) != len(names):
                self.report.reject(line, col, f"{len(values)} values for {len(names)} tutelles: cells are not aligned; tutelles skipped")
                return
        for i, name in enumerate(names):
            if not iris.slugify(name):
                continue
            siret = _at(sirets, i).replace(" ", "")
            ids = {}
            if siret:
                if luhn_siret(siret) and luhn_siren(siret[:9]):
                    ids["siren"] = siret[:9]
                else:
                    self.report.reject(line, "siret_des_tutelles", f"{siret!r} fails the SIRET check digit; tutelle {name!r} kept without it")
                    siret = ""
            uai = _at(uais, i)
            if re.fullmatch(r"\d{7}[A-Z]", uai):
                ids["uai"] = uai
            etype = TUTELLE_TYPES.get(_at(natures, i), "PublicBody")
            key = ids.get("siren") or f"{etype}:{iris.slugify(name)}"
            sigle = _at(sigles, i)
            if key in self.tutelles:
                node, first_name = self.tutelles[key]
                if name != first_name:
                    self.w._add(node, SKOS.altLabel, Literal(name))
                if sigle and sigle != first_name:
                    self.w._add(node, SKOS.altLabel, Literal(sigle))
                if "uai" in ids:
                    self.w._add(node, PHOT.uai, Literal(ids["uai"]))
            else:
                node = self.w.entity(Entity(etype, name, aliases=[sigle] if sigle else [], identifiers=ids), self._ev())
                self.tutelles[key] = (node, name)
            if siret:
                site = URIRef(f"{ID}siret/{siret}")
                self.w.entity(Entity("Place", f"{name} ({siret})", place_type="site", identifiers={"siret": siret}, iri=site))
                self.w._add(site, RDF.type, ORG.Site)
                self.w._add(node, ORG.hasSite, site)
            if _at(kinds, i) == "PART":
                self.w.relation(Relation(node, "partnerOf", lab), self._ev())
            else:
                self.w.relation(Relation(node, "ownerOf", lab, role="tutelle"), self._ev())

    def _lineage(self, lab: URIRef, r: dict, line: int | None) -> None:
        preds = split_cell(r.get("numero_de_structure_historique"))
        codes = split_cell(r.get("code_de_type_de_succession"))
        years = split_cell(r.get("annee_d_effet_historique"))
        if preds and (len(codes) != len(preds) or len(years) != len(preds)):
            self.report.reject(line, "numero_de_structure_historique",
                               f"{len(preds)} predecessors, {len(codes)} succession types, {len(years)} years: not aligned; lineage skipped")
            return
        for pred, code, year in zip(preds, codes, years):
            if not _RNSR.match(pred) or code not in SUCCESSIONS:
                self.report.reject(line, "type_de_succession", f"predecessor {pred!r} with succession type {code!r} not understood")
                continue
            cls, shortcut, ends = SUCCESSIONS[code]
            pnode = self._ref(pred)
            y = int(year) if re.fullmatch(r"\d{4}", year) else None
            fact = iris.fact_iri(cls.split("#")[-1], pnode, lab, y)
            for t in (cls, PHOT.Succession, PHOT.Fact):
                self.w._add(fact, RDF.type, t)
            self.w._add(fact, PHOT.predecessor, pnode)
            self.w._add(fact, PHOT.successor, lab)
            if y:
                self.w._add(fact, PHOT.startYear, Literal(y))
                if ends:
                    self.w._add(pnode, PHOT.dissolutionYear, Literal(y))
            if shortcut:
                self.w._add(pnode, PHOT.mergedInto if shortcut == "mergedInto" else PHOT.renamedTo, lab)
            ev = self.w._evidence(self._ev(), pnode, PHOT.successor, lab, fact)
            del ev

    def finish(self) -> None:
        """Name the structures known only by number (former or out-of-export structures)."""
        for num in sorted(self.placeholders):
            self.w.entity(Entity("ResearchLab", f"structure de recherche RNSR {num}",
                                 identifiers={"rnsr": num}))
            self.w._add(URIRef(f"{ID}rnsr/{num}"), RDFS.comment,
                        Literal("Known only by its RNSR number, as a parent, child or predecessor of a structure of the export.", lang="en"))


def _is_rnsr_json(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError:
        return False
    return b'"numero_national_de_structure"' in head


@register
class RnsrLoader(Loader):
    """The RNSR export (``;``-separated CSV) or records of its JSON API."""

    name = "rnsr"
    extensions = (".csv", ".json")

    @classmethod
    def sniff(cls, path: Path) -> bool:
        if not path.is_file():
            return False
        if path.suffix.lower() == ".json":
            return _is_rnsr_json(path)
        if path.suffix.lower() != ".csv":
            return False
        with open(path, "rb") as f:
            first = f.readline().lstrip(b"\xef\xbb\xbf")
        return first.startswith(ID_COLUMN.encode() + b";")

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        from tqdm import tqdm

        text, _ = read_text(path)
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise SourceError(f"not valid JSON: {exc}", path=path) from None
            rows = data.get("results") if isinstance(data, dict) else data
            if not isinstance(rows, list):
                raise SourceError("an RNSR JSON file holds a 'results' list of structures", path=path)
            records = [(None, r) for r in rows]
        else:
            reader = csv.DictReader(io.StringIO(text), delimiter=";")
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise SourceError(f"not an RNSR export: column(s) {', '.join(missing)} missing", path=path, line=1)
            records = []
            for r in reader:
                if None in r:  # more cells than the header
                    report.reject(reader.line_num, None, f"{len(r) - 1 + len(r[None])} cells, the header has {len(reader.fieldnames)}")
                    continue
                records.append((reader.line_num, r))
        writer = FactWriter(label_lang=None)
        doc = writer.document(name=path.name, title="RNSR, Répertoire national des structures de recherche",
                              publisher="Ministère de l'Enseignement supérieur et de la Recherche")
        mapper = RnsrMapper(writer, doc, report)
        for line, r in tqdm(records, desc=f"rnsr {path.name}", unit="structure",
                            disable=progress is False or (progress is None and len(records) < 1000)):
            report.rows_read += 1
            mapper.structure(r, line)
        mapper.finish()
        report.notes.append(f"{len(mapper.known)} structures, {len(mapper.tutelles)} tutelles, "
                            f"{len(mapper.placeholders)} structures known by number only, "
                            f"{mapper.relevant} flagged photonicsRelevant")
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), writer.graph,
                            title=f"RNSR: {path.name}", format="rnsr-csv" if path.suffix.lower() == ".csv" else "rnsr-json")]
