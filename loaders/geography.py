"""French geography: commune → département → région → France, from INSEE codes, without a download.

The département of a commune is the prefix of its INSEE code (2 characters, ``2A``/``2B`` for
Corsica, 3 characters ``971``–``976`` overseas); postal codes mostly follow the same rule (Corsica
is ``20``: ``200xx``/``201xx`` are Corse-du-Sud, the rest Haute-Corse). A compact table shipped
with its source (``loaders/data/departements_regions.csv``, INSEE's Code officiel géographique)
maps the 101 départements to the 18 régions of 2016 and to the région before 2016.

Places use the same IRIs as curated sources (:func:`photonics_kg.iri.entity_iri` of ``"Place"``
and the label: ``id/place/gironde``, ``id/place/nouvelle-aquitaine``, ``id/place/france``), so
registry data and curated data meet on the same nodes, and ``queries/construct/in-region.rq``
derives ``phot:inRegion`` for every organisation a registry places in a commune. Communes are
named per département (``id/place/commune/33/pessac``) because commune names repeat across France.

>>> departement_of_commune("33318"), departement_of_commune("2A004"), departement_of_commune("97411")
('33', '2A', '974')
>>> departement_of_postcode("20200"), departement_of_postcode("44322"), departement_of_postcode("98000")
('2B', '44', None)
>>> geography().region_of("33")
('75', 'Nouvelle-Aquitaine')
>>> commune_label("SAINT-QUENTIN-EN-YVELINES CEDEX"), commune_label("MARSEILLE 4")
('Saint-Quentin-en-Yvelines', 'Marseille')
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import URIRef

from photonics_kg import iri as iris
from photonics_kg.config import package_file
from photonics_kg.errors import SourceError
from photonics_kg.facts import Entity, FactWriter
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, first_data_line, read_text, register

TABLE = "departements_regions.csv"
TABLE_SOURCE = "https://www.insee.fr/fr/information/2560452"
HEADER = "dep,dep_name,reg,reg_name,former_reg,former_reg_name"

#: ISO 3166 alpha-2 (and the EU's own EL/UK) → country name in French, for CORDIS participants
COUNTRIES = {
    "FR": "France", "DE": "Allemagne", "IT": "Italie", "ES": "Espagne", "PT": "Portugal",
    "BE": "Belgique", "NL": "Pays-Bas", "LU": "Luxembourg", "IE": "Irlande", "DK": "Danemark",
    "SE": "Suède", "FI": "Finlande", "AT": "Autriche", "PL": "Pologne", "CZ": "Tchéquie",
    "SK": "Slovaquie", "HU": "Hongrie", "SI": "Slovénie", "HR": "Croatie", "RO": "Roumanie",
    "BG": "Bulgarie", "EL": "Grèce", "GR": "Grèce", "CY": "Chypre", "MT": "Malte", "EE": "Estonie",
    "LV": "Lettonie", "LT": "Lituanie", "UK": "Royaume-Uni", "GB": "Royaume-Uni", "CH": "Suisse",
    "NO": "Norvège", "IS": "Islande", "IL": "Israël", "TR": "Turquie", "US": "États-Unis",
    "CA": "Canada", "JP": "Japon", "CN": "Chine", "KR": "Corée du Sud", "IN": "Inde",
    "AU": "Australie", "BR": "Brésil", "UA": "Ukraine", "RS": "Serbie", "TN": "Tunisie",
    "MA": "Maroc", "SG": "Singapour", "ZA": "Afrique du Sud",
}

_CEDEX = re.compile(r"\s+(CEDEX|Cedex|cedex)\b.*$")
_ARRONDISSEMENT = re.compile(r"^(PARIS|MARSEILLE|LYON)\s+\d+.*$", re.IGNORECASE)
_SMALL = {"en", "de", "la", "le", "les", "sur", "sous", "du", "des", "aux", "et", "lès", "lez", "d", "l", "au"}
#: arrondissements have INSEE codes of their own; the commune is the city
_ARRONDISSEMENT_CODES = {"751": "Paris", "132": "Marseille", "693": "Lyon"}


def departement_of_commune(code: str | None) -> str | None:
    """The département code of a 5-character INSEE commune code (None when not French)."""
    code = (code or "").strip().upper()
    if len(code) != 5:
        return None
    if code.startswith("97"):
        return code[:3] if code[:3] in geography().departements else None
    if code.startswith("98") or code.startswith("99"):
        return None
    dep = code[:2]
    return dep if dep in geography().departements else None


def departement_of_postcode(postcode: str | None) -> str | None:
    """The département code of a French postal code by the prefix rule (None when unknown)."""
    pc = (postcode or "").strip()
    if not re.fullmatch(r"\d{5}", pc):
        return None
    if pc.startswith("20"):
        return "2A" if int(pc) < 20200 else "2B"
    if pc.startswith("97"):
        return pc[:3] if pc[:3] in geography().departements else None
    if pc.startswith("98") or pc.startswith("00"):
        return None
    return pc[:2]


def commune_label(name: str, insee: str | None = None) -> str:
    """A commune's name as a label: CEDEX and arrondissement numbers dropped, capitalised."""
    if insee and insee[:3] in _ARRONDISSEMENT_CODES and insee[:2] in ("75", "13", "69"):
        return _ARRONDISSEMENT_CODES[insee[:3]]
    text = _CEDEX.sub("", name.strip())
    m = _ARRONDISSEMENT.match(text)
    if m:
        return m.group(1).capitalize()
    if text.isupper() or text.islower():
        words = re.split(r"([- ']+)", text.lower())
        out = []
        for i, w in enumerate(words):
            out.append(w if (i and w in _SMALL) else w[:1].upper() + w[1:])
        text = "".join(out)
    return text


