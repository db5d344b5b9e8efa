"""Synthetic photonics ecosystems of any size, for benchmarks and tests. SYNTHETIC DATA.

:func:`generate` scales the structure of the hand-made fixture (``tests/data/fixture.yaml``) and
of the sample sources to about ``target`` triples: firms, research labs, universities, public
bodies, associations, clusters, programmes, events, documents, places nested région >
département > commune, application domains, and the facts that tie them together (memberships
and partnerships with years, sponsorships, tutelles, mergers, acquisitions, participations) with
their n-ary fact nodes and ``phot:Evidence`` nodes, the way :class:`photonics_kg.facts.FactWriter`
writes them. It writes N-Triples (or N-Quads) lines directly: an rdflib graph would take longer to
build than the store takes to load it.

Everything is labelled synthetic: entity IRIs are under ``https://w3id.org/photonics-kg/synthetic/``,
the graph is described as ``phot:synthetic true``, and no identifier (SIREN, SIRET, RNSR,
Wikidata) is ever made up. The only IRIs that are not synthetic are ontology terms, the six DEFI
Photonique priority domains (``ontology/domains.ttl``) and the France node
``id/place/france`` that the library queries take as their default home country, so that the
queries and analyses have something to find. Files go to a temporary folder; never commit them.

The output depends only on ``target`` and ``seed``.

>>> import tempfile, pathlib
>>> eco = generate(2_000, pathlib.Path(tempfile.mkdtemp()) / "eco.nt", seed=1)
>>> 1_500 < eco.triples < 2_600, eco.counts["firms"] > 10
(True, True)
>>> again = generate(2_000, eco.path.with_name("again.nt"), seed=1)
>>> again.path.read_bytes() == eco.path.read_bytes()
True
"""

from __future__ import annotations

import json
import os
import random
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

SYNTHETIC = "https://w3id.org/photonics-kg/synthetic/"
GRAPH_BASE = "https://w3id.org/photonics-kg/graph/synthetic/"
FRANCE = "https://w3id.org/photonics-kg/id/place/france"

_PHOT = "https://w3id.org/photonics-kg/ontology#"
_ORG = "http://www.w3.org/ns/org#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SCHEMA = "https://schema.org/"
_DCT = "http://purl.org/dc/terms/"
_OA = "http://www.w3.org/ns/oa#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_DOM = "https://w3id.org/photonics-kg/id/domain/"

#: the six DEFI Photonique priority domains of ontology/domains.ttl
DEFI_DOMAINS = tuple(f"<{_DOM}{s}>" for s in (
    "telecoms", "sante-et-vivant", "energie-eclairage-affichage", "manufacturing-et-controle",
    "surveillance-securite-spatial", "materiaux-et-technologies-generiques"))

#: triples written per firm, all the other entities and facts included, and the fixed part
#: (measured at 100k and 1M triples; used to size large ecosystems without a dry run)
TRIPLES_PER_FIRM = 48.4
FIXED_TRIPLES = 374

_WORDS = ("Laser", "Optique", "Photon", "Lumière", "Fibre", "Vision", "Quantum", "Spectra", "Lux",
          "Opto", "Prisme", "Lentille", "Infrarouge", "Imagerie", "Nano", "Cristal", "Faisceau", "Onde")
_FORMS = ("SAS", "SA", "SARL", "Technologies", "Systèmes", "Industries", "Instruments", "Photonics")
_UNIVERSITY = ("Université", "École", "Institut")
_PUBLIC = ("Agence", "Conseil", "Office", "Centre national")


def _iri(x: str) -> str:
    return f"<{x}>"


P = {name: _iri(ns + local) for name, ns, local in (
    ("type", _RDF, "type"), ("subject", _RDF, "subject"), ("predicate", _RDF, "predicate"),
    ("object", _RDF, "object"), ("label", _RDFS, "label"), ("altLabel", _SKOS, "altLabel"),
    ("prefLabel", _SKOS, "prefLabel"), ("inScheme", _SKOS, "inScheme"),
    ("containedInPlace", _SCHEMA, "containedInPlace"), ("source", _DCT, "source"),
    ("title", _DCT, "title"), ("identifier", _DCT, "identifier"), ("date", _DCT, "date"),
    ("description", _DCT, "description"), ("memberOf", _ORG, "memberOf"), ("member", _ORG, "member"),
    ("organization", _ORG, "organization"), ("hasTarget", _OA, "hasTarget"), ("hasSource", _OA, "hasSource"),
    ("hasSelector", _OA, "hasSelector"), ("exact", _OA, "exact"),
)}
for _local in ("locatedIn", "activeIn", "priorityDomain", "partnerOf", "sponsorOf", "ownerOf", "managerOf",
               "subsidiaryOf", "mergedInto", "acquired", "participatesIn", "offers", "foundingYear",
               "dissolutionYear", "sme", "startYear", "endYear", "role", "partner", "sponsor", "sponsored",
               "owner", "owned", "manager", "managed", "participant", "participatedIn", "acquirer",
               "acquiree", "predecessor", "successor", "rule", "confidence", "evidenceFor", "synthetic"):
    P[_local] = _iri(_PHOT + _local)

