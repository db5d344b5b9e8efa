"""Named spans of a text and their types: gazetteer, spaCy NER, patterns, typing rules.

Every candidate span becomes a :class:`Mention` with a type and a *strength* saying how sure the
typing is (5: the store knows it; 4: the name starts with a typing noun, "Université de
Bordeaux"; 3: a descriptor or an apposition, "la société X", "X, un centre technologique";
2: context, "à X", a typed list; 1: the NER label only). Overlapping candidates are resolved
in favour of the store, then patterns, then NER. Mentions are then grouped into entities by
normalised name, acronym expansions ("X (Nom complet)") and former names ("ex-X", "devenu X").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from photonics_kg.extraction import lexicon as lx
from photonics_kg.extraction.gazetteer import Entry, Gazetteer
from photonics_kg.extraction.textutil import fold, is_acronym, is_capitalised, squash, tokens


@dataclass
class Mention:
    start: int
    end: int
    text: str
    type: str | None
    rule: str
    strength: float
    confidence: float = 0.6
    desc: str | None = None          #: descriptor before the name ("pôle de compétitivité")
    desc_start: int | None = None
    desc_alias: bool = False         #: descriptor + name is also a name of the entity
    entry: Entry | None = None       #: the store entity the gazetteer matched
    ner: str | None = None           #: the spaCy label, when NER found the span
    group: int = -1
    links: list[int] = field(default_factory=list)   #: mentions of the same entity (by index)
    core: str | None = None          #: the name without its typing noun: "DEFI Photonique" in "Projet DEFI Photonique"

    @property
    def key(self) -> str:
        return fold(self.text)

    def names(self) -> list[str]:
        out = [squash(self.text)]
        if self.core:
            out.append(squash(self.core))
        if self.desc and self.desc_alias:
            out.append(squash(self.desc + " " + self.text))
        return out


def _alternation(keys) -> str:
    parts = sorted(set(keys), key=len, reverse=True)
    return "|".join(r"[\s'-]+".join(re.escape(w) for w in k.split()) for k in parts)


_DESC_BEFORE = re.compile(r"(?:^|[\s'(\"«,;:])(?P<desc>" + _alternation(lx.DESCRIPTORS) + r")"
                          r"(?P<adj>\s+[a-z][a-z-]+(?:nais|naise|nnais|ais|aise|ois|oise|in|ins|ine|ain|aine|iens|ien|ienne|en|ens|enne))?"
                          r"\s*[«\"]?\s*$")
_HEAD_START = re.compile(r"^(?:" + _alternation(lx.NAME_HEADS) + r")(?=$|[\s'-])")
_APPOSITION = re.compile(r"\s*,\s*(?:(?:un |une |le |la |l'|cette |ce )(?:[a-z]+ )?)?(?P<head>"
                         + _alternation(lx.APPOSITIONS) + r")\b")
_WORD = re.compile(r"[^\W_](?:[\w&+]|['.-](?=\w))*")
_LEADING_DETERMINER = re.compile(r"^(?:(?:l|d|qu|jusqu|lorsqu)'\s*|(?:le|la|les|du|des|de|au|aux|un|une|ce|cette|ces|son|sa|ses|leur|leurs|notre|nos|votre)\s+)", re.I)
_LOCATIVE = re.compile(r"(?:\b(?:a|au|aux|en|dans|vers|pres de|pres d'|sur|de la region de|depuis)\s+(?:l')?)$")

_INSTITUTIONS = [
    # (pattern over the flat text, type, needs capitals in the original)
    (re.compile(r"\bministere (?:de la |de l'|du |des )[a-z-]+(?: et (?:de la |de l'|du |des )[a-z-]+)?"), "PublicBody", False),
    (re.compile(r"\bdirection generale (?:de la |de l'|du |des )[a-z-]+"), "PublicBody", False),
    (re.compile(r"\bcommission (?:de la |de l'|du |des )[a-z-]+"), "PublicBody", False),
    (re.compile(r"\bconseil (?:regional|general|departemental) (?:de la |de l'|du |des |d'|de )[a-z-]+"), "PublicBody", False),
    (re.compile(r"\bloi (?:de programmation|d'orientation|de finances|de programmation de la recherche) [a-z]+(?: \d{4}(?:-\d{4})?)?"), "Programme", False),
    (re.compile(r"\bgouvernement\b"), "PublicBody", False),
    (re.compile(r"\b(?:etat|region|parlement|senat|assemblee nationale)\b"), "PublicBody", True),
    (re.compile(r"\bphase (?:i|ii|iii|iv|v|vi|vii|viii)\b(?: des poles de competitivite)?"), "Programme", "numeral"),
    (re.compile(r"\bpalais des congres (?:de |d')[a-z-]+"), "Place", False),
    (re.compile(r"(?<=de la )region [a-z-]+\b"), "PublicBody", "role"),
]
_ROLE_BEFORE = re.compile(r"(?:president|presidente|conseil|elu|elue)[\w\s,'-]{0,30}de la $")


def find_mentions(text: str, v: str, f: str, start: int, end: int, ents, gaz: Gazetteer) -> list[Mention]:
    """Candidate mentions of ``text[start:end]`` (``v``: :func:`view`, ``f``: :func:`flat` of it).

    ``ents`` are (start, end, label) spans from spaCy's NER, offsets into ``text``.
    """
    cands: list[tuple[int, Mention]] = []   # (priority, mention)

    for m in gaz.find(v, start, end):
        # a known domain word inside a longer name ("procédés laser") is not that domain
        cands.append((1.5 if m.entry.type == "Domain" else 0, Mention(m.start, m.end, text[m.start:m.end], m.entry.type, "gazetteer", 5,
                                 0.95, entry=m.entry)))

    for rx, t, needs in _INSTITUTIONS:
        for m in rx.finditer(f, start, end):
            s, e = m.span()
            surface = v[s:e]
            if needs is True and not is_capitalised(surface):
                continue
            if needs == "numeral" and not re.search(r"\b[IVX]+\b", surface):
                continue
            if needs == "role" and not _ROLE_BEFORE.search(f[max(0, s - 60):s]):
                continue
            if needs == "role" and not is_capitalised(surface.split()[-1]):
                continue
            cands.append((0, Mention(s, e, text[s:e], t, "pattern:institution", 4, 0.8)))

    for s, e, label in ents:
        for s2, e2 in _clean_ner(v, f, s, e, label):
            cands.append((2, Mention(s2, e2, text[s2:e2], None, f"ner:{label}", 1, 0.6, ner=label)))

    cands.extend((1, m) for m in _parentheses(text, v, f, start, end, [c[1] for c in cands]))
    cands.extend((1, m) for m in _quoted_names(text, v, f, start, end))
    cands.extend((1, m) for m in _colon_list_items(text, v, f, start, end))

    places = [(c[1].start, c[1].end) for c in cands if c[1].ner == "LOC" or c[1].type == "Place"]
    ner_spans = [(c[1].start, c[1].end) for c in cands if c[1].ner]
    cands.extend((1, m) for m in _descriptor_names(text, v, f, [c[1] for c in cands if c[0] == 0], start, end, places,
                                                   ner_spans))
    cands.extend((2.5, m) for m in _acronyms(text, v, start, end))
    cands.extend((1, m) for m in _described_programmes(text, v, f, start, end))
    mentions = _resolve_overlaps(cands)
    mentions.sort(key=lambda m: m.start)
    for m in mentions:
        _type(m, text, v, f)
    mentions = [m for m in mentions if not _furniture(m, v)]
    _propagate_list_types(v, f, mentions)
    return mentions


def _furniture(m: Mention, v: str) -> bool:
    """Page furniture and common words that NER or patterns took for names."""
    key = fold(m.text)
    if m.entry is not None:
        return False
    if key in lx.NOT_NAMES or re.fullmatch(r"(?:axe|phase|etape|article|partie|chapitre|page|annexe|n|numero|tome) ?[\divx]*", key):
        return m.rule != "pattern:institution"
    words = v[m.start:m.end].split()
    if len(words) == 1 and (key in lx.NAME_HEADS or key.rstrip("sx") in lx.NAME_HEADS) and m.rule != "pattern:institution":
        return True      # a bare typing noun: "le Pôle", "l'Institut"
    if len(words) >= 2 and all(w.isupper() or not w.isalpha() for w in words) and any(
            w in ("DE", "LA", "DES", "DU", "ET", "LE", "LES", "&") for w in words):
        return True      # an upper-case heading
    if len(words) == 1 and words[0].isalpha() and words[0].isupper() and len(words[0]) > 7:
        return True
    if m.ner and any(w.lower() in ("un", "une") for w in words):
        return True      # a clause, not a name: "Offrir un ensemble de services"
    if re.match(r"[A-Z]{4,}[a-z]", words[0]):
        return True      # a heading glued to the text: "INNOVATIONSUn pôle"
    line_start = v.rfind("\n", 0, m.start) + 1
    line_end = v.find("\n", m.end)
    line = v[line_start:line_end if line_end >= 0 else len(v)].strip(" .…!?:")
    if m.ner and line == v[m.start:m.end] and sum(1 for w in words if w[:1].islower()) >= 2:
        return True      # a heading line: "Technologies quantiques en vedette"
    return False


# -- candidates ------------------------------------------------------------------------------
def _clean_ner(v: str, f: str, s: int, e: int, label: str):
    """Split a NER span at line breaks and dashes between names; trim articles and punctuation."""
    pieces = []
    pos = s
    for m in re.finditer(r"\n|\s[-–—]\s|\s*[«»\"]\s*", v[s:e]):
        pieces.append((pos, s + m.start()))
        pos = s + m.end()
    pieces.append((pos, e))
    for a, b in pieces:
        while a < b and not v[a].isalnum():
            a += 1
        while b > a and not (v[b - 1].isalnum() or v[b - 1] in ")"):
            b -= 1
        if b - a < 2:
            continue
        # drop leading determiners and lower-case words: "l'université X" keeps "université X"
        changed = True
        while changed and a < b:
            changed = False
            m = _LEADING_DETERMINER.match(v[a:b])
            if m and m.end() < b - a:
                a += m.end()
                changed = True
                continue
            w = _WORD.match(v, a)
            if w and w.end() < b and not is_capitalised(w.group()) and not _HEAD_START.match(f[a:b]):
                nxt = v[w.end():b].lstrip()
                a = b - len(nxt)
                changed = True
        # "Actualités de Photonics France", "Projet DEFI": page words and descriptors before a name
        w = _WORD.match(v, a)
        if w and w.end() < b and fold(w.group()) in lx.NOT_NAMES:
            rest = re.match(r"\s+(?:de|des|du|d'|de la)\s*", v[w.end():b])
            if rest and w.end() + rest.end() < b and v[w.end() + rest.end()].isupper():
                a = w.end() + rest.end()
        elif w and w.end() < b and fold(w.group()) in lx.DESCRIPTORS and w.group()[:1].islower():
            rest = re.match(r"\s+", v[w.end():b])
            if rest and w.end() + rest.end() < b and v[w.end() + rest.end()].isupper():
                a = w.end() + rest.end()
        if re.match(r"ex-", f[a:b]) and b - a > 4:
            a += 3      # "(Ex-Aquitaine)": the former name or région
        # a role before the name: "Directeur du CESTA"
        m = re.match(r"(?:" + _alternation(lx.MANAGER_ROLES) + r")\s+(?:de la |de l'|du |des |de |d'|of )", f[a:b])
        if m and m.end() < b - a:
            a += m.end()
        if b - a < 2 or not any(c.isupper() for c in v[a:b]) and not _HEAD_START.match(f[a:b]):
            continue
        yield a, b


def _word_before(v: str, pos: int) -> str:
    m = re.search(r"([\w'-]+)\s*$", v[max(0, pos - 40):pos])
    return m.group(1) if m else ""


def _chunk_name(v: str, pos: int, limit: int) -> tuple[int, int] | None:
    """A capitalised name starting at ``pos``: capitalised words joined by connectors."""
    m = re.compile(r"\s*[«\"]?\s*").match(v, pos)
    pos = m.end()
    words = []
    for w in _WORD.finditer(v, pos, limit):
        gap = v[(words[-1].end() if words else pos):w.start()]
        if gap.strip() not in ("", "&") or "\n" in gap:
            break
        words.append(w)
        if len(words) > 10:
            break
    out_end = None
    i = 0
    while i < len(words):
        word = words[i].group()
        core = word.split("'", 1)[1] if "'" in word and word.split("'", 1)[0].lower() in ("d", "l") else word
        if is_capitalised(core) and (i > 0 or fold(word) not in lx.NOT_NAMES | {"le", "la", "les"}) or (i == 0 and word[0].isdigit()):
            out_end = words[i].end()
            i += 1
            continue
        if i > 0 and word.lower() in lx.NAME_CONNECTORS and not (word.lower() in ("et", "&", "ou") and i == 1):
            j = i
            while j < len(words) and words[j].group().lower() in lx.NAME_CONNECTORS:
                j += 1
            if j < len(words) and words[j].group()[:1].isupper():
                i = j
                continue
        break
    if out_end is None:
        return None
    return words[0].start(), out_end


def _descriptor_names(text, v, f, mentions, start, end, places=(), ner_spans=()):
    """Names right after a descriptor that no other candidate covers: "la société Keopsys".

    A place ending the chunk is left out: "salon Optics Valley of China de Wuhan".
    """
    covered = [(m.start, m.end) for m in mentions]
    out = []
    rx = re.compile(r"(?:^|(?<=[\s'(\"«]))(?:" + _alternation(k for k, (t, a) in lx.DESCRIPTORS.items()
                                                     if t not in ("Person",)) + r")\s+(?:[«\"]\s*)?")
    for m in rx.finditer(f, start, end):
        pos = m.end()
        if not v[pos:pos + 1].isupper() and not v[pos:pos + 1].isdigit():
            continue
        span = _chunk_name(v, pos, end)
        if not span:
            continue
        s, e = span
        desc_key = " ".join(re.split(r"[\s'-]+", f[m.start():pos].strip(" «\"")))
        core = None
        if v[m.start():m.start() + 1].isupper() and desc_key in lx.NAME_HEADS:
            core = (s, e)
            s = m.start()          # "Laboratoire Charles Fabry", "Pôle Avenia": the noun is part of the name
        for a, b in ner_spans:     # "le pôle Solutions communicantes sécurisées": NER knows where it ends
            if a <= s < b and b > e and not re.search(r"[,;:.()«»\"\n]", v[e:b]):
                e = b
        tail = re.search(r"\s(?:de |d')\s*([^\s']+)$", v[s:e])
        if tail and any(a == s + tail.start(1) and b == e for a, b in places):
            e = s + tail.start()
        if any(a < e and s < b for a, b in covered):
            continue
        if fold(v[s:e]) in lx.NOT_NAMES:
            continue
        mention = Mention(s, e, text[s:e], None, "pattern:descriptor", 1, 0.7)
        if core:
            mention.core = text[core[0]:e]
        out.append(mention)
        covered.append((s, e))
    return out


_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9&-]{1,7}(?![\w-])")


def _acronyms(text, v, start, end):
    """Capitalised acronyms NER missed ("la DGA", "l'ENS Rennes"), with a capitalised word after them."""
    out = []
    for m in _ACRONYM.finditer(v, start, end):
        if not is_acronym(m.group()) or fold(m.group()) in lx.NOT_NAMES:
            continue
        line_start = v.rfind("\n", 0, m.start()) + 1
        line_end = v.find("\n", m.end())
        line = v[line_start:line_end if line_end >= 0 else end]
        if sum(1 for c in line if c.isupper()) > 0.6 * sum(1 for c in line if c.isalpha()):
            continue    # an upper-case heading
        span = _chunk_name(v, m.start(), min(end, m.end() + 40))
        s, e = span if span and span[0] == m.start() else (m.start(), m.end())
        out.append(Mention(s, e, text[s:e], None, "pattern:acronym", 1, 0.6))
    return out


def _parentheses(text, v, f, start, end, others):
    """Acronym expansions: "Laser Mégajoule (LMJ)", "CNOP (Comité National d'Optique...)"."""
    out = []
    for m in re.finditer(r"\(\s*([^()\n]{1,120}?)\s*\)", v[start:end]):
        s_in, e_in = start + m.start(1), start + m.end(1)
        inner = v[s_in:e_in]
        low = f[s_in:e_in]
        if re.match(r"^(?:voir|source|cf|dont|soit|hors|ex\b|\d)", low) and not low.startswith("ex-"):
            continue
        if "," in inner or ";" in inner or len(inner.split()) > 14:
            continue
        # "RLH pour « Route des Lasers et des Hyperfréquences »"
        pm = re.match(r"^(\S+) pour [«\"]\s*(.+?)\s*[»\"]$", inner)
        if pm:
            s2 = s_in + pm.start(2)
            e2 = s_in + pm.end(2)
            out.append(Mention(s2, e2, text[s2:e2], None, "pattern:expansion", 1, 0.8))
            continue
        if low.startswith("ex-") and len(inner) > 4:
            # "(Ex-Aquitaine)": a former région or a former name (grouped, or placed, later)
            out.append(Mention(s_in + 3, e_in, text[s_in + 3:e_in], None, "pattern:former", 1, 0.7))
            continue
        if low.startswith("anciennement "):
            continue
        if not (is_acronym(inner) or is_capitalised(inner)):
            continue
        out.append(Mention(s_in, e_in, text[s_in:e_in], None, "pattern:parenthesis", 1, 0.8))
    return out


def _quoted_names(text, v, f, start, end):
    """A capitalised name in quotes after a programme-like descriptor: appel à projets « X »."""
    out = []
    rx = re.compile(r"(?:appel a projets(?: national| europeen| regional)?|appel a candidatures|programme|projet|"
                    r"salon|concours|label|initiative|poles?|aux couleurs de)\s*[«\"]\s*(?P<name>[^«»\"\n]{3,120}?)\s*[»\"]")
    for m in rx.finditer(f, start, end):
        s, e = m.span("name")
        if not is_capitalised(v[s:e]):
            continue
        head = m.group().split()[0]
        t = {"appel": "Programme", "programme": "Programme", "projet": "Programme", "initiative": "Programme",
             "label": "Programme", "salon": "Event", "concours": "Event"}.get(head)
        out.append(Mention(s, e, text[s:e], t, "pattern:quoted", 3 if t else 1, 0.75))
    return out


_LAUNCHED = re.compile(r"\b(?:lance|cree|initie|monte|lancent|creent) (?:un |une |le |la )?(?P<name>(?:programme|projet|plan|fonds|appel a projets|consortium|laboratoire commun) "
                       r"(?:[a-z0-9'-]+ ){1,12}?(?:[«\"][^»\"\n]{1,40}[»\"])?)(?=\s+(?:a|au|en|le|avec|pour|dans|des|depuis)\s|\s*[,.;]|$)")


def _described_programmes(text, v, f, start, end):
    """A programme named by its description: "a lancé un programme commun de développement ...»"."""
    out = []
    for m in _LAUNCHED.finditer(f, start, end):
        s, e = m.span("name")
        if len(v[s:e].split()) < 3:
            continue
        out.append(Mention(s, e, text[s:e], "Programme", "pattern:launched", 3, 0.6))
    return out


_COLON_HEAD = re.compile(r"(?P<head>poles de competitivite|poles|clusters|societes|entreprises|groupes|laboratoires|"
                         r"partenaires|membres|adherents|laureats|universites|ecoles)\b[^:.\n]{0,80}:\s*$")


def _colon_list_items(text, v, f, start, end):
    """Items of "N pôles de compétitivité sont labellisés ... : A, B, C": capitalised names."""
    out = []
    for m in re.finditer(r":", f[start:end]):
        colon = start + m.start()
        line_start = f.rfind("\n", start, colon) + 1
        hm = _COLON_HEAD.search(f, line_start, colon + 1)
        if not hm:
            continue
        head = hm.group("head")
        head_type = ("Cluster" if head.startswith(("pole", "cluster")) else "Firm" if head in ("societes", "entreprises", "groupes")
                     else "ResearchLab" if head == "laboratoires" else "University" if head in ("universites", "ecoles") else None)
        stop = len(v)
        for rx in (r"\.(?:\s|$)", r"\n"):
            mm = re.compile(rx).search(v, colon + 1, end)
            if mm:
                stop = min(stop, mm.start())
        segment_start = colon + 1
        for item in re.finditer(r"[^,]+", v[segment_start:stop]):
            s, e = segment_start + item.start(), segment_start + item.end()
            raw = v[s:e]
            raw = re.sub(r"\s*\([^)]*\)?\s*$", "", raw)        # "(voir article ...)"
            raw = re.sub(r"^\s*et\s+", " ", raw)
            lead = len(raw) - len(raw.lstrip())
            s2, e2 = s + lead, s + len(raw.rstrip())
            if e2 - s2 < 2 or not any(c.isupper() for c in v[s2:e2]) or len(v[s2:e2].split()) > 6:
                continue
            if len(v[s2:e2]) < 4 and not is_acronym(v[s2:e2]):
                continue
            out.append(Mention(s2, e2, text[s2:e2], head_type, "pattern:list", 2.5 if head_type else 1, 0.7))
    return out


def _resolve_overlaps(cands: list[tuple[int, Mention]]) -> list[Mention]:
    """Keep non-overlapping candidates: the store first, then patterns, then NER; longer first."""
    import bisect

    cands.sort(key=lambda c: (c[0], -(c[1].end - c[1].start), c[1].start))
    kept: list[Mention] = []
    starts: list[int] = []      # kept spans never overlap: sorted by start, checked by bisection
    ordered: list[Mention] = []
    for prio, m in cands:
        i = bisect.bisect_left(starts, m.end)
        clash = [k for k in ordered[max(0, i - 2):i + 1] if k.start < m.end and m.start < k.end]
        if not clash:
            kept.append(m)
            j = bisect.bisect_left(starts, m.start)
            starts.insert(j, m.start)
            ordered.insert(j, m)
            continue
        # a NER span exactly covering a kept span adds its label
        for k in clash:
            if k.start == m.start and k.end == m.end and m.ner and not k.ner:
                k.ner = m.ner
    return kept


# -- typing ----------------------------------------------------------------------------------
def _set(m: Mention, t: str, strength: float, rule: str | None = None):
    if t and strength > m.strength or m.type is None and t:
        m.type, m.strength = t, max(strength, m.strength if m.type else 0)
        if rule:
            m.rule = rule if m.rule.startswith("ner") or m.rule == "pattern:descriptor" else m.rule


def _type(m: Mention, text: str, v: str, f: str) -> None:
    if m.entry is not None:
        m.type, m.strength = m.entry.type, 5
        d = _DESC_BEFORE.search(f[max(0, m.start - 60):m.start])
        if d:    # remember "pôle de compétitivité" before a known name, for anaphora and aliases
            ds = max(0, m.start - 60) + d.start("desc")
            key = " ".join(re.split(r"[\s'-]+", d.group("desc")))
            m.desc, m.desc_start = squash(text[ds:max(0, m.start - 60) + d.end("desc")]), ds
            m.desc_alias = lx.DESCRIPTORS.get(key, (None, False))[1] and not d.group("adj")
        return
    name_flat = f[m.start:m.end]
    # 4: a typing noun opens the name
    h = _HEAD_START.match(name_flat)
    if h and m.type is None:
        key = " ".join(re.split(r"[\s'-]+", h.group()))
        t = lx.NAME_HEADS.get(key)
        if t and not (len(tokens(name_flat)) == 1 and not is_capitalised(v[m.start:m.end])):
            if len(tokens(name_flat)) > 1 or t in ("PublicBody",):
                _set(m, t, 4)
    # 3: a descriptor before the name
    before = f[max(0, m.start - 60):m.start]
    d = _DESC_BEFORE.search(before)
    if d:
        key = " ".join(re.split(r"[\s'-]+", d.group("desc")))
        t, alias = lx.DESCRIPTORS.get(key, (None, False))
        if t:
            _set(m, t, 3)
            ds = max(0, m.start - 60) + d.start("desc")
            m.desc = squash(text[ds:max(0, m.start - 60) + d.end("desc")])
            m.desc_start = ds
            m.desc_alias = (alias or text[ds:ds + 1].isupper()) and not d.group("adj")
    # 3: an apposition after the name: "Alphanov, un centre technologique" (not after "à Rennes,")
    a = _APPOSITION.match(f, m.end, min(len(f), m.end + 80))
    if a and _LOCATIVE.search(before) and m.ner in (None, "LOC") and m.strength < 4:
        a = None
    if a:
        key = " ".join(re.split(r"[\s'-]+", a.group("head")))
        t = lx.APPOSITIONS.get(key)
        if t and m.strength < 3:
            _set(m, t, 3)
    # legal form after the name
    lf = re.match(r"\s*,?\s*([A-Za-z]{2,5})\b", v[m.end:m.end + 8])
    if lf and lf.group(1).lower() in lx.LEGAL_FORMS and lf.group(1).isupper():
        _set(m, "Firm", 3)
    # 2: context
    if m.strength < 2:
        if re.search(r"\bchez\s+$|\b(?:site|usine|siege|etablissement|filiale|actionnaires?|dirigeants?|salaries) (?:de |d')$", before):
            _set(m, "Firm", 2)
        elif re.search(r"\b(?:affiliee?s?|adherente?s?|membres?)\s+(?:a la |a l'|au |aux |de la |du |des |de l'|a |de )$", before) and m.ner != "PER":
            _set(m, "Association", 2)
        elif _LOCATIVE.search(before) and m.ner in (None, "LOC") and m.type in (None, "Place"):
            _set(m, "Place", 2)
    # a former région: "La Route des Lasers (Ex-Aquitaine)"
    if m.type is None and m.rule == "pattern:former" and len(v[m.start:m.end].split()) == 1 and m.ner != "ORG":
        _set(m, "Place", 1.5)
    # 1: the NER label
    if m.type is None:
        words = v[m.start:m.end].split()
        if m.ner == "PER" and len(words) >= 2 and all(w[0].isupper() or w.lower() in ("de", "le", "la", "du", "van", "von")
                                                    for w in words):
            _set(m, "Person", 1)
        elif m.ner == "LOC":
            _set(m, "Place", 1)
        elif m.ner == "ORG":
            _set(m, "Firm", 1)
        elif m.ner == "MISC" and is_acronym(v[m.start:m.end]):
            _set(m, "Firm", 0.5)
        elif m.rule in ("pattern:parenthesis", "pattern:expansion", "pattern:quoted"):
            _set(m, "Firm", 0.5)


def _propagate_list_types(v: str, f: str, mentions: list[Mention]) -> None:
    """Names listed together share the type of the list's descriptor or of its best-typed item."""
    i = 0
    while i < len(mentions):
        j = i
        while j + 1 < len(mentions) and re.fullmatch(r"\s*(?:,|,?\s*et|,?\s*ou)\s*(?:l'|le |la |les )?",
                                                      v[mentions[j].end:mentions[j + 1].start]):
            j += 1
        joined = [v[mentions[k].end:mentions[k + 1].start] for k in range(i, j)]
        if j > i and not any(re.search(r"\b(?:et|ou)\b", x) for x in joined) and not all(
                m.rule == "pattern:list" for m in mentions[i:j + 1]):
            j = i     # "de l'ENS Rennes, Cailabs illustre": a comma alone does not make a list
        if j > i:
            group = mentions[i:j + 1]
            head = next((m for m in group if m.desc and m.strength >= 3), None)
            if head is not None:
                for m in group:
                    if m.strength < 3 and m.type != "Person":
                        m.type, m.strength = head.type, 2.5
            else:
                best = max(group, key=lambda m: m.strength)
                if best.strength >= 2 and best.type not in ("Person", "Place", "Domain"):
                    for m in group:
                        if m.strength < 2:
                            m.type, m.strength = best.type, 2
        i = j + 1