def commune_iri(dep: str, label: str) -> URIRef:
    """IRI of a commune, named within its département.

    >>> commune_iri("33", "Pessac")
    rdflib.term.URIRef('https://w3id.org/photonics-kg/id/place/commune/33/pessac')
    """
    return URIRef(f"{iris.ID}place/commune/{dep.lower()}/{iris.slugify(label)}")


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region_code: str
    region_name: str
    former_code: str
    former_name: str


class Geography:
    """The département/région table, and the writer of place hierarchies into a source graph."""

    def __init__(self, rows: list[Departement]):
        self.departements = {d.code: d for d in rows}

    @classmethod
    def from_text(cls, text: str, path: str = TABLE) -> "Geography":
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        if not lines or lines[0].strip() != HEADER:
            raise SourceError(f"not a département table; its header must be {HEADER!r}", path=path)
        rows = []
        for i, rec in enumerate(csv.DictReader(lines), start=2):
            if not rec.get("dep") or not rec.get("reg_name"):
                raise SourceError("incomplete row", path=path, line=i)
            rows.append(Departement(rec["dep"], rec["dep_name"], rec["reg"], rec["reg_name"],
                                    rec["former_reg"], rec["former_reg_name"]))
        return cls(rows)

    def region_of(self, dep: str) -> tuple[str, str] | None:
        d = self.departements.get(dep)
        return (d.region_code, d.region_name) if d else None

    def regions(self) -> dict[str, str]:
        return {d.region_code: d.region_name for d in self.departements.values()}

    # -- writing places --------------------------------------------------------------------
    def country(self, writer: FactWriter, name: str = "France") -> URIRef:
        return writer.entity(Entity("Place", name, place_type="country"))

    def region(self, writer: FactWriter, code: str) -> URIRef:
        name = self.regions()[code]
        # overseas, the région and its one département share a name, hence a node: it keeps the
        # département's code (a place has one INSEE code)
        single = any(d.name == name for d in self.departements.values() if d.region_code == code)
        node = writer.entity(Entity("Place", name, place_type="region", identifiers={} if single else {"insee": code}))
        writer.within(node, self.country(writer))
        return node

    def departement(self, writer: FactWriter, dep: str) -> URIRef | None:
        """Write the département, its région and France; return the département's IRI."""
        cache = writer.__dict__.setdefault("_geo_cache", {})
        if ("dep", dep) in cache:
            return cache[("dep", dep)]
        d = self.departements.get(dep)
        if d is None:
            return None
        node = writer.entity(Entity("Place", d.name, place_type="department", identifiers={"insee": d.code}))
        region = self.region(writer, d.region_code)
        if node != region:  # overseas: one département, one région, one name, one node
            writer.within(node, region)
        cache[("dep", dep)] = node
        return node

    def commune(self, writer: FactWriter, name: str, dep: str, insee: str | None = None) -> URIRef | None:
        """Write a commune inside its département (and up to France); return its IRI."""
        dep_node = self.departement(writer, dep)
        if dep_node is None or not iris.slugify(name or ""):
            return dep_node
        label = commune_label(name, insee)
        node = commune_iri(dep, label)
        cache = writer.__dict__["_geo_cache"]
        if ("commune", node) in cache:
            return node
        cache[("commune", node)] = node
        writer.entity(Entity("Place", label, place_type="commune",
                             identifiers={"insee": insee} if insee and insee[:3] not in _ARRONDISSEMENT_CODES else {},
                             iri=node))
        writer.within(node, dep_node)
        return node

    def foreign_country(self, writer: FactWriter, iso2: str) -> URIRef | None:
        name = COUNTRIES.get((iso2 or "").upper())
        return self.country(writer, name) if name else None

    def write_all(self, writer: FactWriter) -> None:
        """Every département, région and former région (pre-2016, inside its successor)."""
        for dep, d in self.departements.items():
            self.departement(writer, dep)
            if d.former_name and d.former_name != d.region_name:
                former = writer.entity(Entity("Place", d.former_name, place_type="former-region"))
                writer.within(former, self.region(writer, d.region_code))


@lru_cache(maxsize=1)
def geography() -> Geography:
    """The bundled département/région table."""
    return Geography.from_text(package_file("loaders", f"data/{TABLE}").read_text(encoding="utf-8"))


@register
class GeographyLoader(Loader):
    """The département/région table as places (France, 18 régions, 101 départements, former régions)."""

    name = "geography"
    extensions = (".csv",)

    @classmethod
    def sniff(cls, path: Path) -> bool:
        return first_data_line(path) == HEADER
        return False

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        text, _ = read_text(path)
        geo = Geography.from_text(text, str(path))
        writer = FactWriter(label_lang=None)
        writer.document(url=TABLE_SOURCE, title="INSEE, Code officiel géographique: départements et régions")
        geo.write_all(writer)
        report.rows_read = len(geo.departements)
        return [LoadedGraph(iris.graph_iri(self.name, path.stem), writer.graph, title=path.name,
                            url=TABLE_SOURCE, format="csv")]


def bundled_table() -> Path:
    """Path of the bundled table (to load it: ``photonics-kg build geography=<this path>``)."""
    return Path(str(package_file("loaders", f"data/{TABLE}")))