C = {local: _iri(_PHOT + local) for local in (
    "Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association", "Programme", "Event",
    "Country", "Region", "Department", "Commune", "ApplicationDomain", "ApplicationDomains", "Document",
    "Fact", "Partnership", "Sponsorship", "Membership", "Ownership", "Management", "Participation",
    "Acquisition", "Merger", "Evidence", "Offer", "TrainingOffer", "SupportOffer", "Tutelle",
    "MaitreDOuvrage", "MaitreDOeuvre")}
C["Concept"] = _iri(_SKOS + "Concept")
C["SpecificResource"] = _iri(_OA + "SpecificResource")
C["TextQuoteSelector"] = _iri(_OA + "TextQuoteSelector")

#: what each relation's n-ary fact node is: class, subject role, object role
FACTS = {
    "memberOf": ("Membership", "member", "organization"),
    "partnerOf": ("Partnership", "partner", "partner"),
    "sponsorOf": ("Sponsorship", "sponsor", "sponsored"),
    "ownerOf": ("Ownership", "owner", "owned"),
    "managerOf": ("Management", "manager", "managed"),
    "participatesIn": ("Participation", "participant", "participatedIn"),
    "acquired": ("Acquisition", "acquirer", "acquiree"),
    "mergedInto": ("Merger", "predecessor", "successor"),
}


def _lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _int(n: int) -> str:
    return f'"{n}"^^<{_XSD}integer>'


def _typed(text: str, datatype: str) -> str:
    return f'"{text}"^^<{_XSD}{datatype}>'


_TRUE, _FALSE = _typed("true", "boolean"), _typed("false", "boolean")

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_size(text: str | int) -> int:
    """``10k`` -> 10000, ``1m`` -> 1000000, ``2.5M`` -> 2500000.

    >>> [parse_size(s) for s in ("2k", "10k", "1m", "5M", "1500")]
    [2000, 10000, 1000000, 5000000, 1500]
    """
    if isinstance(text, int):
        return text
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"{text!r} is not a size (like 10k, 1m, 5m or 2000)")
    return int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()])


def size_label(n: int) -> str:
    """The short form of a size: 10000 -> ``10k``.

    >>> [size_label(n) for n in (2000, 100_000, 1_000_000, 5_000_000, 1234)]
    ['2k', '100k', '1m', '5m', '1234']
    """
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


@dataclass
class Ecosystem:
    """What :func:`generate` wrote."""

    path: Path
    triples: int                #: lines written (each a distinct triple)
    target: int
    seed: int
    format: str                 #: ``nt`` or ``nq``
    graph: str                  #: IRI of the synthetic graph (its name in N-Quads)
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


class _Count:
    """An output that only counts (dry runs that size small ecosystems)."""

    n = 0

    def t(self, s, p, o) -> None:
        self.n += 1


def _firms_for(target: int, seed: int) -> int:
    """The number of firms that gives about ``target`` triples."""
    firms = max(8, round((target - FIXED_TRIPLES) / TRIPLES_PER_FIRM))
    if target > 200_000:  # the linear model is within 1% there
        return firms
    # small ecosystems have a larger fixed part (minimum numbers of clusters, labs...): correct it
    for _ in range(4):
        out = _Count()
        _Generator(out, firms, seed).run(GRAPH_BASE, target)
        if abs(out.n - target) <= 0.01 * target:
            break
        firms = max(8, round(firms + (target - out.n) / TRIPLES_PER_FIRM))
    return firms


