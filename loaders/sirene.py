"""INSEE SIRENE: the StockEtablissement and StockUniteLegale files, and API Sirene 3.11 JSON.

**Stock files** (comma-separated, header line, every value text) are read by column *name*, so
the 2021 layout (48 columns), the current one (``identifiantAdresseEtablissement``, Lambert
coordinates, ``activitePrincipaleNAF25…``) and the API's CSV export (85 columns) all load. The
national file is tens of millions of rows and several GB, so it is **filtered while it is read**,
with bounded memory and a progress bar, by one of two engines:

- ``duckdb`` (the default for files of 32 MB and more): DuckDB's parallel CSV reader applies the
  filter in SQL and streams back only the kept rows, with a memory limit (512 MB); malformed rows
  come back from DuckDB with their line; a kept row that a check rejects later gets its line from
  one extra pass over the file (:func:`locate_rejected_lines`);
- ``python`` (small files, or DuckDB not installed): blocks of 8 MB; the filtered column of each
  raw line is read without parsing the line, and only the lines it keeps are parsed with :mod:`csv`.

``bench/sirene.py`` measures both against Python's ``csv`` module on a synthetic
5-million-row file (README: "Registries").

**Filters** (:class:`SireneFilter`, all combined with AND): NAF codes (default: the 13 photonics
codes marked ``default`` in ``loaders/data/naf_photonics.csv``: 26.11Z, 26.30Z, 26.51A, 26.51B,
26.60Z, 26.70Z, 27.31Z, 27.40Z, 32.50A, 32.50B, 33.13Z, 71.12B, 72.19Z), départements, a SIREN
list, and active establishments only (default). With the ``python`` engine, rows outside the
filter are not parsed, so their defects are not reported; DuckDB reports every malformed row.

**Checks**: SIREN (9 digits) and SIRET (14 digits) carry a Luhn check digit (La Poste's
establishments, SIREN 356000000, use a sum-of-digits-divisible-by-5 rule instead); a row that fails
is rejected with its line and reason and the other rows load.

**RDF**: a legal unit is an organisation ``id/siren/<SIREN>`` (a firm, or a public body,
university or association by its ``categorieJuridique`` or, without it, by its SIREN: those of
public-law bodies start with 1 or 2), with ``phot:siren``, ``phot:legalForm``, ``phot:sizeBand``,
``phot:sme`` (``categorieEntreprise`` = PME), ``phot:nafCode`` and its founding year. An
establishment is an ``org:Site`` / ``phot:Site`` ``id/siret/<SIRET>`` inside its commune, linked by
``org:hasSite``; the unit is ``phot:locatedIn`` the commune of each active establishment, so
``phot:inRegion`` is derived (see :mod:`photonics_kg.loaders.geography`). ``liensSuccession``
become dated ``phot:Succession`` facts between establishments.

>>> luhn_siret("39860733300059"), luhn_siret("39860733300058")
(True, False)
>>> normalise_naf("2670Z"), normalise_naf("26.70Z"), normalise_naf("70.3C")
('26.70Z', '26.70Z', None)
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from rdflib import Literal, URIRef

from photonics_kg import iri as iris
from photonics_kg.config import package_file
from photonics_kg.errors import ConfigError, SourceError
from photonics_kg.facts import Entity, Evidence, FactWriter, Relation
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, register
from photonics_kg.loaders.curated import luhn_ok
from photonics_kg.loaders.geography import departement_of_commune, departement_of_postcode, geography
from photonics_kg.namespaces import NAF, ORG, PHOT, RDF, SCHEMA, SKOS, XSD

BLOCK = 8 << 20
LA_POSTE = "356000000"
_NAF2 = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")

ETAB_REQUIRED = ("siren", "siret")
UL_MARKERS = ("siren", "statutDiffusionUniteLegale")


NAF_SCHEME = URIRef(str(PHOT) + "NafRev2") if not hasattr(PHOT, "_NS") else URIRef(str(PHOT._NS) + "NafRev2")


@lru_cache(maxsize=1)
def bundled_naf_codes() -> frozenset[str]:
    """NAF codes the bundled ``ontology/naf.ttl`` declares (none when there is no such file)."""
    f = package_file("ontology", "naf.ttl")
    if not f.is_file():
        return frozenset()
    from rdflib import Graph

    g = Graph()
    with f.open("rb") as fh:
        g.parse(fh, format="turtle")
    return frozenset(str(o) for o in g.objects(None, SKOS.notation))


def normalise_naf(code: str | None) -> str | None:
    """A NAF rév. 2 sub-class as ``26.70Z`` (accepts ``2670Z``); None for other nomenclatures."""
    m = _NAF2.match((code or "").strip().upper())
    return f"{m.group(1)}.{m.group(2)}{m.group(3)}" if m else None


def luhn_siren(siren: str) -> bool:
    return len(siren) == 9 and siren.isdigit() and luhn_ok(siren)


def luhn_siret(siret: str) -> bool:
    """SIRET check digit (Luhn; La Poste's establishments: digit sum divisible by 5)."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE) and sum(int(c) for c in siret) % 5 == 0:
        return True
    return luhn_ok(siret)


def naf_table() -> dict[str, tuple[str, bool]]:
    """code -> (official label, in the default photonics filter) from ``loaders/data/naf_photonics.csv``."""
    text = package_file("loaders", "data/naf_photonics.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if ln and not ln.startswith("#"))
    return {r["code"]: (r["label"], r["default"] == "yes") for r in rows}


def default_naf_codes() -> frozenset[str]:
    return frozenset(code for code, (_label, default) in naf_table().items() if default)


@dataclass
class SireneFilter:
    """Which rows to keep. ``naf=None`` keeps every activity; the default is the photonics codes."""

    naf: frozenset[str] | None = field(default_factory=default_naf_codes)
    departements: frozenset[str] | None = None
    sirens: frozenset[str] | None = None
    active_only: bool = True

    def __post_init__(self):
        if self.naf is not None:
            codes = set()
            for c in self.naf:
                n = normalise_naf(c)
                if n is None:
                    raise ConfigError(f"{c!r} is not a NAF rév. 2 code (like 26.70Z)")
                codes.add(n)
            self.naf = frozenset(codes)
        if self.departements is not None:
            known = geography().departements
            bad = sorted(d for d in self.departements if d.upper() not in known)
            if bad:
                raise ConfigError(f"unknown département(s) {', '.join(bad)}; allowed: {', '.join(known)}")
            self.departements = frozenset(d.upper() for d in self.departements)
        if self.sirens is not None:
            bad = sorted(s for s in self.sirens if not luhn_siren(s))
            if bad:
                raise ConfigError(f"not valid SIREN numbers (9 digits, Luhn): {', '.join(bad[:10])}")
            self.sirens = frozenset(self.sirens)

    def digest(self) -> str:
        """What the filter keeps, for the store's 'unchanged source' check."""
        return iris.digest(sorted(self.naf or ["*"]), sorted(self.departements or ["*"]),
                           sorted(self.sirens or ["*"]), self.active_only)

    def describe(self) -> str:
        parts = [f"NAF {', '.join(sorted(self.naf))}" if self.naf is not None else "every NAF code"]
        if self.departements:
            parts.append(f"départements {', '.join(sorted(self.departements))}")
        if self.sirens:
            parts.append(f"{len(self.sirens)} SIREN")
        parts.append("active only" if self.active_only else "active and closed")
        return "; ".join(parts)


def read_siren_list(path: Path) -> frozenset[str]:
    """One SIREN per line (a SIRET's first 9 digits count); '#' comments and blank lines ignored."""
    out = set()
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = re.sub(r"\s", "", line.split("#", 1)[0])
        if not text:
            continue
        if not re.fullmatch(r"\d{9}|\d{14}", text) or not luhn_siren(text[:9]):
            raise SourceError(f"{text!r} is not a SIREN (9 digits, Luhn) or SIRET", path=path, line=i)
        out.add(text[:9])
    return frozenset(out)


# -- the streaming scanner ---------------------------------------------------------------------
def _header(path: Path) -> tuple[list[str], int, str]:
    """Column names, byte offset of the first data line, and the encoding."""
    with open(path, "rb") as f:
        first = f.readline()
    if not first.strip():
        raise SourceError("the file is empty", path=path)
    enc = "utf-8"
    text = first
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    try:
        names = next(csv.reader([text.decode(enc)]))
    except UnicodeDecodeError:
        enc = "cp1252"
        names = next(csv.reader([text.decode(enc)]))
    return [n.strip() for n in names], len(first), enc


def scan(path: Path, columns: list[str], start: int, filt: SireneFilter, *, naf_column: str | None,
         commune_column: str | None, encoding: str = "utf-8",
         progress=None) -> Iterator[tuple[int, list[str] | None, str]]:
    """Yield (line number, parsed fields, raw line) of the lines the filter may keep.

    The pre-filter reads one column of each raw line without parsing the line (split from the
    nearer end; a line holding a quote is parsed with :mod:`csv` instead); the caller checks the
    parsed fields exactly. ``fields`` is None for a line that could not be parsed.
    """
    index = {name: i for i, name in enumerate(columns)}
    key_col, test = None, None
    if filt.naf is not None and naf_column in index:
        codes = {c.encode() for c in filt.naf} | {c.replace(".", "").encode() for c in filt.naf}
        key_col, test = index[naf_column], codes.__contains__
    elif filt.departements and commune_column in index:
        deps = {d.encode() for d in filt.departements}
        key_col, test = index[commune_column], lambda v: v[:2] in deps or v[:3] in deps
    elif filt.sirens and "siren" in index:
        wanted = {x.encode() for x in filt.sirens}
        key_col, test = index["siren"], wanted.__contains__
    n = len(columns)
    from_end = n - 1 - key_col if key_col is not None else 0
    use_end = key_col is not None and from_end < key_col

    line_no = 1  # the header
    with open(path, "rb") as f:
        f.seek(start)
        rest = b""
        while True:
            chunk = f.read(BLOCK)
            if progress is not None:
                progress.update(len(chunk))
            if not chunk:
                block, rest = rest, b""
                if not block:
                    break
            else:
                data = rest + chunk
                cut = data.rfind(b"\n")
                if cut < 0:
                    rest = data
                    continue
                block, rest = data[:cut + 1], data[cut + 1:]
            lines = block.split(b"\n")
            if block.endswith(b"\n"):
                lines.pop()
            for raw in lines:
                line_no += 1
                if key_col is None:
                    if raw.strip():
                        yield line_no, *_parse(raw, encoding)
                    continue
                if b'"' in raw:
                    fields, text = _parse(raw, encoding)
                    if fields is None or len(fields) != n or test(fields[key_col].encode()):
                        yield line_no, fields, text
                    continue
                if use_end:
                    parts = raw.rstrip(b"\r").rsplit(b",", from_end + 1)
                    value = parts[1] if len(parts) == from_end + 2 else None
                else:
                    parts = raw.split(b",", key_col + 1)
                    value = parts[key_col] if len(parts) > key_col else None
                if value is not None and test(value):
                    yield line_no, *_parse(raw, encoding)


def _parse(raw: bytes, encoding: str) -> tuple[list[str] | None, str]:
    text = raw.rstrip(b"\r").decode(encoding, errors="replace")
    try:
        return next(csv.reader([text])), text
    except (csv.Error, StopIteration):
        return None, text


# -- mapping rows to RDF -----------------------------------------------------------------------
def _org_type(siren: str, legal: str | None, name: str) -> str:
    """Entity type of a legal unit from its catégorie juridique (or SIREN prefix when unknown)."""
    up = name.upper()
    if legal:
        if legal.startswith("92"):
            return "Association"
        if legal.startswith("7"):
            return "University" if re.search(r"\bUNIVERSIT|\bECOLE\b|\bÉCOLE\b|INSTITUT NATIONAL POLYTECHNIQUE", up) else "PublicBody"
        return "Firm"
    if siren[:1] in ("1", "2"):
        return "University" if re.search(r"\bUNIVERSIT", up) else "PublicBody"
    return "Firm"


def _year(date: str | None) -> int | None:
    m = re.match(r"^(\d{4})", date or "")
    return int(m.group(1)) if m else None


class SireneMapper:
    """Turns SIRENE records (CSV rows or flattened API JSON, same field names) into RDF."""

    def __init__(self, writer: FactWriter, document: URIRef, report: LoadReport, *, active_only: bool = True):
        self.w = writer
        self.doc = document
        self.report = report
        self.active_only = active_only
        self.geo = geography()
        self.naf_labels = {k: v[0] for k, v in naf_table().items()}
        self.units: dict[str, URIRef] = {}
        self.kept = 0

    def _ev(self) -> Evidence:
        return Evidence(self.doc, rule="registry:sirene")

    def naf(self, code: str | None, nomenclature: str | None) -> URIRef | None:
        if nomenclature and nomenclature not in ("NAFRev2", "NAFRev2.1"):
            return None
        n = normalise_naf(code)
        if n is None:
            return None
        node = NAF[n]
        if n not in bundled_naf_codes():
            # declared here only when the bundled ontology/naf.ttl does not (one label per code)
            self.w._add(node, RDF.type, SKOS.Concept)
            self.w._add(node, SKOS.inScheme, NAF_SCHEME)
            self.w._add(NAF_SCHEME, RDF.type, SKOS.ConceptScheme)
            self.w._add(node, SKOS.notation, Literal(n))
            label = self.naf_labels.get(n)
            self.w._add(node, SKOS.prefLabel, Literal(label or f"NAF rév. 2 {n}", lang="fr"))
        return node

    def unit_label(self, r: dict) -> str:
        if r.get("statutDiffusionUniteLegale") == "P" and not r.get("denominationUniteLegale"):
            return f"unité légale {r['siren']} (diffusion partielle)"
        for key in ("denominationUniteLegale", "denominationUsuelle1UniteLegale", "sigleUniteLegale"):
            if r.get(key):
                return r[key]
        if r.get("nomUniteLegale"):
            first = r.get("prenomUsuelUniteLegale") or r.get("prenom1UniteLegale") or ""
            return f"{first} {r.get('nomUsageUniteLegale') or r['nomUniteLegale']}".strip()
        for key in ("denominationUsuelleEtablissement", "enseigne1Etablissement"):
            if r.get(key):
                return r[key]
        return f"SIREN {r['siren']}"

    def unit(self, r: dict, line: int | None = None) -> URIRef | None:
        """Write the legal unit of a record (once per SIREN); return its IRI."""
        siren = (r.get("siren") or "").strip()
        if not luhn_siren(siren):
            self.report.reject(line, "siren", f"{siren!r} is not a valid SIREN (9 digits, Luhn check digit)")
            return None
        label = self.unit_label(r)
        node = self.units.get(siren)
        if node is None or r.get("denominationUniteLegale"):
            legal = r.get("categorieJuridiqueUniteLegale") or None
            cat = r.get("categorieEntreprise") or None
            etype = _org_type(siren, legal, label)
            aliases = [r["sigleUniteLegale"]] if r.get("sigleUniteLegale") else []
            node = self.w.entity(Entity(etype, label, aliases=aliases, identifiers={"siren": siren},
                                        sme=(cat == "PME") if cat in ("PME", "ETI", "GE") else None),
                                 self._ev())
            if legal:
                self.w._add(node, PHOT.legalForm, Literal(legal))
            tranche = r.get("trancheEffectifsUniteLegale")
            if tranche:
                self.w._add(node, PHOT.sizeBand, Literal(tranche))
            naf = self.naf(r.get("activitePrincipaleUniteLegale"), r.get("nomenclatureActivitePrincipaleUniteLegale"))
            if naf is not None:
                self.w._add(node, PHOT.nafCode, naf)
            year = _year(r.get("dateCreationUniteLegale"))
            if year and year > 1800:
                self.w.relation(Relation(node, "createdIn", str(year)), self._ev())
            if r.get("etatAdministratifUniteLegale") == "C":
                end = _year(r.get("dateDebut") if "siret" not in r else None)
                if end:
                    self.w._add(node, PHOT.dissolutionYear, Literal(end))
            self.units[siren] = node
        return node

    def establishment(self, r: dict, line: int | None = None) -> bool:
        siret = (r.get("siret") or "").strip()
        siren = (r.get("siren") or "").strip()
        if not luhn_siret(siret):
            self.report.reject(line, "siret", f"{siret!r} is not a valid SIRET (14 digits, check digit)")
            return False
        if siret[:9] != siren:
            self.report.reject(line, "siret", f"SIRET {siret} does not start with SIREN {siren!r}")
            return False
        closed = r.get("etatAdministratifEtablissement") == "F"
        unit = self.unit(r, line)
        if unit is None:
            return False
        site = URIRef(f"{iris.ID}siret/{siret}")
        commune_code = (r.get("codeCommuneEtablissement") or "").strip()
        dep = departement_of_commune(commune_code) or departement_of_postcode(r.get("codePostalEtablissement"))
        place = None
        city = r.get("libelleCommuneEtablissement") or ""
        if dep:
            place = self.geo.commune(self.w, city, dep, commune_code or None) if city else self.geo.departement(self.w, dep)
        elif r.get("codePaysEtrangerEtablissement"):
            self.report.notes.append(f"line {line}: establishment {siret} is abroad ({r.get('libellePaysEtrangerEtablissement')})")
        else:
            self.report.notes.append(f"line {line}: establishment {siret}: commune {commune_code or '?'} is outside the départements table")
        name = r.get("enseigne1Etablissement") or r.get("denominationUsuelleEtablissement") or self.unit_label(r)
        label = f"{name} ({siret})"
        self.w.entity(Entity("Place", label, place_type="site", identifiers={"siret": siret}, iri=site))
        self.w._add(site, RDF.type, ORG.Site)
        self.w._add(unit, ORG.hasSite, site)
        address = " ".join(x for x in (r.get("numeroVoieEtablissement"), r.get("indiceRepetitionEtablissement"),
                                         r.get("typeVoieEtablissement"), r.get("libelleVoieEtablissement")) if x)
        address = ", ".join(x for x in (r.get("complementAdresseEtablissement"), address,
                                         " ".join(x for x in (r.get("codePostalEtablissement"), city) if x)) if x)
        if address:
            self.w._add(site, SCHEMA.address, Literal(address))
        if place is not None:
            self.w.within(site, place)
        naf = self.naf(r.get("activitePrincipaleEtablissement"), r.get("nomenclatureActivitePrincipaleEtablissement"))
        if naf is not None:
            self.w._add(site, PHOT.nafCode, naf)
            if not r.get("activitePrincipaleUniteLegale") and (r.get("etablissementSiege") == "true"):
                self.w._add(unit, PHOT.nafCode, naf)
        if r.get("trancheEffectifsEtablissement"):
            self.w._add(site, PHOT.sizeBand, Literal(r["trancheEffectifsEtablissement"]))
        if r.get("etablissementSiege") in ("true", "True", True):
            self.w._add(site, SCHEMA.description, Literal("siège", lang="fr"))
        if closed:
            year = _year(r.get("dateDebut"))
            if year:
                self.w._add(site, PHOT.dissolutionYear, Literal(year))
        elif place is not None:
            self.w.relation(Relation(unit, "locatedIn", place), self._ev())
        self.kept += 1
        return True

    def succession(self, link: dict) -> None:
        pred, succ = link.get("siretEtablissementPredecesseur", ""), link.get("siretEtablissementSuccesseur", "")
        for s in (pred, succ):
            if not luhn_siret(s):
                self.report.reject(None, "liensSuccession", f"{s!r} is not a valid SIRET")
                return
        nodes = []
        for s in (pred, succ):
            node = URIRef(f"{iris.ID}siret/{s}")
            self.w.entity(Entity("Place", f"établissement {s}", place_type="site", identifiers={"siret": s}, iri=node))
            self.w._add(node, RDF.type, ORG.Site)
            nodes.append(node)
        date = link.get("dateLienSuccession")
        fact = iris.fact_iri("Succession", nodes[0], nodes[1], date)
        self.w._add(fact, RDF.type, PHOT.Succession)
        self.w._add(fact, RDF.type, PHOT.Fact)
        self.w._add(fact, PHOT.predecessor, nodes[0])
        self.w._add(fact, PHOT.successor, nodes[1])
        if _year(date):
            self.w._add(fact, PHOT.startYear, Literal(_year(date)))
            self.w._add(fact, PHOT.date, Literal(date[:10], datatype=XSD.date))
        if link.get("transfertSiege"):
            self.w._add(fact, SCHEMA.description, Literal("transfert de siège", lang="fr"))
        self.kept += 1


# -- file kinds ---------------------------------------------------------------------------------
def file_kind(path: Path) -> str | None:
    """'etablissement', 'unitelegale', 'api-json' or None, from the header line or JSON keys."""
    if not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            names, _, _ = _header(path)
        except (SourceError, OSError):
            return None
        if all(c in names for c in ETAB_REQUIRED) and "nic" in names:
            return "etablissement"
        if all(c in names for c in UL_MARKERS) and "siret" not in names:
            return "unitelegale"
        return None
    if suffix == ".json":
        with open(path, "rb") as f:
            head = f.read(4096)
        if b'"header"' in head and re.search(rb'"(etablissements?|unitesLegales|uniteLegale|liensSuccession)"', head):
            return "api-json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            return None
        if isinstance(data, dict) and "header" in data and any(
                k in data for k in ("etablissement", "etablissements", "uniteLegale", "unitesLegales", "liensSuccession")):
            return "api-json"
    return None


def flatten_etablissement(e: dict) -> dict:
    """An API ``etablissement`` as a flat record with the stock file's column names."""
    out = {k: v for k, v in e.items() if not isinstance(v, (dict, list))}
    for k, v in (e.get("uniteLegale") or {}).items():
        out.setdefault(k, v)
    out.update({k: v for k, v in (e.get("adresseEtablissement") or {}).items()})
    periods = e.get("periodesEtablissement") or []
    current = next((p for p in periods if p.get("dateFin") is None), periods[0] if periods else {})
    out.update({k: v for k, v in current.items() if not k.startswith("changement")})
    return {k: ("true" if v is True else "false" if v is False else v) for k, v in out.items() if v is not None}


def flatten_unite_legale(u: dict) -> dict:
    out = {k: v for k, v in u.items() if not isinstance(v, (dict, list))}
    periods = u.get("periodesUniteLegale") or []
    current = next((p for p in periods if p.get("dateFin") is None), periods[0] if periods else {})
    out.update({k: v for k, v in current.items() if not k.startswith("changement")})
    return {k: v for k, v in out.items() if v is not None}


@register
class SireneLoader(Loader):
    """SIRENE stock files (StockEtablissement, StockUniteLegale; any layout) and API Sirene JSON."""

    name = "sirene"
    extensions = (".csv", ".json")

    #: files at least this large are scanned by DuckDB when it is installed
    DUCKDB_MIN_BYTES = 32 << 20

    def __init__(self, filt: SireneFilter | None = None, engine: str = "auto"):
        if engine not in ENGINES:
            raise ConfigError(f"unknown engine {engine!r}; allowed: {', '.join(ENGINES)}")
        self.filter = filt if filt is not None else SireneFilter()
        self.engine = engine

    @classmethod
    def sniff(cls, path: Path) -> bool:
        return file_kind(path) is not None

    def options_digest(self) -> str:
        return self.filter.digest()

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        kind = file_kind(path)
        if kind is None:
            raise SourceError("not a SIRENE file: a StockEtablissement/StockUniteLegale CSV (header with "
                              "siren, siret, nic / statutDiffusionUniteLegale) or an API Sirene JSON response", path=path)
        writer = FactWriter(label_lang=None)
        title = {"etablissement": "INSEE SIRENE, établissements", "unitelegale": "INSEE SIRENE, unités légales",
                 "api-json": "INSEE API Sirene 3.11 response"}[kind]
        doc = writer.document(name=path.name, title=title, publisher="INSEE")
        mapper = SireneMapper(writer, doc, report, active_only=self.filter.active_only)
        if kind == "api-json":
            self._load_json(path, mapper, report)
        else:
            self._load_csv(path, kind, mapper, report, progress)
        report.notes.append(f"filter: {self.filter.describe()}; {mapper.kept} records kept")
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), writer.graph, title=f"{title}: {path.name}",
                            format=f"sirene-{kind}", synthetic="synthetic" in path.name.lower())]

    def _load_json(self, path: Path, mapper: SireneMapper, report: LoadReport) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise SourceError(f"not valid JSON: {exc}", path=path) from None
        # an API answer is what its query selected: it loads as it is, unfiltered
        load_api_response(data, mapper, report, path=path)

    def _load_csv(self, path: Path, kind: str, mapper: SireneMapper, report: LoadReport, progress) -> None:
        from tqdm import tqdm

        columns, start, enc = _header(path)
        index = {name: i for i, name in enumerate(columns)}
        naf_col = "activitePrincipaleEtablissement" if kind == "etablissement" else "activitePrincipaleUniteLegale"
        commune_col = "codeCommuneEtablissement" if kind == "etablissement" else None
        for needed in ("siren",) + (("siret", naf_col) if kind == "etablissement" else ()):
            if needed not in index:
                raise SourceError(f"column {needed!r} is missing from the header", path=path, line=1)
        filt = self.filter
        if kind == "unitelegale" and filt.departements:
            report.notes.append("the département filter does not apply to StockUniteLegale (no address)")
        size = path.stat().st_size
        bar = tqdm(total=size, unit="B", unit_scale=True, desc=f"sirene {path.name}",
                   disable=progress is False or (progress is None and size < (64 << 20)))
        n_cols = len(columns)
        engine = self.engine
        if engine == "auto":
            engine = "duckdb" if size >= self.DUCKDB_MIN_BYTES and _has_duckdb() else "python"
        if engine == "duckdb":
            records = duckdb_scan(path, columns, filt, kind=kind, naf_column=naf_col, report=report, progress=bar)
        else:
            records = self._python_records(path, columns, start, filt, naf_col, commune_col, enc, bar, report)
        report.notes.append(f"engine: {engine}")
        try:
            for line, r in records:
                if filt.naf is not None and normalise_naf(r.get(naf_col)) not in filt.naf:
                    continue
                if kind == "etablissement":
                    if filt.departements is not None:
                        dep = departement_of_commune(r.get("codeCommuneEtablissement")) or \
                            departement_of_postcode(r.get("codePostalEtablissement"))
                        if dep not in filt.departements:
                            continue
                    if filt.sirens is not None and r.get("siren") not in filt.sirens:
                        continue
                    if filt.active_only and r.get("etatAdministratifEtablissement") == "F":
                        continue
                    mapper.establishment(r, line)
                else:
                    if filt.sirens is not None and r.get("siren") not in filt.sirens:
                        continue
                    if filt.active_only and r.get("etatAdministratifUniteLegale") == "C":
                        continue
                    if mapper.unit(r, line) is not None:
                        mapper.kept += 1
        finally:
            bar.close()
        report.rows_read = _count_lines(path) - 1
        if engine == "duckdb":
            locate_rejected_lines(path, report)

    @staticmethod
    def _python_records(path, columns, start, filt, naf_col, commune_col, enc, bar, report):
        index = {name: i for i, name in enumerate(columns)}
        n_cols = len(columns)
        for line, fields, _raw in scan(path, columns, start, filt, naf_column=naf_col if naf_col in index else None,
                                       commune_column=commune_col, encoding=enc, progress=bar):
            if fields is None or len(fields) != n_cols:
                found = "unparseable" if fields is None else f"{len(fields)} fields"
                report.reject(line, None, f"malformed row: {found}, the header has {n_cols}")
                continue
            yield line, {name: fields[i] for name, i in index.items() if fields[i] != ""}


