"""The bundled sample sources (``sample/*.yaml``) against the texts and registry they cite.

Every fact must cite a declared source, every quote must be an exact substring of the document it
cites, every RNSR number must exist in the RNSR export with the same sigle or libellé, and the seed
file must hold every entity and relation of the two seed documents' gold annotations. The shared
corpus and data live beside the checkout (``../shared``); without them these tests are skipped.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from photonics_kg.mapping import role_notations

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FILES = ["seeds.yaml", "ecosystem.yaml", "labs.yaml", "regions.yaml"]
RNSR_CSV = SHARED / "data" / "rnsr" / "fr-esr-structures-recherche-publiques-actives_2022_dataesr.csv"
SEED_GOLD = {"seed-000.json": "000_4051245278577af9.txt", "seed-004.json": "004_f9f87ba7564bb30f.txt"}

RELATIONS = {
    "memberOf", "partnerOf", "sponsorOf", "ownerOf", "managerOf", "subsidiaryOf", "mergedInto", "acquired",
    "locatedIn", "activeIn", "priorityDomain", "participatesIn", "createdIn", "founded", "offers", "identifiedAs",
}
LITERAL_RELATIONS = {"createdIn", "offers", "identifiedAs"}
ENTITY_TYPES = {"Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association", "Programme", "Event",
                "Place", "Domain", "Person"}
ORGANISATION_TYPES = {"Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association", "Programme"}
ROLES = set(role_notations())  # the roles of the ontology (phot:Roles)
PLACE_TYPES = {"country", "region", "former-region", "department", "commune", "site"}
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared corpus and data not found at {SHARED}")


def slug(text: str) -> str:
    """The name part of an entity IRI (same rule as ``photonics_kg.iri.slugify``)."""
    text = re.sub(r"[’'‘`´]", " ", text)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _load(name: str) -> dict:
    with (SAMPLE / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


@pytest.fixture(scope="module")
def sample() -> dict[str, dict]:
    return {name: _load(name) for name in FILES}


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    """Texts a source can cite, by file name and by URL (corpus texts: line 1 is ``SOURCE: <url>``)."""
    docs: dict[str, str] = {}
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        docs[path.name] = path.read_text(encoding="utf-8")
    for path in sorted((SHARED / "corpus" / "texts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        first, _, rest = text.partition("\n")
        docs[path.name] = text
        if first.startswith("SOURCE: "):
            docs[first[len("SOURCE: "):].strip()] = text
    return docs


@pytest.fixture(scope="module")
def rnsr_rows() -> dict[str, dict]:
    with RNSR_CSV.open(encoding="utf-8") as f:
        return {r["numero_national_de_structure"]: r for r in csv.DictReader(f, delimiter=";")}


def _entities(data: dict) -> list[dict]:
    return data.get("entities") or []


def _facts(data: dict) -> list[dict]:
    return data.get("facts") or []


@pytest.mark.parametrize("name", FILES)
def test_file_parses_and_is_marked_sample(name):
    data = _load(name)
    assert isinstance(data, dict)
    assert data["meta"]["sample"] is True
    assert data["meta"].get("title")
    assert isinstance(data["sources"], dict) and data["sources"]
    for key, src in data["sources"].items():
        assert KEY.match(key), key
        assert src.get("title"), key
        assert src.get("url") or src.get("document"), key
        if src.get("date") is not None:
            assert DATE.match(str(src["date"])), (key, src["date"])


@pytest.mark.parametrize("name", FILES)
def test_entities_are_well_formed(name):
    data = _load(name)
    sources = data["sources"]
    keys = [e.get("key") for e in _entities(data)]
    assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
    declared = {e["key"]: e for e in _entities(data)}
    for e in _entities(data):
        where = f"{name}: {e.get('key')}"
        assert isinstance(e.get("key"), str) and KEY.match(e["key"]), where
        assert e.get("type") in ENTITY_TYPES, where
        assert isinstance(e.get("label"), str) and slug(e["label"]), where
        assert e.get("sources"), f"{where}: no source"
        for s in e["sources"]:
            assert s in sources, f"{where}: unknown source {s!r}"
        if e.get("within") is not None:
            assert e["type"] == "Place", where
            assert e["within"] in declared and declared[e["within"]]["type"] == "Place", where
        if e.get("place_type") is not None:
            assert e["type"] == "Place" and e["place_type"] in PLACE_TYPES, where
        for k, v in (e.get("identifiers") or {}).items():
            assert k in {"rnsr", "siren", "siret", "wikidata", "ror", "insee", "uai"}, where
            assert isinstance(v, str), f"{where}: identifier {k} must be a string"


@pytest.mark.parametrize("name", FILES)
def test_facts_cite_sources_and_declared_entities(name):
    data = _load(name)
    declared = {e["key"] for e in _entities(data)}
    for i, f in enumerate(_facts(data)):
        where = f"{name}: facts[{i}] {f.get('s')} {f.get('p')} {f.get('o')}"
        assert f.get("p") in RELATIONS, where
        assert f.get("source") in data["sources"], where
        assert f.get("s") in declared, where
        if f["p"] in LITERAL_RELATIONS:
            assert f.get("o") not in (None, ""), where
            if f["p"] == "createdIn":
                assert DATE.match(str(f["o"])), where
        else:
            assert f.get("o") in declared, where
        for fld in ("date", "end"):
            if f.get(fld) is not None:
                assert DATE.match(str(f[fld])), where
        if f.get("role") is not None:
            assert f["p"] in ("ownerOf", "managerOf") and f["role"] in ROLES, where


@pytest.fixture(scope="module")
def rnsr_text() -> str:
    return RNSR_CSV.read_text(encoding="utf-8")


@needs_shared
@pytest.mark.parametrize("name", FILES)
def test_quotes_are_exact_substrings_of_the_cited_document(name, documents, rnsr_text):
    data = _load(name)
    for i, f in enumerate(_facts(data)):
        quote = f.get("quote")
        if not quote:
            continue
        src = data["sources"][f["source"]]
        if src.get("document"):
            text = documents.get(src["document"])
        elif src.get("url") and "fr-esr-structures-recherche-publiques-actives" in src["url"]:
            text = rnsr_text
        else:
            text = documents.get(src.get("url"))
        assert text is not None, f"{name}: facts[{i}]: source {f['source']!r} is no known document; cannot check its quote"
        assert quote in text, f"{name}: facts[{i}] ({f['s']} {f['p']}): quote not in {f['source']}: {quote!r}"


@needs_shared
def test_corpus_sources_point_at_corpus_texts(sample, documents):
    """Every document or URL source of seeds/ecosystem is a text of the corpus (its provenance)."""
    for name in ("seeds.yaml", "ecosystem.yaml"):
        for key, src in sample[name]["sources"].items():
            if key in ("insee-cog", "rnsr-2022"):
                continue
            ref = src.get("document") or src.get("url")
            assert ref in documents, f"{name}: source {key} ({ref}) is not a corpus or seed text"


@needs_shared
def test_rnsr_identifiers_exist_with_the_same_name(sample, rnsr_rows):
    seen = 0
    for name, data in sample.items():
        for e in _entities(data):
            rnsr = (e.get("identifiers") or {}).get("rnsr")
            if not rnsr:
                continue
            seen += 1
            assert rnsr in rnsr_rows, f"{name}: {e['key']}: {rnsr} is not in the RNSR export"
            row = rnsr_rows[rnsr]
            sigle, libelle = row["sigle"].strip(), row["libelle"].strip()
            names = {e["label"], *(e.get("aliases") or [])}
            assert e["label"] == (sigle or libelle), f"{name}: {e['key']}: label should be {sigle or libelle!r}"
            assert libelle in names, f"{name}: {e['key']}: the libellé {libelle!r} is missing"
    assert seen >= 40


@needs_shared
def test_labs_facts_match_the_rnsr_export(sample, rnsr_rows):
    """Tutelles are établissements tutelles (TUTE) with their aligned SIRET; creation years as exported."""
    labs = sample["labs.yaml"]
    ents = {e["key"]: e for e in _entities(labs)}
    rnsr_of = {k: e["identifiers"]["rnsr"] for k, e in ents.items() if (e.get("identifiers") or {}).get("rnsr")}
    assert 40 <= len(rnsr_of) <= 60
    for f in _facts(labs):
        if f["p"] == "ownerOf":
            row = rnsr_rows[rnsr_of[f["o"]]]
            tutelles = list(zip(row["tutelles"].split(";"), row["sigles_des_tutelles"].split(";"),
                                row["siret_des_tutelles"].split(";"), row["code_de_type_de_tutelle"].split(";")))
            t = ents[f["s"]]
            names = {t["label"], *(t.get("aliases") or [])}
            match = [x for x in tutelles if x[0] in names or x[1] in names]
            assert match, f"{f['s']} is no tutelle of {f['o']}"
            assert all(x[3] == "TUTE" for x in match), f"{f['s']} is not a TUTE tutelle of {f['o']}"
            siret = (t.get("identifiers") or {}).get("siret")
            if siret:
                assert all(x[2] == siret for x in match), f"{f['s']}: SIRET {siret} is not the aligned value for {f['o']}"
        elif f["p"] == "createdIn" and f["s"] in rnsr_of:
            assert str(f["o"]) == rnsr_rows[rnsr_of[f["s"]]]["annee_de_creation"].strip(), f["s"]


def _names(data: dict) -> dict[str, set[str]]:
    return {e["key"]: {e["label"], *(e.get("aliases") or [])} for e in _entities(data)}


@needs_shared
def test_seed_gold_entities_are_declared(sample):
    seeds = sample["seeds.yaml"]
    by_name = defaultdict(set)
    for e in _entities(seeds):
        for n in {e["label"], *(e.get("aliases") or [])}:
            by_name[n].add(e["type"])
    for gold_file in SEED_GOLD:
        gold = json.loads((SHARED / "corpus" / "gold" / gold_file).read_text(encoding="utf-8"))
        for g in gold["entities"]:
            assert g["type"] in by_name.get(g["label"], set()), f"{gold_file}: {g['type']} {g['label']!r} missing"
            for alias in g.get("aliases") or []:
                assert g["type"] in by_name.get(alias, set()), f"{gold_file}: alias {alias!r} of {g['label']!r} missing"


@needs_shared
def test_seed_gold_relations_are_facts(sample):
    seeds = sample["seeds.yaml"]
    names = _names(seeds)
    docs = {key: src.get("document") for key, src in seeds["sources"].items()}
    for gold_file, doc in SEED_GOLD.items():
        gold = json.loads((SHARED / "corpus" / "gold" / gold_file).read_text(encoding="utf-8"))
        facts = [f for f in _facts(seeds) if docs.get(f["source"]) == doc]
        for r in gold["relations"]:
            def same(key, label):
                return label in names.get(key, set())

            found = [f for f in facts if f["p"] == r["p"] and same(f["s"], r["s"])
                     and (str(f["o"]) == str(r["o"]) if r["p"] in LITERAL_RELATIONS else same(f["o"], r["o"]))]
            assert found, f"{gold_file}: {r['s']} {r['p']} {r['o']} has no fact"
            if r.get("date"):
                assert any(str(f.get("date")) == r["date"] for f in found), f"{gold_file}: {r['s']} {r['p']} {r['o']}: date {r['date']}"


@needs_shared
def test_corpus_gold_is_covered_by_ecosystem(sample):
    """Every gold entity and relation of the 18 corpus texts is in ecosystem.yaml, cited to that text."""
    eco = sample["ecosystem.yaml"]
    names = _names(eco)
    types = defaultdict(set)
    for e in _entities(eco):
        for n in names[e["key"]]:
            types[n].add(e["type"])
    url_of = {}
    for path in sorted((SHARED / "corpus" / "texts").glob("*.txt")):
        url_of[path.stem] = path.read_text(encoding="utf-8").partition("\n")[0][len("SOURCE: "):].strip()
    source_of = {src.get("url"): key for key, src in eco["sources"].items()}
    for gold_path in sorted((SHARED / "corpus" / "gold").glob("[0-9]*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        source = source_of.get(url_of[gold_path.stem])
        assert source, f"{gold_path.name}: no source with the text's URL"
        for g in gold["entities"]:
            for n in [g["label"], *(g.get("aliases") or [])]:
                assert g["type"] in types.get(n, set()), f"{gold_path.name}: {g['type']} {n!r} missing"
        facts = [f for f in _facts(eco) if f["source"] == source]
        for r in gold["relations"]:
            found = [f for f in facts if f["p"] == r["p"] and r["s"] in names[f["s"]]
                     and (str(f["o"]) == str(r["o"]) if r["p"] in LITERAL_RELATIONS else r["o"] in names.get(f["o"], ()))]
            assert found, f"{gold_path.name}: {r['s']} {r['p']} {r['o']} has no fact"


def test_seed_roles_of_the_programme(sample):
    facts = _facts(sample["seeds.yaml"])
    assert {"s": "cnop", "p": "ownerOf", "o": "defi-photonique", "role": "maitre-d-ouvrage"}.items() <= next(
        f for f in facts if f["s"] == "cnop" and f["p"] == "ownerOf").items()
    assert next(f for f in facts if f["s"] == "afop" and f["p"] == "managerOf")["role"] == "maitre-d-oeuvre"


def test_defi_domains_have_their_fixed_labels(sample):
    expected = {"Télécoms": "Telecommunications", "Santé et Vivant": "Health and Life sciences",
                "Énergie Eclairage Affichage": "Energy, Lighting, Display",
                "Manufacturing et Contrôle": "Manufacturing and Inspection",
                "Surveillance Sécurité Spatial": "Surveillance, Security, Space",
                "Matériaux et Technologies génériques": "Materials and Generic technologies"}
    domains = {e["label"]: e for e in _entities(sample["seeds.yaml"]) if e["type"] == "Domain"}
    for label, label_en in expected.items():
        assert domains[label].get("label_en") == label_en


def test_same_entity_has_the_same_label_and_type_across_files(sample):
    """Entities meet on IRIs minted from type + label: the same node must carry one exact label."""
    labels = defaultdict(set)
    by_rnsr = defaultdict(set)
    for data in sample.values():
        for e in _entities(data):
            labels[(e["type"], slug(e["label"]))].add(e["label"])
            if (e.get("identifiers") or {}).get("rnsr"):
                by_rnsr[e["identifiers"]["rnsr"]].add((e["type"], e["label"]))
    assert not {k: v for k, v in labels.items() if len(v) > 1}
    assert not {k: v for k, v in by_rnsr.items() if len(v) > 1}


def test_places_match_regions_file(sample):
    """Départements and régions declared elsewhere carry the labels, type and région of regions.yaml."""
    regions = {e["key"]: e for e in _entities(sample["regions.yaml"])}
    depts = [e for e in regions.values() if e.get("place_type") == "department"]
    regs = [e for e in regions.values() if e.get("place_type") == "region"]
    assert len(depts) == 101 and len(regs) == 18
    assert len({e["identifiers"]["insee"] for e in depts}) == 101
    assert len({e["identifiers"]["insee"] for e in regs}) == 18
    assert all(regions[e["within"]]["place_type"] == "region" for e in depts)
    for name in ("seeds.yaml", "ecosystem.yaml", "labs.yaml"):
        for e in _entities(sample[name]):
            if e.get("place_type") in ("department", "region"):
                ref = regions.get(e["key"])
                assert ref is not None, f"{name}: {e['key']} is not in regions.yaml"
                assert (e["label"], e.get("within")) == (ref["label"], ref.get("within")), f"{name}: {e['key']}"


def test_at_least_150_organisations(sample):
    orgs = {(e["type"], slug(e["label"])) for data in sample.values() for e in _entities(data)
            if e["type"] in ORGANISATION_TYPES}
    assert len(orgs) >= 150, len(orgs)
