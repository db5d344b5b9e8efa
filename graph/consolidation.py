"""Entity resolution: the same organisation from several sources becomes one node, reviewably.

Rules, in order:

1. **identifiers** — two organisation nodes sharing a SIREN, RNSR number, Wikidata QID, ROR id,
   UAI or PIC are the same (most already are: registries mint ``id/siren/<SIREN>`` and
   ``id/rnsr/<RNSR>``, and a French VAT number in CORDIS gives the SIREN); accepted.
2. **name + place** — names (labels and alternative names) are normalised (:func:`normalise`:
   accents, case, punctuation, legal forms such as SA/SAS/SARL, articles) and compared with
   rapidfuzz's ``token_sort_ratio``; a pair is considered only when the types are compatible
   (firm; university/public body/lab; cluster/association) and the places do not disagree (same
   département, or one side not located). A score >= :data:`ACCEPT` with the same département is
   accepted; a score >= :data:`CANDIDATE` is an **open candidate** for a maintainer.

Decisions live in a YAML file a maintainer edits (``decision: accept | reject | open``); it is
read back on every run, so a maintainer's accept or reject always wins over the rules, and on
every rebuild (:func:`reapply`, called by ``graph.build.derive``). Accepted pairs are written as
``owl:sameAs`` into the derived graph ``graph/derived/same-as``, each with a ``phot:Evidence``
node (the rule, the score as confidence, the decisions file as source). Nothing is merged
silently: :func:`report_text` lists every merge and every open candidate.

>>> normalise("SOCIÉTÉ THALES S.A.")
'thales'
>>> normalise("Université de Bordeaux")
'universite bordeaux'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef

from photonics_kg import iri as iris
from photonics_kg.errors import ConfigError, SourceError
from photonics_kg.facts import Evidence, FactWriter
from photonics_kg.namespaces import OWL
from photonics_kg.queries.library import get

ACCEPT = 92.0
CANDIDATE = 85.0
GRAPH = iris.graph_iri("derived", "same-as")
LEGAL_FORMS = {"sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "gie", "scop", "selarl", "sca", "se",
               "societe", "ste", "ltd", "gmbh", "inc", "srl", "spa", "bv", "ag", "plc", "llc"}
STOPWORDS = {"le", "la", "les", "l", "de", "des", "du", "d", "et", "en", "the", "of", "and", "a", "au", "aux"}
TYPE_GROUPS = {"Firm": "firm", "University": "public", "PublicBody": "public", "ResearchLab": "public",
               "Cluster": "network", "Association": "network"}
DECISIONS = ("accept", "reject", "open")
#: words that name the kind of an organisation, not which one it is: two names that differ only in
#: other words ("CHU de Nice" / "CHU de Lille") are two organisations
GENERIC = {"universite", "university", "centre", "center", "hospitalier", "universitaire", "regional",
           "ecole", "nationale", "national", "superieure", "superieur", "institut", "institute", "laboratoire",
           "recherche", "research", "sciences", "science", "etudes", "technologie", "technologies", "groupe",
           "france", "francais", "francaise", "federation", "association", "pole", "unite", "mixte",
           "fondation", "etablissement", "public", "publique", "international", "internationale", "cluster",
           "competitivite", "department", "departement", "inp", "polytechnique", "chu", "chru", "hopitaux",
           "hopital", "assistance", "ingenieurs", "ingenieur", "campus", "sas", "group", "industries", "systems",
           "systemes", "technologies", "innovation", "entreprise", "compagnie", "company"}


def _acronym_with_rest(short: list[str], long: list[str]) -> bool:
    """One word of ``short`` is the initials of a run of words of ``long``, the other words agree.

    >>> _acronym_with_rest(["insa", "rennes"], "institut national sciences appliquees rennes".split())
    True
    """
    for i, token in enumerate(short):
        n = len(token)
        if n < 3 or not token.isalpha():
            continue
        for j in range(len(long) - n + 1):
            if "".join(w[0] for w in long[j:j + n]) == token:
                rest_short = sorted(short[:i] + short[i + 1:])
                rest_long = sorted(long[:j] + long[j + n:])
                if rest_short == rest_long:
                    return True
    return False


def blocking_keys(normalised: str) -> set[str]:
    """Keys under which a name is compared with others: its words, and its acronym form.

    >>> "acr:cnrs" in blocking_keys("centre national recherche scientifique")
    True
    """
    words = normalised.split()
    keys = {w for w in words if len(w) >= 3}
    if len(words) == 1 and len(words[0]) >= 3:
        keys.add("acr:" + words[0])
    elif len(words) >= 2:
        keys.add("acr:" + "".join(w[0] for w in words))
        for n in range(3, min(len(words), 8) + 1):  # an acronym of part of the name ("INSA Rennes")
            for j in range(len(words) - n + 1):
                keys.add("acr:" + "".join(w[0] for w in words[j:j + n]))
    return keys


def similarity(x: str, y: str) -> float:
    """Score (0-100) of two normalised names: exact, acronym, or rapidfuzz with distinctive words agreeing.

    >>> similarity("cnrs", "centre national recherche scientifique")
    95.0
    >>> similarity("chu nice", "chu lille") < 80
    True
    >>> similarity("amplitude systemes", "amplitude") >= 92
    True
    """
    from rapidfuzz import fuzz

    if not x or not y:
        return 0.0
    if x == y:
        return 100.0
    tx, ty = x.split(), y.split()
    for short, long in ((tx, ty), (ty, tx)):
        if len(short) == 1 and len(long) >= 2 and len(short[0]) >= 3 and short[0] == "".join(w[0] for w in long):
            return 95.0
        if len(short) < len(long) and _acronym_with_rest(short, long):
            return 94.0
    if min(len(x), len(y)) < 4:
        return 0.0
    score = float(fuzz.token_sort_ratio(x, y))
    dx = [t for t in tx if t not in GENERIC]
    dy = [t for t in ty if t not in GENERIC]
    kx = {t for t in tx if t in GENERIC and t not in _FORM_WORDS}
    ky = {t for t in ty if t in GENERIC and t not in _FORM_WORDS}
    if not (dx and dy):
        return min(score, 80.0)
    unmatched = [t for t in dx if not any(fuzz.ratio(t, u) >= 88 for u in dy)] + \
                [u for u in dy if not any(fuzz.ratio(u, t) >= 88 for t in dx)]
    if unmatched:
        return min(score, 75.0)  # the words that say which organisation differ
    if kx and ky and kx != ky:
        return min(score, 75.0)  # same place or name, other kind: CHU d'Angers / Université d'Angers
    if bool(kx) != bool(ky):
        return min(max(score, CANDIDATE + 1), 86.0)  # a bare name ("XLIM", "ANGERS") against a kind: ask
    return max(score, 93.0)


#: trailing words that a firm's short name drops ("Amplitude Systèmes" / "Amplitude")
_FORM_WORDS = {"systemes", "systems", "technologies", "industries", "group", "groupe", "france", "international"}


def normalise(name: str) -> str:
    """A name reduced for comparison (see the module docstring)."""
    text = unicodedata.normalize("NFKD", name.replace("&", " et ")).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)  # S.A. -> SA
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = []
    for w in text.split():
        if w in STOPWORDS or w in LEGAL_FORMS:
            continue
        words.extend(ABBREVIATIONS.get(w, w).split())
    return " ".join(words)


#: abbreviations of the kinds of organisations, as registers and documents write them
ABBREVIATIONS = {
    "chu": "centre hospitalier universitaire", "chru": "centre hospitalier regional universitaire",
    "ch": "centre hospitalier", "u": "universite", "univ": "universite", "ec": "ecole", "inst": "institut",
    "nat": "national", "natl": "national", "sup": "superieure", "ecol": "ecole", "lab": "laboratoire",
    "labo": "laboratoire", "st": "saint", "ste": "sainte", "archi": "architecture", "tlse": "toulouse",
}


@dataclass
class Org:
    iri: str
    types: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    deps: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)

    @property
    def groups(self) -> set[str]:
        return {TYPE_GROUPS[t] for t in self.types if t in TYPE_GROUPS}

    def label(self) -> str:
        return sorted(self.names, key=len)[-1] if self.names else self.iri


@dataclass
class Decision:
    a: str
    b: str
    decision: str
    rule: str
    score: float
    labels: list[str] = field(default_factory=list)
    by: str = "rule"          #: 'rule' or 'maintainer'
    note: str = ""

    def key(self) -> tuple[str, str]:
        return tuple(sorted((self.a, self.b)))


def collect(store) -> dict[str, Org]:
    """The organisations of the store with their names, identifiers and places."""
    orgs: dict[str, Org] = {}

    def org(i):
        return orgs.setdefault(i, Org(i))

    for r in store.select(get("er-names").text):
        o = org(r["org"])
        o.types.add(r["class"].rsplit("#", 1)[-1])
        o.names.add(str(r["name"]))
    for r in store.select(get("er-identifiers").text):
        if r["org"] in orgs:
            orgs[r["org"]].ids[r["kind"]].add(str(r["id"]))
    for r in store.select(get("er-places").text):
        if r["org"] in orgs:
            if r.get("dep"):
                orgs[r["org"]].deps.add(str(r["dep"]))
            if r.get("region"):
                orgs[r["org"]].regions.add(r["region"])
    return orgs


def _places_agree(a: Org, b: Org) -> str:
    """'same', 'unknown' (one side not located) or 'different'."""
    if a.deps and b.deps:
        return "same" if a.deps & b.deps else "different"
    if a.regions and b.regions:
        return "same-region" if a.regions & b.regions else "different"
    return "unknown"


def name_score(a: Org, b: Org) -> tuple[float, str, str]:
    """Best rapidfuzz score over the two organisations' names, and the names that gave it."""
    best = (0.0, "", "")
    na = {normalise(n): n for n in a.names}
    nb = {normalise(n): n for n in b.names}
    for x, rx in na.items():
        for y, ry in nb.items():
            if not x or not y:
                continue
            s = similarity(x, y)
            if s > best[0]:
                best = (float(s), rx, ry)
    return best