class _Out:
    """Buffered N-Triples / N-Quads lines with a count."""

    def __init__(self, f, graph: str | None):
        self.f = f
        self.end = f" {_iri(graph)} .\n" if graph else " .\n"
        self.buf: list[str] = []
        self.n = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.buf.append(f"{s} {p} {o}{self.end}")
        if len(self.buf) >= 20_000:
            self.flush()

    def flush(self) -> None:
        self.n += len(self.buf)
        self.f.write("".join(self.buf))
        self.buf.clear()


class _Generator:
    def __init__(self, out: _Out, firms: int, seed: int):
        self.o = out
        self.r = random.Random(seed)
        self.firms_n = firms
        self.facts = 0
        self.evidence = 0
        self.offers = 0
        self.counts: dict[str, int] = {}

    # -- primitives ----------------------------------------------------------------------
    def node(self, kind: str, i: int) -> str:
        return _iri(f"{SYNTHETIC}{kind}/{kind[0]}{i:07d}")

    def evidence_for(self, s: str, p: str, o: str, fact: str | None) -> None:
        r, t = self.r, self.o.t
        self.evidence += 1
        ev = _iri(f"{SYNTHETIC}evidence/e{self.evidence:08d}")
        doc = self.docs[r.randrange(len(self.docs))]
        t(ev, P["type"], C["Evidence"])
        t(ev, P["subject"], s)
        t(ev, P["predicate"], p)
        t(ev, P["object"], o)
        t(ev, P["source"], doc)
        t(ev, P["rule"], _lit("synthetic"))
        t(ev, P["confidence"], _typed(f"{r.randint(50, 100) / 100:.2f}", "decimal"))
        if fact:
            t(ev, P["evidenceFor"], fact)
        if r.random() < 0.5:
            target = ev[:-1] + "-target>"
            sel = ev[:-1] + "-quote>"
            t(ev, P["hasTarget"], target)
            t(target, P["type"], C["SpecificResource"])
            t(target, P["hasSource"], doc)
            t(target, P["hasSelector"], sel)
            t(sel, P["type"], C["TextQuoteSelector"])
            t(sel, P["exact"], _lit(f"texte synthétique n°{self.evidence}", None))

    def relation(self, s: str, rel: str, o: str, *, start: int | None = None, end: int | None = None,
                 role: str | None = None, fact: bool = False, evidence: float = 0.5) -> None:
        """A shortcut triple, its n-ary fact node when dated or with a role, its evidence."""
        t = self.o.t
        t(s, P[rel], o)
        node = None
        if rel in FACTS and (fact or start or end or role):
            cls, subj, obj = FACTS[rel]
            self.facts += 1
            node = _iri(f"{SYNTHETIC}fact/{cls.lower()}/x{self.facts:08d}")
            t(node, P["type"], C[cls])
            t(node, P["type"], C["Fact"])
            t(node, P[subj], s)
            t(node, P[obj], o)
            if start:
                t(node, P["startYear"], _int(start))
            if end:
                t(node, P["endYear"], _int(end))
            if role:
                t(node, P["role"], C[role])
            self.counts[cls] = self.counts.get(cls, 0) + 1
        if self.r.random() < evidence:
            self.evidence_for(s, P[rel], o, node)

    def organisation(self, kind: str, cls: str, i: int, label: str, *, alt: str | None = None,
                     place: str | None = None, domains: int = 0, founded: float = 0.6) -> str:
        r, t = self.r, self.o.t
        node = self.node(kind, i)
        t(node, P["type"], C[cls])
        t(node, P["label"], _lit(label, "fr"))
        if alt:
            t(node, P["altLabel"], _lit(alt))
        if r.random() < 0.3:
            self.evidence_for(node, P["type"], C[cls], None)
        if place is None:
            place = self.communes[r.randrange(len(self.communes))]
        self.relation(node, "locatedIn", place, evidence=0.3)
        for d in self.pick_domains(domains):
            self.relation(node, "activeIn", d, evidence=0.3)
        if r.random() < founded:
            t(node, P["foundingYear"], _int(r.randint(1950, 2023)))
        self.counts[cls] = self.counts.get(cls, 0) + 1
        return node

    def pick_domains(self, n: int) -> list[str]:
        r = self.r
        picked = []
        for _ in range(n):
            pool = DEFI_DOMAINS if r.random() < 0.7 else self.domains
            d = pool[r.randrange(len(pool))]
            if d not in picked:
                picked.append(d)
        return picked

    def name(self, *extra: str) -> str:
        r = self.r
        return f"{r.choice(_WORDS)} {r.choice(_WORDS)} {' '.join(extra)}".strip()

    def year(self, lo: int = 1995, hi: int = 2024) -> int:
        return self.r.randint(lo, hi)

    # -- the ecosystem -------------------------------------------------------------------
    def run(self, graph: str, target: int) -> None:
        r, t = self.r, self.o.t
        F = self.firms_n
        n_regions = 13
        n_departments = min(96, max(13, F // 40))
        n_communes = min(30_000, max(26, F // 12))
        n_domains = min(2_000, max(6, F // 400))
        n_clusters = max(4, F // 250)
        n_labs = max(6, F // 6)
        n_universities = max(3, F // 80)
        n_public = max(3, F // 300)
        n_associations = max(2, F // 600)
        n_programmes = max(3, F // 120)
        n_events = max(2, F // 500)
        n_documents = max(5, F // 25)

        # the graph says what it is, inside itself
        g = _iri(graph)
        t(g, P["synthetic"], _TRUE)
        t(g, P["label"], _lit(f"Synthetic photonics ecosystem, ~{size_label(target)} triples", "en"))
        t(g, P["description"], _lit("SYNTHETIC benchmark data generated by bench/synthetic.py: not about "
                                    "real organisations; never mix with real data.", "en"))

        # places: France (the queries' default home) > régions > départements > communes; abroad
        t(_iri(FRANCE), P["type"], C["Country"])
        t(_iri(FRANCE), P["label"], _lit("France", "fr"))
        regions = []
        for i in range(n_regions):
            node = self.node("region", i)
            t(node, P["type"], C["Region"])
            t(node, P["label"], _lit(f"Région synthétique {i + 1:02d}", "fr"))
            t(node, P["containedInPlace"], _iri(FRANCE))
            regions.append(node)
        departments = []
        for i in range(n_departments):
            node = self.node("department", i)
            t(node, P["type"], C["Department"])
            t(node, P["label"], _lit(f"Département synthétique {i + 1:03d}", "fr"))
            t(node, P["containedInPlace"], regions[i % n_regions])
            departments.append(node)
        self.communes = []
        for i in range(n_communes):
            node = self.node("commune", i)
            t(node, P["type"], C["Commune"])
            t(node, P["label"], _lit(f"Commune synthétique {i + 1:05d}", "fr"))
            # a skewed spread, so some régions are dense and some thin (gaps to find)
            t(node, P["containedInPlace"], departments[min(int(r.paretovariate(1.2)) - 1, n_departments - 1)
                                                      if r.random() < 0.5 else r.randrange(n_departments)])
            self.communes.append(node)
        abroad = []
        for i in range(4):
            country = self.node("country", i)
            t(country, P["type"], C["Country"])
            t(country, P["label"], _lit(f"Pays synthétique {i + 1}", "fr"))
            for j in range(3):
                city = self.node("commune", n_communes + i * 3 + j)
                t(city, P["type"], C["Commune"])
                t(city, P["label"], _lit(f"Ville synthétique {i + 1}-{j + 1}", "fr"))
                t(city, P["containedInPlace"], country)
                abroad.append(city)

        # application domains beyond the six DEFI priority domains of the ontology
        self.domains = []
        for i in range(n_domains):
            node = self.node("domain", i)
            label = f"Domaine synthétique {i + 1:04d}"
            t(node, P["type"], C["ApplicationDomain"])
            t(node, P["type"], C["Concept"])
            t(node, P["label"], _lit(label, "fr"))
            t(node, P["prefLabel"], _lit(label, "fr"))
            t(node, P["prefLabel"], _lit(f"Synthetic domain {i + 1:04d}", "en"))
            t(node, P["inScheme"], C["ApplicationDomains"])
            self.domains.append(node)

        self.docs = []
        for i in range(n_documents):
            node = self.node("document", i)
            t(node, P["type"], C["Document"])
            t(node, P["identifier"], _lit(f"synthetic-{i + 1:06d}.txt"))
            t(node, P["title"], _lit(f"Document synthétique {i + 1}"))
            t(node, P["date"], _typed(str(self.year(2005, 2024)), "gYear"))
            self.docs.append(node)

        # organisations
        universities = [self.organisation("university", "University", i,
                                          f"{r.choice(_UNIVERSITY)} synthétique {i + 1}", domains=1)
                        for i in range(n_universities)]
        public = [self.organisation("public-body", "PublicBody", i, f"{r.choice(_PUBLIC)} synthétique {i + 1}",
                                    founded=0.2) for i in range(n_public)]
        associations = [self.organisation("association", "Association", i, f"Association synthétique {i + 1}",
                                          alt=f"AS{i + 1}", domains=1) for i in range(n_associations)]
        clusters = [self.organisation("cluster", "Cluster", i, f"Pôle {self.name()} {i + 1}", domains=3, founded=0.9)
                    for i in range(n_clusters)]
        for i, c in enumerate(clusters[1:], 1):
            if r.random() < 0.1:  # mergers: clusters merge into an older one
                y = self.year(2005, 2020)
                self.relation(c, "mergedInto", clusters[r.randrange(i)], start=y)
                t(c, P["dissolutionYear"], _int(y))
        labs = []
        for i in range(n_labs):
            place = abroad[r.randrange(len(abroad))] if r.random() < 0.04 else None
            lab = self.organisation("lab", "ResearchLab", i, f"Laboratoire {self.name()} {i + 1}",
                                    alt=f"LAB{i + 1}" if r.random() < 0.5 else None, place=place, domains=2)
            for owner in {r.choice(universities), r.choice(public)} if r.random() < 0.7 else {r.choice(universities)}:
                self.relation(owner, "ownerOf", lab, role="Tutelle")
            if r.random() < 0.3:
                self.relation(lab, "memberOf", r.choice(clusters), start=self.year(2005, 2024))
            labs.append(lab)
        programmes = []
        for i in range(n_programmes):
            prog = self.organisation("programme", "Programme", i, f"Programme {self.name()} {i + 1}",
                                     domains=0, founded=0.0)
            for d in r.sample(DEFI_DOMAINS, r.randint(2, 4)):
                self.relation(prog, "priorityDomain", d, evidence=0.3)
            self.relation(r.choice(associations), "ownerOf", prog, role="MaitreDOuvrage")
            self.relation(r.choice(associations + public), "managerOf", prog, role="MaitreDOeuvre")
            for sponsor in {r.choice(public) for _ in range(r.randint(1, 2))}:
                self.relation(sponsor, "sponsorOf", prog, start=self.year(2005, 2024))
            self.offer(prog)
            programmes.append(prog)
        events = []
        for i in range(n_events):
            ev = self.node("event", i)
            t(ev, P["type"], C["Event"])
            t(ev, P["label"], _lit(f"Salon {self.name()} {2000 + i % 25}", "fr"))
            self.relation(ev, "locatedIn", self.communes[r.randrange(len(self.communes))], evidence=0.2)
            events.append(ev)
        self.counts["Event"] = n_events

        firms = []
        for i in range(F):
            firm = self.organisation("firm", "Firm", i, f"{self.name(r.choice(_FORMS))} {i + 1}",
                                     alt=f"{r.choice(_WORDS).upper()}{i + 1}" if r.random() < 0.2 else None,
                                     domains=r.randint(1, 3))
            t(firm, P["sme"], _TRUE if r.random() < 0.75 else _FALSE)
            if r.random() < 0.6:
                self.relation(firm, "memberOf", r.choice(clusters),
                              start=self.year(2005, 2024) if r.random() < 0.7 else None)
            partners = set()
            for _ in range(r.choices((0, 1, 2, 3), (0.35, 0.35, 0.2, 0.1))[0]):
                kind = r.random()
                other = (r.choice(labs) if kind < 0.6 else r.choice(firms) if kind < 0.85 and firms
                         else r.choice(clusters) if kind < 0.95 else r.choice(universities))
                if other in partners:
                    continue
                partners.add(other)
                start = self.year()
                self.relation(firm, "partnerOf", other, start=start,
                              end=start + r.randint(1, 8) if r.random() < 0.2 else None, fact=True)
            if r.random() < 0.25:
                self.relation(firm, "participatesIn", r.choice(programmes),
                              start=self.year(2005, 2024) if r.random() < 0.5 else None)
            if r.random() < 0.15:
                self.relation(firm, "participatesIn", r.choice(events), evidence=0.3)
            if firms and r.random() < 0.04:
                self.relation(firm, "subsidiaryOf", r.choice(firms), evidence=0.3)
            if firms and r.random() < 0.02:
                self.relation(firm, "acquired", r.choice(firms), start=self.year(2000, 2024), fact=True)
            if r.random() < 0.03:
                self.relation(firm, "sponsorOf", r.choice(programmes), start=self.year(2005, 2024), fact=True)
            if r.random() < 0.05:
                self.offer(firm)
            firms.append(firm)
        self.counts.update(firms=F, labs=n_labs, clusters=n_clusters, universities=n_universities,
                           public_bodies=n_public, associations=n_associations, programmes=n_programmes,
                           events=n_events, documents=n_documents, regions=n_regions,
                           departments=n_departments, communes=n_communes, domains=n_domains,
                           facts=self.facts, evidence=self.evidence, offers=self.offers)

    def offer(self, owner: str) -> None:
        r, t = self.r, self.o.t
        self.offers += 1
        node = _iri(f"{SYNTHETIC}offer/o{self.offers:07d}")
        training = r.random() < 0.5
        t(node, P["type"], C["TrainingOffer" if training else "SupportOffer"])
        t(node, P["type"], C["Offer"])
        t(node, P["label"], _lit(f"{'formation' if training else 'accompagnement'} synthétique {self.offers}", "fr"))
        self.relation(owner, "offers", node, evidence=0.3)


def generate(target: int, path: str | os.PathLike, *, seed: int = 42, quads: bool | None = None,
             name: str | None = None) -> Ecosystem:
    """Write a synthetic ecosystem of about ``target`` triples to ``path`` (``.nt`` or ``.nq``).

    Parameters
    ----------
    target : int
        Number of triples wanted; the result is within a few percent of it (see ``.triples``).
    path : path
        The file to write; its suffix chooses N-Triples (``.nt``) or N-Quads (``.nq``, every quad
        in the synthetic graph) unless ``quads`` says otherwise.
    seed : int
        The same target and seed give the same file, byte for byte.
    name : str, optional
        Last segment of the graph IRI (default ``ecosystem-<size>-s<seed>``).
    """
    path = Path(path)
    target = parse_size(target)
    if target < 500:
        raise ValueError("a synthetic ecosystem needs at least 500 triples")
    quads = path.suffix == ".nq" if quads is None else quads
    graph = GRAPH_BASE + (name or f"ecosystem-{size_label(target)}-s{seed}")
    firms = _firms_for(target, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        out = _Out(f, graph if quads else None)
        gen = _Generator(out, firms, seed)
        gen.run(graph, target)
        out.flush()
    os.replace(tmp, path)
    return Ecosystem(path=path, triples=out.n, target=target, seed=seed, format="nq" if quads else "nt",
                     graph=graph, counts=gen.counts)


def default_dir() -> Path:
    """Where cached synthetic files go: ``$PHOTONICS_KG_BENCH_DIR`` or a folder in the temp dir."""
    env = os.environ.get("PHOTONICS_KG_BENCH_DIR")
    if env:
        return Path(env) / "synthetic"
    return Path(tempfile.gettempdir()) / f"photonics-kg-bench-{os.getuid()}" / "synthetic"


def ensure(target: int | str, *, seed: int = 42, fmt: str = "nt", directory: str | os.PathLike | None = None) -> Ecosystem:
    """The synthetic ecosystem for ``target`` and ``seed``: generated once, then reused from ``directory``.

    A sidecar ``.json`` records what was written; a file without it (an interrupted run) is redone.
    """
    target = parse_size(target)
    if fmt not in ("nt", "nq"):
        raise ValueError(f"unknown format {fmt!r}; allowed: nt, nq")
    folder = Path(directory) if directory is not None else default_dir()
    path = folder / f"synthetic-ecosystem-{size_label(target)}-s{seed}.{fmt}"
    meta = path.with_name(path.name + ".json")
    if path.exists() and meta.exists():
        data = json.loads(meta.read_text())
        if data.get("generator") == TRIPLES_PER_FIRM and path.stat().st_size == data.get("bytes"):
            data.pop("generator"), data.pop("bytes")
            data["path"] = path
            return Ecosystem(**data)
    eco = generate(target, path, seed=seed)
    meta.write_text(json.dumps(dict(eco.to_json(), generator=TRIPLES_PER_FIRM, bytes=path.stat().st_size), indent=1))
    return eco


if __name__ == "__main__":  # pragma: no cover - python -m bench.synthetic 1m [seed] [out.nt]
    import sys

    size = sys.argv[1] if len(sys.argv) > 1 else "10k"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 42
    if len(sys.argv) > 3:
        eco = generate(parse_size(size), sys.argv[3], seed=seed)
    else:
        eco = ensure(size, seed=seed)
    print(json.dumps(eco.to_json(), indent=1))