ENGINES = ("auto", "python", "duckdb")
#: the columns the mapper reads; DuckDB materialises only these (fewer strings per row scanned)
USED_COLUMNS = frozenset("""siren nic siret statutDiffusionEtablissement dateCreationEtablissement
trancheEffectifsEtablissement etablissementSiege complementAdresseEtablissement numeroVoieEtablissement
indiceRepetitionEtablissement typeVoieEtablissement libelleVoieEtablissement codePostalEtablissement
libelleCommuneEtablissement codeCommuneEtablissement codePaysEtrangerEtablissement libellePaysEtrangerEtablissement
dateDebut etatAdministratifEtablissement enseigne1Etablissement denominationUsuelleEtablissement
activitePrincipaleEtablissement nomenclatureActivitePrincipaleEtablissement statutDiffusionUniteLegale
dateCreationUniteLegale sigleUniteLegale trancheEffectifsUniteLegale categorieEntreprise etatAdministratifUniteLegale
nomUniteLegale nomUsageUniteLegale denominationUniteLegale denominationUsuelle1UniteLegale prenomUsuelUniteLegale
prenom1UniteLegale categorieJuridiqueUniteLegale activitePrincipaleUniteLegale
nomenclatureActivitePrincipaleUniteLegale""".split())


def _has_duckdb() -> bool:
    try:
        import duckdb  # noqa: F401
    except ImportError:
        return False
    return True