def candidates(orgs: dict[str, Org]) -> list[Decision]:
    """Identifier matches and name+place matches, by the rules (no maintainer input)."""
    out: dict[tuple[str, str], Decision] = {}
    by_id: dict[tuple[str, str], list[str]] = defaultdict(list)
    for o in orgs.values():
        for kind, values in o.ids.items():
            for v in values:
                by_id[(kind, v)].append(o.iri)
    for (kind, value), members in by_id.items():
        members = sorted(set(members))
        for i in range(1, len(members)):
            d = Decision(members[0], members[i], "accept", f"identifier:{kind}", 100.0,
                         [orgs[members[0]].label(), orgs[members[i]].label()], note=f"{kind} {value}")
            out.setdefault(d.key(), d)
    # blocking: organisations sharing a rare normalised token
    index: dict[str, set[str]] = defaultdict(set)
    for o in orgs.values():
        for n in o.names:
            for key in blocking_keys(normalise(n)):
                index[key].add(o.iri)
    seen: set[tuple[str, str]] = set()
    for tok, members in index.items():
        if len(members) > 300 or len(members) < 2:
            continue
        ms = sorted(members)
        for i, x in enumerate(ms):
            for y in ms[i + 1:]:
                key = (x, y)
                if key in seen or key in out:
                    continue
                seen.add(key)
                a, b = orgs[x], orgs[y]
                if not (a.groups & b.groups):
                    continue
                if _conflicting_ids(a, b):
                    continue
                place = _places_agree(a, b)
                if place == "different":
                    continue
                score, ra, rb = name_score(a, b)
                if score >= ACCEPT and place == "same":
                    out[key] = Decision(x, y, "accept", "name+place", score, [ra, rb])
                elif score >= CANDIDATE:
                    out[key] = Decision(x, y, "open", f"name+place ({place})", score, [ra, rb])
    return sorted(out.values(), key=lambda d: (d.decision != "accept", -d.score, d.a, d.b))


