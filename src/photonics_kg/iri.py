"""Stable IRIs: minted from identifiers (SIREN, RNSR) or from a normalised name and type.

Rebuilding from the same sources gives the same IRIs, and a document and a curated file that
name the same organisation meet on the same node.

>>> slugify("Laboratoire national d’optoélectronique de Wuhan")
'laboratoire-national-d-optoelectronique-de-wuhan'
>>> entity_iri("Firm", "Amplitude Systèmes")
rdflib.term.URIRef('https://w3id.org/photonics-kg/id/firm/amplitude-systemes')
>>> entity_iri("ResearchLab", "CELIA", {"rnsr": "199711881M"})
rdflib.term.URIRef('https://w3id.org/photonics-kg/id/rnsr/199711881M')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import quote

from rdflib import URIRef

BASE = "https://w3id.org/photonics-kg/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

#: path segment of name-minted IRIs, per entity type of the evaluation vocabulary
TYPE_SEGMENTS = {
    "Firm": "firm", "Cluster": "cluster", "ResearchLab": "lab", "University": "university",
    "PublicBody": "public-body", "Association": "association", "Programme": "programme",
    "Event": "event", "Place": "place", "Domain": "domain", "Person": "person",
}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-' (accents folded, apostrophes and punctuation dropped).

    >>> slugify("  Énergie Eclairage  Affichage ")
    'energie-eclairage-affichage'
    >>> slugify("ALPHA-RLH")
    'alpha-rlh'
    """
    text = re.sub(r"[’'‘`´]", " ", text)  # an elided article is a word of its own: d’optique
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", folded.lower()).strip("-")


def digest(*parts: object, size: int = 16) -> str:
    """A short, stable hex digest of the parts (used for fact and evidence nodes).

    >>> digest("a", 1) == digest("a", 1) != digest("a", 2)
    True
    """
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:size]


def entity_iri(entity_type: str, label: str, identifiers: dict | None = None) -> URIRef:
    """The IRI of an entity: by SIREN, then RNSR, else ``id/<type>/<slug of label>``."""
    ids = identifiers or {}
    if ids.get("siren"):
        return URIRef(f"{ID}siren/{ids['siren']}")
    if ids.get("rnsr"):
        return URIRef(f"{ID}rnsr/{ids['rnsr']}")
    try:
        segment = TYPE_SEGMENTS[entity_type]
    except KeyError:
        raise ValueError(f"unknown entity type {entity_type!r}; allowed: {', '.join(TYPE_SEGMENTS)}") from None
    slug = slugify(label)
    if not slug:
        raise ValueError(f"label {label!r} gives an empty name")
    return URIRef(f"{ID}{segment}/{slug}")


def fact_iri(kind: str, *parts: object) -> URIRef:
    """IRI of an n-ary fact node, from its kind and what identifies it."""
    return URIRef(f"{ID}fact/{kind.lower()}/{digest(*parts)}")


def evidence_iri(*parts: object) -> URIRef:
    return URIRef(f"{ID}evidence/{digest(*parts)}")


def offer_iri(owner: URIRef, text: str) -> URIRef:
    return URIRef(f"{ID}offer/{digest(owner, slugify(text))}")


def document_iri(name: str) -> URIRef:
    """IRI of a document known by a file name (no URL): ``id/document/<stem>``."""
    stem = name.rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return URIRef(f"{ID}document/{quote(stem, safe='-_.')}")


def graph_iri(loader: str, name: str) -> URIRef:
    """IRI of the named graph holding what ``loader`` produced from source ``name``.

    >>> graph_iri("curated", "seeds")
    rdflib.term.URIRef('https://w3id.org/photonics-kg/graph/curated/seeds')
    """
    return URIRef(f"{GRAPH}{loader}/{slugify(name) or digest(name)}")


def file_identity_iri(sha256_hex: str) -> URIRef:
    """A content-addressed IRI for a source file (RFC 6920 Named Information).

    >>> file_identity_iri("00ff")
    rdflib.term.URIRef('ni:///sha-256;AP8')
    """
    import base64

    raw = bytes.fromhex(sha256_hex)
    return URIRef("ni:///sha-256;" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("="))