def duckdb_scan(path: Path, columns: list[str], filt: SireneFilter, *, kind: str, naf_column: str,
                report: LoadReport, progress=None, memory_limit: str = "512MB") -> Iterator[tuple[int | None, dict]]:
    """Filter a stock file with DuckDB's parallel CSV reader; yield (None, record) of the kept rows.

    Malformed rows are collected by DuckDB (``store_rejects``) and reported with their line; the
    line of a kept row that a check later rejects is found afterwards by
    :func:`locate_rejected_lines`. Memory is capped by ``memory_limit``; progress is polled from
    DuckDB while the query runs.
    """
    import threading

    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    where, params = [], [str(path)]
    q = lambda name: '"' + name.replace('"', '""') + '"'  # noqa: E731
    if filt.naf is not None:
        codes = sorted(set(filt.naf) | {c.replace(".", "") for c in filt.naf})
        where.append(f"{q(naf_column)} IN ({', '.join('?' for _ in codes)})")
        params += codes
    if kind == "etablissement" and filt.departements:
        deps = sorted(filt.departements)
        where.append(f"(left({q('codeCommuneEtablissement')}, 2) IN ({', '.join('?' for _ in deps)}) OR "
                     f"left({q('codeCommuneEtablissement')}, 3) IN ({', '.join('?' for _ in deps)}) OR "
                     f"{q('codeCommuneEtablissement')} IS NULL)")
        params += deps + deps
    if filt.sirens is not None:
        con.execute("CREATE TEMP TABLE wanted (siren VARCHAR)")
        con.executemany("INSERT INTO wanted VALUES (?)", [[x] for x in sorted(filt.sirens)])
        where.append(f"{q('siren')} IN (SELECT siren FROM wanted)")
    state = "etatAdministratifEtablissement" if kind == "etablissement" else "etatAdministratifUniteLegale"
    if filt.active_only and state in columns:
        where.append(f"{q(state)} IS DISTINCT FROM ?")
        params.append("F" if kind == "etablissement" else "C")
    selected = ", ".join(q(c) for c in columns if c in USED_COLUMNS)
    sql = (f"SELECT {selected} FROM read_csv(?, header = true, all_varchar = true, delim = ',', quote = '\"', "
           f"escape = '\"', store_rejects = true)" + (f" WHERE {' AND '.join(where)}" if where else ""))
    done = threading.Event()

    def poll():
        last = 0.0
        while not done.wait(0.5):
            try:
                pct = con.query_progress()
            except Exception:  # noqa: BLE001 - progress is best effort
                return
            if progress is not None and pct and pct > last:
                progress.update(int((pct - last) / 100 * progress.total))
                last = pct

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        while True:
            batch = cursor.fetchmany(10_000)
            if not batch:
                break
            for row in batch:
                yield None, {n: v for n, v in zip(names, row) if v not in (None, "")}
    except duckdb.Error as exc:
        raise SourceError(f"DuckDB could not read the file: {exc}", path=path) from None
    finally:
        done.set()
        poller.join()
    for line, message in con.execute(
            "SELECT line, min(error_message) FROM reject_errors GROUP BY line ORDER BY line").fetchall():
        report.reject(int(line), None, f"malformed row: {message}")
    con.close()