def _conflicting_ids(a: Org, b: Org) -> bool:
    """Two different SIRENs (or RNSR numbers, QIDs) mean two organisations, whatever the names."""
    for kind in ("siren", "rnsr", "wikidata", "ror"):
        if a.ids.get(kind) and b.ids.get(kind) and not (a.ids[kind] & b.ids[kind]):
            return True
    return False


# -- the decisions file ------------------------------------------------------------------------
HEADER = """# photonics-kg entity-resolution decisions. Edit 'decision' (accept | reject | open) and keep
# 'by: maintainer' on the lines you decided: the resolver never overrides them. Re-applied on every
# 'photonics-kg resolve' and 'photonics-kg build'.
"""


def read_decisions(path: Path) -> dict[tuple[str, str], Decision]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SourceError(f"not valid YAML: {exc}", path=path, line=mark.line + 1 if mark else None) from None
    out = {}
    for i, item in enumerate(data.get("decisions") or []):
        if not isinstance(item, dict) or not item.get("a") or not item.get("b"):
            raise SourceError("each decision needs 'a' and 'b' (organisation IRIs)", path=path, field=f"decisions[{i}]")
        if item.get("decision") not in DECISIONS:
            raise SourceError(f"decision must be one of {', '.join(DECISIONS)} (got {item.get('decision')!r})",
                              path=path, field=f"decisions[{i}]")
        d = Decision(str(item["a"]), str(item["b"]), item["decision"], str(item.get("rule") or "maintainer"),
                     float(item.get("score") or 0), list(item.get("labels") or []), str(item.get("by") or "rule"),
                     str(item.get("note") or ""))
        out[d.key()] = d
    return out


