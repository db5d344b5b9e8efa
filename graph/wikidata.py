"""Wikidata enrichment: QIDs, labels, parent organisations and inception, by SIREN, RNSR and ROR.

:func:`enrich` reads the identifiers of every organisation in the store
(``queries/internal/organisation-identifiers.rq``), asks a SPARQL endpoint (Wikidata's, or any
other) for the items carrying them (``queries/internal/wikidata-by-identifier.rq``: P1616 SIREN,
P3016 RNSR, P6782 ROR) through SPARQLWrapper, in batches bound as ``VALUES`` rows of serialised
terms, and writes what came back to an **enrichment file** (JSON). Every answer is cached on disk
by the hash of the query and its rows, so a rebuild works offline (``offline=True`` never touches
the network and uses only the cache). The ``wikidata`` loader turns the enrichment file into the
graph ``graph/wikidata/<name>``: ``phot:wikidata`` and ``owl:sameAs`` the item, Wikidata's labels
as ``skos:altLabel`` (the registry's name stays the label), ``org:subOrganizationOf`` the parent
(``id/siren/<SIREN>`` when Wikidata gives the parent's SIREN, else the Wikidata item) and
``schema:foundingDate`` from the inception.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from rdflib import Literal, URIRef

from photonics_kg.errors import ConfigError, SourceError
from photonics_kg.queries.library import get, term_to_sparql

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
PROPERTIES = {"siren": "P1616", "rnsr": "P3016", "ror": "P6782"}
WDT = "http://www.wikidata.org/prop/direct/"
KIND = "photonics-kg wikidata enrichment"
USER_AGENT = "photonics-kg/0.1 (knowledge graph of the French photonics ecosystem; SPARQLWrapper)"
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "photonics-kg" / "wikidata"


def bind_rows(text: str, names: list[str], rows: list[tuple]) -> str:
    """Bind several rows of values as one ``VALUES`` block first in the WHERE group.

    >>> bind_rows("SELECT * WHERE { ?s ?p ?o }", ["p", "o"], [(URIRef("http://x/p"), Literal("1"))])
    'SELECT * WHERE { VALUES (?p ?o) { (<http://x/p> "1") } ?s ?p ?o }'
    """
    m = _WHERE.search(text)
    body = " ".join("(" + " ".join(term_to_sparql(v) for v in row) + ")" for row in rows)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ {body} }}"
    return text[:m.end()] + block + text[m.end():]


def _query_text() -> str:
    text = get("wikidata-by-identifier").text
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("#"))


def ask(endpoint: str, query: str, *, cache: Path, offline: bool = False, timeout: int = 60) -> dict | None:
    """SPARQL JSON results of ``query`` at ``endpoint``, from the cache when there (None offline on a miss)."""
    key = hashlib.sha256(query.encode("utf-8")).hexdigest()[:32]
    path = cache / f"{key}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    if offline:
        return None
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setQuery(query)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setTimeout(timeout)
    try:
        result = client.query().convert()
    except (SPARQLWrapperException, OSError, ValueError) as exc:
        raise SourceError(f"the SPARQL endpoint {endpoint} failed: {exc}") from None
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return result


def enrich(store, out: Path, *, endpoint: str = WIKIDATA_ENDPOINT, cache: Path | None = None,
           offline: bool = False, batch: int = 200, log=lambda m: None) -> dict:
    """Look up the store's identifiers on ``endpoint``; write the enrichment file ``out``.

    Returns counts: identifiers asked, answered from cache or network, items found, misses offline.
    """
    if batch < 1:
        raise ConfigError("batch must be at least 1")
    cache = cache or default_cache()
    rows = store.select(get("organisation-identifiers").text)
    pairs = sorted({(r["kind"], r["id"]) for r in rows if r.get("kind") in PROPERTIES})
    text = _query_text()
    results, missing = [], 0
    for i in range(0, len(pairs), batch):
        chunk = pairs[i:i + batch]
        query = bind_rows(text, ["prop", "id"], [(URIRef(WDT + PROPERTIES[k]), Literal(v)) for k, v in chunk])
        answer = ask(endpoint, query, cache=cache, offline=offline)
        if answer is None:
            missing += len(chunk)
            continue
        for b in answer.get("results", {}).get("bindings", []):
            results.append({k: v.get("value") for k, v in b.items()})
    inverse = {f"{WDT}{p}": k for k, p in PROPERTIES.items()}
    items = []
    for r in results:
        kind = inverse.get(r.get("prop", ""))
        qid = (r.get("item") or "").rsplit("/", 1)[-1]
        if not kind or not re.fullmatch(r"Q\d+", qid):
            continue
        items.append({"kind": kind, "id": r.get("id"), "qid": qid, "label_fr": r.get("labelFr"),
                      "label_en": r.get("labelEn"), "parent": (r.get("parent") or "").rsplit("/", 1)[-1] or None,
                      "parent_siren": r.get("parentSiren"), "parent_label": r.get("parentLabel"),
                      "inception": r.get("inception")})
    items.sort(key=lambda x: (x["kind"], x["id"], x["qid"], x["parent"] or ""))
    payload = {"kind": KIND, "endpoint": endpoint, "identifiers": len(pairs), "items": items}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    log(f"wikidata: {len(pairs)} identifiers, {len(items)} answers, {missing} not in the cache (offline)")
    return {"identifiers": len(pairs), "items": len(items), "missing_offline": missing}
