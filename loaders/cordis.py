"""CORDIS: EU framework-programme projects (Horizon Europe, H2020) and the organisations taking part.

Reads the bulk CSV files of the CORDIS open data (``;``-separated): ``project.csv``
(``id;acronym;status;title;startDate;endDate;...;ecMaxContribution;...;frameworkProgramme;...``)
and ``organization.csv`` (``projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;
activityType;...;country;...;role;ecContribution;...``), recognised by their header line. An
organisation file reads the ``project.csv`` beside it, when there is one, for the projects'
titles and dates.

- a project is a ``phot:Programme`` ``id/cordis/project/<id>`` (acronym as label, title as
  alternative name, start year, ``phot:euContribution`` = EC maximum contribution), part of its
  framework programme;
- an organisation is ``id/siren/<SIREN>`` when its French VAT number carries a SIREN (VAT
  ``FRkk`` + SIREN, key checked), else ``id/cordis/org/<PIC>``; typed by ``activityType`` (PRC
  firm, HES university, REC research lab or public body, PUB public body, OTH association), with
  its SME flag and place (French postal code → commune, département, région; else its country);
- taking part is ``phot:participatesIn`` with a ``phot:Participation`` fact dated by the project,
  the coordinator's role and ``phot:euContribution``;
- **co-participation** becomes a dated ``phot:Partnership`` per pair of participants of a project
  (``dcterms:isPartOf`` the project), for pairs with at least one French participant, in
  consortia of at most :data:`MAX_CONSORTIUM` organisations.

The default view keeps photonics projects (:data:`PHOTONICS_TERMS` in acronym, title, topics or
objective); ``CordisLoader(photonics_only=False)`` keeps every project.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Literal, URIRef

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.facts import Entity, Evidence, FactWriter, Relation
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, read_text, register
from photonics_kg.loaders.geography import departement_of_postcode, geography
from photonics_kg.loaders.sirene import luhn_siren
from photonics_kg.namespaces import DCTERMS, ID, PHOT, RDF, XSD

PROJECT_HEADER = ("id", "acronym", "status", "title", "startDate", "endDate")
ORG_HEADER = ("projectID", "projectAcronym", "organisationID")
ORG_HEADER_VARIANT = ("organisationID", "vatNumber", "name", "shortName", "SME")
MAX_CONSORTIUM = 60
PHOTONICS_TERMS = re.compile(r"photon|laser|optic|optique|lidar|terahertz|spectroscop|\blight\b|imaging", re.I)
FRAMEWORKS = {"HORIZON": "Horizon Europe", "H2020": "Horizon 2020", "FP7": "7e programme-cadre (FP7)"}
ACTIVITY_TYPES = {"PRC": "Firm", "HES": "University", "REC": "ResearchLab", "PUB": "PublicBody", "OTH": "Association"}


def siren_from_vat(vat: str | None) -> str | None:
    """The SIREN inside a French VAT number (``FR`` + 2-digit key + SIREN), when the key checks.

    >>> siren_from_vat("FR40180089013"), siren_from_vat("FR00180089013"), siren_from_vat("DE123456789")
    ('180089013', None, None)
    """
    m = re.fullmatch(r"FR(\d{2})(\d{9})", (vat or "").replace(" ", "").upper())
    if not m:
        return None
    key, siren = int(m.group(1)), m.group(2)
    if key != (12 + 3 * (int(siren) % 97)) % 97 or not luhn_siren(siren):
        return None
    return siren


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal((text or "").replace(",", ".")) if text else None
    except InvalidOperation:
        return None


def _date(text: str | None) -> str | None:
    m = re.match(r"^(\d{4}-\d{2}-\d{2})", (text or "").strip())
    return m.group(1) if m else None


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    text, _ = read_text(path)
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    rows = []
    for r in reader:
        rows.append((reader.line_num, r))
    return list(reader.fieldnames or []), rows


def file_kind(path: Path) -> str | None:
    if not (path.is_file() and path.suffix.lower() == ".csv"):
        return None
    with open(path, "rb") as f:
        first = f.readline().lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace").strip()
    cols = tuple(c.strip('"') for c in first.split(";"))
    if cols[:len(PROJECT_HEADER)] == PROJECT_HEADER:
        return "project"
    if cols[:len(ORG_HEADER)] == ORG_HEADER or cols[:len(ORG_HEADER_VARIANT)] == ORG_HEADER_VARIANT:
        return "organization"
    return None


class CordisMapper:
    def __init__(self, writer: FactWriter, doc: URIRef, report: LoadReport):
        self.w = writer
        self.doc = doc
        self.report = report
        self.geo = geography()
        self.projects: dict[str, dict] = {}
        self.project_nodes: dict[str, URIRef] = {}

    def _ev(self) -> Evidence:
        return Evidence(self.doc, rule="registry:cordis")

    def project(self, r: dict, line: int | None) -> URIRef | None:
        pid = (r.get("id") or r.get("projectID") or "").strip()
        if not re.fullmatch(r"\d+", pid):
            self.report.reject(line, "id", f"{pid!r} is not a CORDIS project id")
            return None
        if pid in self.project_nodes:
            return self.project_nodes[pid]
        acronym = (r.get("acronym") or r.get("projectAcronym") or "").strip() or f"project {pid}"
        node = URIRef(f"{ID}cordis/project/{pid}")
        title = (r.get("title") or "").strip()
        self.w.entity(Entity("Programme", acronym, aliases=[title] if title else [], iri=node), self._ev())
        self.w._add(node, DCTERMS.identifier, Literal(pid))
        start, end = _date(r.get("startDate")), _date(r.get("endDate"))
        if start:
            self.w.relation(Relation(node, "createdIn", start[:4]), self._ev())
            self.w._add(node, PHOT.date, Literal(start, datatype=XSD.date))
        if end:
            self.w._add(node, PHOT.endDate, Literal(end, datatype=XSD.date))
        contribution = _decimal(r.get("ecMaxContribution"))
        if contribution is not None:
            self.w._add(node, PHOT.euContribution, Literal(contribution))
        fp = (r.get("frameworkProgramme") or "").strip()
        if fp:
            fp_node = self.w.entity(Entity("Programme", FRAMEWORKS.get(fp, fp)))
            self.w._add(node, DCTERMS.isPartOf, fp_node)
        self.project_nodes[pid] = node
        return node

    def organisation(self, r: dict, line: int | None) -> URIRef | None:
        name = (r.get("name") or "").strip()
        pic = (r.get("organisationID") or "").strip()
        if not iris.slugify(name):
            self.report.reject(line, "name", "the organisation has no name")
            return None
        if not re.fullmatch(r"\d{6,12}", pic):
            self.report.reject(line, "organisationID", f"{pic!r} is not a participant identification code (PIC)")
            return None
        country = (r.get("country") or "").strip().upper()
        vat = (r.get("vatNumber") or "").strip()
        siren = siren_from_vat(vat) if country == "FR" else None
        if country == "FR" and vat.upper().startswith("FR") and siren is None:
            self.report.reject(line, "vatNumber", f"{vat!r} is not a valid French VAT number; organisation kept without SIREN")
        etype = ACTIVITY_TYPES.get((r.get("activityType") or "").strip(), "Firm")
        if etype == "ResearchLab" and siren and siren[0] in "12":
            etype = "PublicBody"  # a public research organisation (CNRS, CEA, INRIA...)
        short = (r.get("shortName") or "").strip()
        sme = {"true": True, "false": False}.get((r.get("SME") or "").strip().lower())
        ids = {"siren": siren} if siren else {}
        node = URIRef(f"{ID}siren/{siren}") if siren else URIRef(f"{ID}cordis/org/{pic}")
        url = (r.get("organizationURL") or "").strip()
        self.w.entity(Entity(etype, name, aliases=[short] if short and short != name else [], identifiers=ids,
                             sme=sme, homepage=url if re.match(r"^https?://\S+$", url) else None, iri=node), self._ev())
        self.w._add(node, PHOT.pic, Literal(pic))
        if country == "FR":
            dep = departement_of_postcode(r.get("postCode"))
            city = (r.get("city") or "").strip()
            place = None
            if dep:
                place = self.geo.commune(self.w, city, dep) if city else self.geo.departement(self.w, dep)
            if place is None:
                place = self.geo.country(self.w)
            self.w.relation(Relation(node, "locatedIn", place), self._ev())
        else:
            place = self.geo.foreign_country(self.w, country)
            if place is not None:
                self.w.relation(Relation(node, "locatedIn", place), self._ev())
        return node


@register
class CordisLoader(Loader):
    """CORDIS bulk CSV: project.csv and organization.csv (Horizon Europe, H2020)."""

    name = "cordis"
    extensions = (".csv",)

    def __init__(self, photonics_only: bool = True):
        self.photonics_only = photonics_only

    def options_digest(self) -> str:
        return f"photonics_only={self.photonics_only}"

    @classmethod
    def sniff(cls, path: Path) -> bool:
        return file_kind(path) is not None

    def _keep(self, project: dict | None, acronym: str) -> bool:
        if not self.photonics_only:
            return True
        text = " ".join(str((project or {}).get(k) or "") for k in ("acronym", "title", "topics", "objective"))
        return bool(PHOTONICS_TERMS.search(text + " " + acronym))

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        kind = file_kind(path)
        if kind is None:
            raise SourceError("not a CORDIS project.csv or organization.csv (header not recognised)", path=path)
        writer = FactWriter(label_lang=None)
        doc = writer.document(name=f"{path.parent.name}/{path.name}", title=f"CORDIS {kind} file",
                              publisher="European Commission, CORDIS")
        mapper = CordisMapper(writer, doc, report)
        projects: dict[str, tuple[int | None, dict]] = {}
        project_file = path if kind == "project" else next(
            (p for p in (path.with_name("project.csv"), path.with_name("projects.csv")) if p.is_file()), None)
        if project_file is not None:
            _, rows = _read(project_file)
            for line, r in rows:
                projects[(r.get("id") or "").strip()] = (line if project_file == path else None, r)
        if kind == "project":
            for pid, (line, r) in projects.items():
                report.rows_read += 1
                if self._keep(r, ""):
                    mapper.project(r, line)
        else:
            cols, rows = _read(path)
            if "projectID" not in cols:
                raise SourceError("this organisation file has no projectID column (the variant without "
                                  "projects cannot link organisations to projects)", path=path, line=1)
            by_project: dict[str, list[tuple[URIRef, dict]]] = {}
            for line, r in rows:
                report.rows_read += 1
                pid = (r.get("projectID") or "").strip()
                prow = projects.get(pid, (None, None))[1]
                if not self._keep(prow, r.get("projectAcronym") or ""):
                    continue
                pnode = mapper.project(prow or {"id": pid, "acronym": r.get("projectAcronym")}, line)
                org = mapper.organisation(r, line)
                if pnode is None or org is None:
                    continue
                start = _date((prow or {}).get("startDate"))
                end = _date((prow or {}).get("endDate"))
                role = (r.get("role") or "").strip().lower()
                fact = writer.relation(Relation(org, "participatesIn", pnode, date=start, end=end,
                                                role="coordinator" if role == "coordinator" else None),
                                       Evidence(doc, rule="registry:cordis"))
                contribution = _decimal(r.get("ecContribution"))
                if fact is not None and contribution is not None:
                    writer._add(fact, PHOT.euContribution, Literal(contribution))
                if fact is not None and role and role != "coordinator":
                    writer._add(fact, DCTERMS.description, Literal(role))
                by_project.setdefault(pid, []).append((org, r))
            pairs = 0
            for pid, members in by_project.items():
                unique = {}
                for org, r in members:
                    unique.setdefault(org, r)
                if len(unique) > MAX_CONSORTIUM:
                    report.notes.append(f"project {pid}: {len(unique)} participants, co-participation not expanded")
                    continue
                prow = projects.get(pid, (None, {}))[1] or {}
                start, end = _date(prow.get("startDate")), _date(prow.get("endDate"))
                for (a, ra), (b, rb) in itertools.combinations(sorted(unique.items(), key=lambda kv: str(kv[0])), 2):
                    if "FR" not in ((ra.get("country") or "").upper(), (rb.get("country") or "").upper()):
                        continue
                    self._partnership(writer, doc, a, b, mapper.project_nodes[pid], start, end)
                    pairs += 1
            report.notes.append(f"{len(by_project)} projects, {pairs} co-participation partnerships")
        stem = f"{path.parent.name}-{path.stem}"
        return [LoadedGraph(iris.graph_iri(self.name, stem), writer.graph, title=f"CORDIS {kind}: {path.parent.name}/{path.name}",
                            format=f"cordis-{kind}")]

    @staticmethod
    def _partnership(writer: FactWriter, doc: URIRef, a: URIRef, b: URIRef, project: URIRef,
                     start: str | None, end: str | None) -> None:
        fact = iris.fact_iri("Partnership", a, b, project)
        writer._add(fact, RDF.type, PHOT.Partnership)
        writer._add(fact, RDF.type, PHOT.Fact)
        writer._add(fact, PHOT.partner, a)
        writer._add(fact, PHOT.partner, b)
        writer._add(fact, DCTERMS.isPartOf, project)
        if start:
            writer._add(fact, PHOT.startYear, Literal(int(start[:4])))
            writer._add(fact, PHOT.date, Literal(start, datatype=XSD.date))
        if end:
            writer._add(fact, PHOT.endYear, Literal(int(end[:4])))
            writer._add(fact, PHOT.endDate, Literal(end, datatype=XSD.date))
        writer._add(a, PHOT.partnerOf, b)
        writer._evidence(Evidence(doc, rule="registry:cordis:co-participation", confidence=0.8), a, PHOT.partnerOf, b, fact)