def write_decisions(path: Path, decisions: list[Decision]) -> None:
    items = [{"a": d.a, "b": d.b, "decision": d.decision, "by": d.by, "rule": d.rule, "score": round(d.score, 1),
              "labels": d.labels, **({"note": d.note} if d.note else {})} for d in decisions]
    text = HEADER + yaml.safe_dump({"decisions": items}, allow_unicode=True, sort_keys=False, width=120)
    tmp = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def merge(rule_decisions: list[Decision], file_decisions: dict[tuple[str, str], Decision]) -> list[Decision]:
    """The rules' decisions, overridden by the maintainer's; maintainer-only pairs kept."""
    out = {d.key(): d for d in rule_decisions}
    for key, d in file_decisions.items():
        if d.by == "maintainer" or key not in out:
            out[key] = d
    return sorted(out.values(), key=lambda d: (DECISIONS.index(d.decision), -d.score, d.a, d.b))


def same_as_graph(decisions: list[Decision], source: str) -> Graph:
    w = FactWriter(label_lang=None)
    doc = w.document(name=Path(source).name, title="entity-resolution decisions")
    for d in decisions:
        if d.decision != "accept":
            continue
        a, b = URIRef(d.a), URIRef(d.b)
        w._add(a, OWL.sameAs, b)
        rule = f"er:{d.rule}" + (":maintainer" if d.by == "maintainer" else "")
        w._evidence(Evidence(doc, rule=rule, confidence=min(d.score, 100.0) / 100.0), a, OWL.sameAs, b)
    return w.graph


def resolve(store, decisions_path: Path | None = None, *, write_file: bool = True) -> list[Decision]:
    """Run the rules, apply the decisions file, store ``graph/derived/same-as``; return the decisions."""
    from photonics_kg.graph.store import SourceInfo

    orgs = collect(store)
    file_decisions = read_decisions(decisions_path) if decisions_path else {}
    decisions = merge(candidates(orgs), file_decisions)
    if decisions_path and write_file:
        write_decisions(decisions_path, decisions)
    source = str(decisions_path) if decisions_path else "(no decisions file)"
    g = same_as_graph(decisions, source)
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in g)
    sha = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    store.replace_graph(GRAPH, g, SourceInfo(loader="derived", source=source, sha256=sha,
                                             format="entity-resolution", title="derived: same-as"), force=False)
    return decisions


def reapply(store) -> bool:
    """Re-run resolution with the decisions file of the last ``resolve`` (on every rebuild)."""
    info = store.graph_info(GRAPH)
    if not info:
        return False
    path = Path(str(info.get("source") or ""))
    if not path.is_file():
        return False
    resolve(store, path, write_file=False)
    return True


def report_text(decisions: list[Decision], limit: int = 50) -> str:
    merges = [d for d in decisions if d.decision == "accept"]
    opened = [d for d in decisions if d.decision == "open"]
    rejected = [d for d in decisions if d.decision == "reject"]
    lines = [f"{len(merges)} merge(s), {len(opened)} open candidate(s), {len(rejected)} rejected"]
    if merges:
        lines.append("\nmerges (owl:sameAs):")
        for d in merges[:limit]:
            lines.append(f"  {d.score:5.1f}  {d.rule:<22} {d.by:<10} {' = '.join(d.labels)}  [{d.a} {d.b}]")
        if len(merges) > limit:
            lines.append(f"  ... and {len(merges) - limit} more (see the decisions file)")
    if opened:
        lines.append("\nopen candidates (set decision: accept or reject in the decisions file):")
        for d in opened[:limit]:
            lines.append(f"  {d.score:5.1f}  {d.rule:<22} {' ? '.join(d.labels)}  [{d.a} {d.b}]")
        if len(opened) > limit:
            lines.append(f"  ... and {len(opened) - limit} more")
    return "\n".join(lines)