def locate_rejected_lines(path: Path, report: LoadReport, limit: int = 1000) -> None:
    """Give their line numbers to rejected rows known only by their SIRET/SIREN (one pass over the file)."""
    wanted: dict[bytes, list] = {}
    for r in report.rejected:
        if r.line is None:
            m = re.search(r"'(\d{8,14})'|SIRET (\d{14})", r.reason)
            key = (m.group(1) or m.group(2)) if m else None
            if key and len(wanted) < limit:
                wanted.setdefault(key.encode(), []).append(r)
    if not wanted:
        return
    line_no = 1
    with open(path, "rb") as f:
        f.readline()
        rest = b""
        for chunk in iter(lambda: f.read(BLOCK), b""):
            data = rest + chunk
            cut = data.rfind(b"\n") + 1
            block, rest = data[:cut], data[cut:]
            for key, rejects in list(wanted.items()):
                if block.startswith(key + b","):
                    i = 0
                else:
                    i = block.find(b"\n" + key + b",")
                    i = i + 1 if i >= 0 else block.find(b"," + key + b",")
                if i >= 0:
                    n = line_no + block.count(b"\n", 0, i) + 1
                    for r in rejects:
                        r.line = n
                    del wanted[key]
            line_no += block.count(b"\n")
            if not wanted:
                return


def _count_lines(path: Path) -> int:
    n = 0
    last = b"\n"
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (0 if last == b"\n" else 1)


def load_api_response(data, mapper: SireneMapper, report: LoadReport, *, path=None,
                      filt: SireneFilter | None = None) -> None:
    """Map one API Sirene 3.11 response (single record, search page or liensSuccession)."""
    if not isinstance(data, dict) or "header" not in data:
        raise SourceError("not an API Sirene response (no 'header')", path=path)
    header = data["header"] or {}
    status = header.get("statut", 200)
    if status != 200:
        raise SourceError(f"the API answered {status}: {header.get('message', '')}", path=path)
    records = 0
    keep_closed = filt is None or not filt.active_only
    if "etablissement" in data:
        records += 1
        mapper.establishment(flatten_etablissement(data["etablissement"]), None)
    for i, e in enumerate(data.get("etablissements") or []):
        records += 1
        r = flatten_etablissement(e)
        if filt is not None and filt.naf is not None and normalise_naf(r.get("activitePrincipaleEtablissement")) not in filt.naf:
            continue
        if not keep_closed and r.get("etatAdministratifEtablissement") == "F":
            continue
        mapper.establishment(r, None)
    if "uniteLegale" in data:
        records += 1
        if mapper.unit(flatten_unite_legale(data["uniteLegale"])) is not None:
            mapper.kept += 1
    for u in data.get("unitesLegales") or []:
        records += 1
        r = flatten_unite_legale(u)
        if filt is not None and filt.naf is not None and normalise_naf(r.get("activitePrincipaleUniteLegale")) not in filt.naf:
            continue
        if not keep_closed and r.get("etatAdministratifUniteLegale") == "C":
            continue
        if mapper.unit(r) is not None:
            mapper.kept += 1
    for link in data.get("liensSuccession") or []:
        records += 1
        mapper.succession(link)
    report.rows_read += records
