"""Relations from trigger patterns over sentences.

Each sentence is rewritten as a *skeleton*: its flat text (lower case, no accents) where every
entity mention becomes ``⟦k⟧``, so a rule is a readable regular expression such as
``⟦s⟧, porte par (le )?⟦o⟧`` ("X, porté par le Y": Y ownerOf X). Matches are mapped back to
offsets in the original text: every relation carries the exact span that states it.

Nominal anaphora ("le pôle", "la société", "celle-ci") are resolved to the closest preceding
entity of a compatible type; "nous"/"notre" to the organisation the document is mostly about.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from photonics_kg.extraction import lexicon as lx
from photonics_kg.extraction.textutil import fold, squash

ORG = {"Firm", "Cluster", "ResearchLab", "University", "PublicBody", "Association"}
ACTOR = ORG | {"Programme", "Event"}
E = r"⟦(\d+)⟧"
ART = r"(?:(?:de la|a la|les|le|la|du|des|de|aux|au|a|the)\s+)?(?:l'|d')?\s*"
YEAR = r"(?:19|20)\d\d"
_ANAPHOR = re.compile(r"\b(?:(?:du|de la|de l'|au|a la|a l')\s*|(?:le|la|l'|ce|cette|cet)\s*)(?:nouvel(?:le)? |nouveau |meme |jeune |petit |petite )?"
                      r"(pole|cluster|groupe|societe|entreprise|association|institution|laboratoire|structure|entite|"
                      r"federation|syndicat|acquereur|start-up|startup|fabricant|industriel)\b")
_PRONOUN = re.compile(r"\b(celle-ci|celui-ci)\b")
_ANAPHOR_TYPES = {
    "pole": ("Cluster", "Association"), "cluster": ("Cluster",), "groupe": ("Firm",), "societe": ("Firm",),
    "entreprise": ("Firm",), "acquereur": ("Firm",), "start-up": ("Firm",), "startup": ("Firm",),
    "fabricant": ("Firm",), "industriel": ("Firm",), "association": ("Association", "Cluster"),
    "federation": ("Association",), "syndicat": ("Association",), "laboratoire": ("ResearchLab",),
    "institution": tuple(ORG), "structure": tuple(ORG), "entite": tuple(ORG),
}
_MONTHS = "|".join(lx.MONTHS)


@dataclass
class Slot:
    entity: int
    type: str
    start: int            #: where the slot starts in the text (its descriptor, if any: "le pôle Optitec")
    end: int
    anaphor: bool = False
    name_start: int = -1  #: where the name itself starts


@dataclass
class Sentence:
    start: int
    end: int
    skel: str
    s_pos: list[int]
    e_pos: list[int]
    slots: list[Slot]

    def span(self, a: int, b: int) -> tuple[int, int]:
        b = max(a + 1, b)
        return self.s_pos[a], self.e_pos[b - 1]

    def slot(self, m: re.Match, group) -> Slot:
        return self.slots[int(m.group(group))]


def split_sentences(v: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``v[start:end]``: at line breaks and at . ! ? followed by a capital."""
    out, pos = [], start
    rx = re.compile(r"\n+|(?<=[.!?…])[\"»]?\s+(?=[«\"(\[A-ZÉÈÀÂÎÔÛÇ0-9])")
    for m in rx.finditer(v, start, end):
        if m.group().strip() and "\n" not in m.group():
            continue
        before = v[max(start, m.start() - 4):m.start()]
        if re.search(r"(?:\b[A-Z]|\bM|\bMme|\bDr|\bSt|\bMr|\bPr|\bcf|\bn°)\.$", before):
            continue
        if pos < m.start():
            out.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        out.append((pos, end))
    return [(a, b) for a, b in out if v[a:b].strip()]


class _Doc:
    """What rules need about the document: text views, entities, anaphora, the topic."""

    def __init__(self, text, v, f, start, end, mentions, by_mention, entities):
        self.text, self.v, self.f = text, v, f
        self.entities = {e.id: e for e in entities}
        self.entity_list = entities
        self.types = {e.id: e.type for e in entities}
        self.slots: list[Slot] = []
        for m in sorted((m for m in mentions if id(m) in by_mention), key=lambda m: m.start):
            first = m.start
            if m.desc_start is not None and not re.search(r"[,;.:()«»\"]|\b(?:et|ou)\b", f[m.desc_start:m.start]):
                first = m.desc_start
            if self.slots and first < self.slots[-1].end:
                first = m.start
            self.slots.append(Slot(by_mention[id(m)], self.types[by_mention[id(m)]], first, m.end, name_start=m.start))
        self._add_anaphora(start, end)
        counts = Counter(s.entity for s in self.slots if not s.anaphor and s.type in ORG | {"Programme"})
        self.topic = None
        if counts:
            top = max(counts.values())
            self.topic = next(s.entity for s in self.slots if counts.get(s.entity) == top and not s.anaphor)
        self._starts = [s.start for s in self.slots]
        self.sentences = [self._sentence(a, b) for a, b in split_sentences(v, start, end)]
        self.places = {e.id: fold(e.label) for e in entities if e.type == "Place"}
        self.demonyms = [(m, by_mention[id(m)]) for m in mentions if id(m) in by_mention and m.desc]
        self.next_id = max((e.id for e in entities), default=-1) + 1

    def _add_anaphora(self, start, end):
        self._starts = [s.start for s in self.slots]
        taken = [(s.start, s.end) for s in self.slots]
        found = []
        for rx in (_ANAPHOR, _PRONOUN):
            for m in rx.finditer(self.f, start, end):
                s, e = m.span()
                if self._taken(taken, s, e):
                    continue
                after = self.v[e:e + 3].lstrip(" «\"")
                if after[:1].isupper() or after[:1].isdigit():
                    continue    # a descriptor before a name, not an anaphor
                ext = re.match(r"\s+(?:de competitivite|d'entreprises|de recherche)\b", self.f[e:e + 30])
                if ext and rx is _ANAPHOR:
                    e = e + ext.end()
                    after = self.v[e:e + 3].lstrip(" «\"")
                    if after[:1].isupper() or after[:1].isdigit() or self._taken(taken, s, e):
                        continue
                noun = m.group(1)
                wanted = _ANAPHOR_TYPES.get(noun, tuple(ORG))
                prep = re.match(r"(?:du|de la|de l'|au|a la|a l')\s*", self.f[s:e])
                if prep:
                    s += prep.end()
                target = self._antecedent(s, wanted, noun)
                if target is None:
                    target = self._postcedent(e, noun)
                if target is not None:
                    found.append(Slot(target, self.types[target], s, e, anaphor=True, name_start=s))
                else:   # "le groupe" with nothing to refer to: rules must not look past it
                    found.append(Slot(-1, "Unresolved", s, e, anaphor=True, name_start=s))
        self.slots = sorted(self.slots + found, key=lambda x: x.start)

    def _taken(self, taken, s, e):
        import bisect

        i = bisect.bisect_left(self._starts, e)
        return any(a < e and s < b for a, b in taken[max(0, i - 3):i])

    def _before(self, pos, window=300):
        """Slots ending before ``pos``, closest first (at most ``window`` of them)."""
        import bisect

        i = bisect.bisect_left(self._starts, pos)
        return [s for s in reversed(self.slots[max(0, i - window):i]) if s.start < pos]

    def _antecedent(self, pos, wanted, noun):
        """The closest entity before ``pos`` of a wanted type; for "le pôle", one called a pôle first."""
        best = named = None
        for s in reversed(self._before(pos)):
            if s.anaphor:
                continue
            e = self.entities.get(s.entity)
            if self.v[max(0, s.start - 1):s.start] == "(" and self.v[s.end:s.end + 1] == ")":
                continue    # "(BFM Bourse)": an attribution, not what the text talks about
            if s.type in wanted:
                best = s.entity
            if e is not None and noun in ("pole", "cluster", "laboratoire", "association", "groupe", "societe") and (
                    any(noun in fold(n).split() for n in e.names())
                    or any(m.desc and noun in fold(m.desc).split() for m in e.mentions)):
                named = s.entity
        return named if named is not None else best

    def _postcedent(self, pos, noun):
        """"Né en Paca, le pôle de compétitivité ... le pôle Optitec": a later entity called so."""
        import bisect

        i = bisect.bisect_left(self._starts, pos)
        for s in self.slots[i:i + 300]:
            if s.anaphor:
                continue
            e = self.entities.get(s.entity)
            if e is not None and (any(m.desc and noun in fold(m.desc).split() for m in e.mentions)
                                  or any(noun in fold(n).split() for n in e.names())):
                return s.entity
        return None

    def _sentence(self, a, b) -> Sentence:
        import bisect

        i = bisect.bisect_left(self._starts, a)
        j = bisect.bisect_left(self._starts, b)
        slots = [s for s in self.slots[i:j] if s.end <= b]
        skel, sp, ep, out_slots = [], [], [], []
        i = a
        k = 0
        while i < b:
            if k < len(slots) and slots[k].start == i:
                s = slots[k]
                token = f"⟦{len(out_slots)}⟧"
                out_slots.append(s)
                skel.append(token)
                sp.extend([s.start] * len(token))
                ep.extend([s.end] * len(token))
                i = s.end
                k += 1
                # a parenthesis after a mention restating it is dropped: "Laser Mégajoule (LMJ)"
                pm = re.match(r"\s*\([^()]*\)", self.v[i:b])
                if pm:
                    inner = [x for x in slots[k:] if x.start < i + pm.end()]
                    if all(x.entity == s.entity for x in inner) and not re.match(r"\s*\(\s*ex-", self.f[i:i + 8]):
                        k += len(inner)
                        i += pm.end()
                continue
            if k < len(slots) and slots[k].start < i:   # overlapping anaphor: skip it
                k += 1
                continue
            skel.append(self.f[i])
            sp.append(i)
            ep.append(i + 1)
            i += 1
        return Sentence(a, b, "".join(skel), sp, ep, out_slots)

    # -- new entities for literal-like objects (domains) -------------------------------------
    def domain(self, start: int, end: int) -> int | None:
        label = squash(self.text[start:end]).strip(" ,;:.")
        key = fold(label)
        if not key or len(key) < 3 or len(label.split()) > 6:
            return None
        for e in self.entity_list:
            if e.type == "Domain" and key in {fold(n) for n in e.names()}:
                e.spans.append((start, end))
                return e.id
        for e in self.entity_list:
            if (start, end) in e.spans and e.linked is None and max(m.strength for m in e.mentions) < 3:
                e.type = "Domain"
                self.types[e.id] = "Domain"
                return e.id
        from photonics_kg import iri as iris
        from photonics_kg.extraction.pipeline import ExtractedEntity

        e = ExtractedEntity(self.next_id, label, "Domain", [], [(start, end)], 0.6, "pattern:domain",
                            str(iris.entity_iri("Domain", label)))
        self.next_id += 1
        self.entity_list.append(e)
        self.entities[e.id] = e
        self.types[e.id] = "Domain"
        return e.id


def _date(text: str) -> str | None:
    """A full date (``le 15 juin 2011``) or the first year of ``text``."""
    m = re.search(r"\b(\d{1,2})(?:er)? (" + _MONTHS + r") (" + YEAR + r")\b", text)
    if m:
        return f"{m.group(3)}-{lx.MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"
    m = re.search(r"(?<![\d-])(" + YEAR + r")(?![\d])", text)
    return m.group(1) if m else None


def find_relations(text, v, f, start, end, mentions, by_mention, entities):
    """All relations of one document (entity ids of ``entities``; new domain entities are appended)."""
    from photonics_kg.extraction.pipeline import ExtractedRelation

    doc = _Doc(text, v, f, start, end, mentions, by_mention, entities)
    out: list[ExtractedRelation] = []

    def add(s, p, o, a, b, sent: Sentence, rule, conf=0.7, date=None, role=None, share=None, dated=False):
        if s is None or o is None:
            return
        qs, qe = sent.span(a, b) if sent is not None else (a, b)
        if dated and date is None:
            date = _date(f[qs:qe]) or _date(f[sent.start:sent.end] if sent else "")
        out.append(ExtractedRelation(s, p, o, qs, qe, "", rule, conf, date=date, role=role, share=share))

    for sent in doc.sentences:
        for rule in RULES:
            rule(doc, sent, add)
    _document_rules(doc, add)
    return out


# -- helpers over a sentence ---------------------------------------------------------------------
def _ents_in(sent: Sentence, a: int, b: int):
    return [(m, sent.slots[int(m.group(1))]) for m in re.finditer(E, sent.skel[a:b])]


def _list_after(sent: Sentence, pos: int, limit: int | None = None, loose: bool = False):
    """Entities listed from ``pos``: "⟦1⟧, ⟦2⟧ et ⟦3⟧" (loose: appositions allowed between items)."""
    out = []
    limit = len(sent.skel) if limit is None else limit
    tail = r"(?:\s*[»\"])?(?:\s*\([^()]*\))?"
    sep = (tail + r"\s*(?:,\s*(?:[^⟦.;:]{0,70}?,\s*)?(?:et\s+)?|\s+et\s+|\s+ou\s+)" + ART if loose else
           tail + r"\s*(?:,\s*(?:et\s+)?|\s+et\s+|\s+ou\s+)" + ART)
    m = re.compile(r"\s*" + ART + r"(?:[a-z]+\s+){0,1}?[«\"]?\s*" + E).match(sent.skel, pos, limit)
    if not m:
        return out, pos
    out.append(sent.slot(m, 1))
    last = m.end()
    while True:
        m = re.compile(sep + r"(?:[a-z]+\s+)?[«\"]?\s*" + E).match(sent.skel, last, limit)
        if not m:
            break
        out.append(sent.slot(m, 1))
        last = m.end()
    return out, last


def _list_before(sent: Sentence, pos: int):
    """Entities listed just before ``pos`` (last first in the text order returned)."""
    out = []
    m = re.compile(r"(?:" + E + r"\s*(?:,\s*|\s+et\s+|\s+ou\s+)" + ART + r")*" + E + r"\s*$").search(sent.skel[:pos])
    if not m:
        return out, pos
    for mm in re.finditer(E, m.group()):
        out.append(sent.slots[int(mm.group(1))])
    if len(out) > 1 and not re.search(r"\s(?:et|ou)\s", m.group()):
        return out[-1:], m.end() - len(re.search(E + r"\s*$", m.group()).group())   # "de l'UE, la BEI": not a list
    return out, m.start()


def _nearest_before(sent: Sentence, pos: int, types, skip=()):
    found = None
    for m in re.finditer(E, sent.skel[:pos]):
        s = sent.slots[int(m.group(1))]
        if s.type == "Unresolved":
            found = None       # an anaphor we could not resolve hides what comes before it
        elif s.type in types and s.entity not in skip:
            found = (m, s)
    return found


def _first_before(sent: Sentence, pos: int, types, skip=()):
    """The sentence's first entity of these types before ``pos``: its subject, usually."""
    for m in re.finditer(E, sent.skel[:pos]):
        s = sent.slots[int(m.group(1))]
        if s.type in types and s.entity not in skip:
            return m, s
    return None


def _first_after(sent: Sentence, pos: int, types, limit=None):
    for m in re.finditer(E, sent.skel[pos:limit]):
        s = sent.slots[int(m.group(1))]
        if s.type in types:
            return pos + m.start(), pos + m.end(), s
    return None


# -- the rules -------------------------------------------------------------------------------------
def r_owner_carried(doc, sent, add):
    for m in re.finditer(E + r"[^⟦.;]{0,40}?\bportee?s? par " + ART + r"(?:[a-z]+ )?" + E, sent.skel):
        s, o = sent.slot(m, 2), sent.slot(m, 1)
        if s.type in ORG and o.type in ACTOR:
            add(s.entity, "ownerOf", o.entity, m.start(), m.end(), sent, "carried-by", 0.8)
    for m in re.finditer(E + r"\s*,\s*(maitre d'ouvrage|maitre d'(?:oe|œ)uvre)", sent.skel):
        who = sent.slot(m, 1)
        target = next((s for s in sent.slots if s.type == "Programme" and s.entity != who.entity), None)
        if target is None or who.type not in ORG:
            continue
        if "ouvrage" in m.group(2):
            add(who.entity, "ownerOf", target.entity, m.start(), m.end(), sent, "maitre-d-ouvrage", 0.85, role="maitre-d-ouvrage")
        else:
            add(who.entity, "managerOf", target.entity, m.start(), m.end(), sent, "maitre-d-oeuvre", 0.85, role="maitre-d-oeuvre")
    # "son programme TechEU": the owner is the organisation the sentence was about
    for m in re.finditer(r"\b(?:son|sa|leur) (?:(?:programme|projet|fonds|initiative|plateforme|laboratoire) )?" + E, sent.skel):
        prog = sent.slot(m, 1)
        described = re.match(r"(?:programme|projet|fonds|initiative|plateforme|laboratoire)\b", doc.f[prog.start:prog.name_start])
        if not described and not re.search(r"(?:programme|projet|fonds|initiative|plateforme|laboratoire) $", m.group()[:-len(m.group(1)) - 2]):
            continue
        owner = _nearest_before(sent, m.start(), ORG, skip={prog.entity})
        if owner:
            add(owner[1].entity, "ownerOf", prog.entity, owner[0].start(), m.end(), sent, "possessive-programme", 0.6)


def r_sponsor(doc, sent, add):
    for m in re.finditer(E + r"[^⟦.;]{0,40}?\b(?P<aux>(?:est|sont|a ete|ont ete|etait|etaient|sera|seront) (?:[a-z]+ )?)?"
                         r"(?:sponsorisee?s?|financee?s?|soutenue?s?|subventionnee?s?|parrainee?s?|cofinancee?s?|"
                         r"accompagnee?s?|funded|sponsored|financed|supported|backed) (?:[a-z]+ ){0,2}?(?:par|by) "
                         + r"(?:les |le |la |l'|the )?(?:groupes |societes |entreprises |groupe |societe )?", sent.skel):
        target = sent.slot(m, 1)
        if m.group("aux"):    # "X, porté par Y, est sponsorisé par Z": the sentence's subject X
            first = _first_before(sent, m.start("aux"), ACTOR)
            target = first[1] if first else target
        items, last = _list_after(sent, m.end())
        for s in items:
            if s.type in ORG | {"Programme"}:
                add(s.entity, "sponsorOf", target.entity, m.start(), last, sent, "sponsored-by", 0.8)
    verbs = (r"accompagnent|accompagne|financent|finance|soutiennent|soutient|subventionnent|subventionne|parrainent|"
             r"parraine|sponsorisent|sponsorise|cofinancent|cofinance|investissent dans|investit dans")
    for m in re.finditer(r"\b(?:" + verbs + r")\s+(?:les investissements |le developpement |la croissance |le projet |les projets )?"
                         r"(?:de |d'|du )?" + ART + E + r"(?:\s+(?:via|grace a|a travers|par l'intermediaire de)\s+)?", sent.skel):
        target = sent.slot(m, 1)
        if target.type not in ACTOR:
            continue
        subj, first = _list_before(sent, re.search(r"\S", sent.skel[m.start():]).start() + m.start())
        if not subj:
            near = _nearest_before(sent, m.start(), ORG | {"Programme"})
            subj = [near[1]] if near and m.start() - near[0].end() < 40 else []
            first = near[0].start() if near else m.start()
        for s in subj:
            if s.type in ORG | {"Programme"}:
                add(s.entity, "sponsorOf", target.entity, first, m.end(), sent, "funds", 0.75)
        if re.search(r"(?:via|grace a|a travers|intermediaire de)\s+$", m.group()):
            items, last = _list_after(sent, m.end())
            for s in items:
                if s.type in ORG | {"Programme"}:
                    add(s.entity, "sponsorOf", target.entity, first, last, sent, "funds-via", 0.7)
    for m in re.finditer(r"\binvestiss\w*\b[^⟦.;]{0,60}?\bdans\s+", sent.skel):
        near = _nearest_before(sent, m.start(), ORG | {"Programme"})
        if not near:
            continue
        items, last = _list_after(sent, m.end(), loose=True)
        for s in items:
            if s.type != "Person" and s.type != "Domain":
                add(near[1].entity, "sponsorOf", s.entity, near[0].start(), last, sent, "invests-in", 0.65)
    for m in re.finditer(r"\bengagee?s? dans (?:le|ce) tour de (?:financement|table)", sent.skel):
        subj = [s for mm, s in _ents_in(sent, 0, m.start()) if s.type in ORG | {"Programme"}]
        target = _topic_of_type(doc, ("Firm",))
        for s in subj:
            if target is not None and s.entity != target:
                add(s.entity, "sponsorOf", target, 0, m.end(), sent, "funding-round", 0.6)


def _topic_of_type(doc, types):
    counts = Counter(s.entity for s in doc.slots if s.type in types and not s.anaphor)
    return counts.most_common(1)[0][0] if counts else None


def r_partner(doc, sent, add):
    for m in re.finditer(r"\b(?:protocole d'accord|accord(?: de partenariat| de cooperation| cadre)?|convention(?: de partenariat)?|"
                         r"partenariat)[^⟦.;]{0,60}?\b(?:signee?s?|conclue?s?|nouee?s?|passee?s?)\b[^⟦.;]{0,40}?\b(?:par|entre)\s+" + ART
                         + E + r"\s+et\s+" + ART + E, sent.skel):
        a, b = sent.slot(m, 1), sent.slot(m, 2)
        if a.type in ACTOR and b.type in ACTOR:
            add(a.entity, "partnerOf", b.entity, m.start(), m.end(), sent, "agreement-signed", 0.8, dated=True)
    for m in re.finditer(r"\bpartenariat (?:strategique |etroit )?entre " + ART + E + r"\s+et\s+" + ART + E, sent.skel):
        a, b = sent.slot(m, 1), sent.slot(m, 2)
        if a.type in ACTOR and b.type in ACTOR:
            add(a.entity, "partnerOf", b.entity, m.start(), m.end(), sent, "partnership-between", 0.75, dated=True)
    for m in re.finditer(r"\b(?:en partenariat avec|in partnership with|partnered with|a partnership with) " + ART + E, sent.skel):
        b = sent.slot(m, 1)
        near = _nearest_before(sent, m.start(), ORG, skip={b.entity})
        if near and re.search(r"\bnous\b", sent.skel[near[0].end():m.start()]):
            near = None
        a = near[1].entity if near else (doc.topic if re.search(r"\bnous\b", sent.skel[:m.start()]) else None)
        if a is not None and b.type in ORG:
            add(a, "partnerOf", b.entity, m.start(), m.end(), sent, "partnership-with", 0.65)
    # "Le CEA et Thales ont signé un accord de partenariat"
    for m in re.finditer(r"\b(?:ont signe|signent|ont conclu|concluent|ont noue|nouent)\s+(?:un |une )(?:accord|partenariat|convention|protocole|alliance)", sent.skel):
        subj, first = _list_before(sent, m.start())
        subj = [x for x in subj if x.type in ACTOR]
        for i, a in enumerate(subj):
            for b in subj[i + 1:]:
                add(a.entity, "partnerOf", b.entity, first, m.end(), sent, "sign-together", 0.75, dated=True)
    for m in re.finditer(E + r"[^⟦.;]{0,40}?\b(?:a signe|signe|vient de signer|signent|ont signe)\b[^⟦.;]{0,60}?\baccord\b[^⟦.;]{0,80}?"
                         r"\b(?:avec|a)\s+" + ART + E, sent.skel):
        a, b = sent.slot(m, 1), sent.slot(m, 2)
        if a.type in ORG and b.type in ORG:
            add(a.entity, "partnerOf", b.entity, m.start(), m.end(), sent, "signs-agreement-with", 0.7, dated=True)


def r_merge(doc, sent, add):
    for m in re.finditer(E + r"[^⟦.;]{0,30}?\b(?:a ete|ont ete|est|sont|a|ont)? ?(?:absorbee?s?|fusionnee?s?|integree?s?)\b"
                         r"[^⟦.;]{0,40}?\b(?:par|dans|au sein de)\s+" + ART + r"(?:[a-z]+ ){0,3}?" + E, sent.skel):
        a, b = sent.slot(m, 1), sent.slot(m, 2)
        if a.type in ORG and b.type in ORG:
            add(a.entity, "mergedInto", b.entity, m.start(), m.end(), sent, "absorbed-by", 0.8, dated=True)
    for m in re.finditer(E + r"[^.;]{0,120}?\b(?:est nee?|sont nee?s|nait|est issue?|resulte)\b[^⟦.;]{0,40}?\bde la fusion (?:entre|de|des)\s+"
                         + ART + r"(?:poles |societes |groupes |entreprises |associations )?", sent.skel):
        new = sent.slot(m, 1)
        items, last = _list_after(sent, m.end())
        date = _date(doc.f[sent.span(m.start(), last)[0]:sent.span(m.start(), last)[1]])
        for s in items:
            if s.entity != new.entity and s.type in ORG:
                add(s.entity, "mergedInto", new.entity, m.start(), last, sent, "born-of-merger", 0.8, date=date)
        if date and items:
            add(new.entity, "createdIn", date[:4], m.start(), m.end(), sent, "born-of-merger", 0.7, date=date[:4])


def r_acquire(doc, sent, add):
    for m in re.finditer(E + r"[^⟦.;]{0,30}?\b(?:a rachete|rachete|a acquis|acquiert|a repris|reprend|a absorbe|absorbe|"
                         r"has acquired|acquired|acquires|bought|buys|took over|takes over|"
                         r"prend le controle (?:de|d')|a pris le controle (?:de|d'))\s+" + ART + r"(?:societe |groupe |entreprise |start-up )?" + E, sent.skel):
        a, b = sent.slot(m, 1), sent.slot(m, 2)
        if a.type in ORG and b.type in ORG:
            add(a.entity, "acquired", b.entity, m.start(), m.end(), sent, "acquires", 0.75, dated=True)


def r_own(doc, sent, add):
    for m in re.finditer(E + r"\s*(?:est|sont|etait)\s+(?:majoritairement |entierement |principalement |en partie )?detenue?s?"
                         r"(?: a [\d,]+ ?%)? par " + ART + E, sent.skel):
        owned, owner = sent.slot(m, 1), sent.slot(m, 2)
        if owner.type in ORG and owned.type in ORG:
            add(owner.entity, "ownerOf", owned.entity, m.start(), m.end(), sent, "held-by", 0.8)
    for m in re.finditer(E + r"\s+(?:ses |sa |son |leurs? )?([\d,]+ ?%) du capital (?:de |du |d')" + ART + E, sent.skel):
        owner, owned = sent.slot(m, 1), sent.slot(m, 3)
        share = float(m.group(2).replace("%", "").replace(",", ".").strip()) / 100
        if owner.type in ORG and owned.type in ORG and 0 <= share <= 1:
            add(owner.entity, "ownerOf", owned.entity, m.start(), m.end(), sent, "share-of-capital", 0.75, share=share)
    for m in re.finditer(r"\bparticipation (?:de |d'|du )" + ART + E + r"\s+(?:au capital (?:de |du |d')|dans )" + ART + E, sent.skel):
        owner, owned = sent.slot(m, 1), sent.slot(m, 2)
        if owner.type in ORG and owned.type in ORG:
            add(owner.entity, "ownerOf", owned.entity, m.start(), m.end(), sent, "stake-in", 0.7)
    # the tutelles of a joint research unit
    for m in re.finditer(E + r"[^⟦.;]{0,20}?,?\s*(?:une |l')?unite mixte(?: de recherche)?(?: \w+)?\s+(?:de |du |d'|des )?" + ART, sent.skel):
        lab = sent.slot(m, 1)
        if lab.type not in ("ResearchLab", "University"):
            continue
        items, last = _list_after(sent, m.end())
        mm = re.compile(r"\s*,?\s*(?:avec|et)\s+").match(sent.skel, last)
        if mm:
            more, last2 = _list_after(sent, mm.end())
            items += more
            last = last2 if more else last
        for s in items:
            if s.type in ORG and s.entity != lab.entity:
                add(s.entity, "ownerOf", lab.entity, m.start(), last, sent, "joint-unit", 0.75)


def r_subsidiary(doc, sent, add):
    for m in re.finditer(E + r"\s*,?\s*(?:est |devient |une |la |l'un(?:e)? des |is |a |an |the )*(?:filiale|division|branche|composante|antenne|subsidiary)s?"
                         r"(?: [a-z]+){0,2}? (?:de |du |d'|des |of )" + ART + E, sent.skel):
        a, b = sent.slot(m, 1), sent.slot(m, 2)
        if a.type in ORG and b.type in ORG:
            add(a.entity, "subsidiaryOf", b.entity, m.start(), m.end(), sent, "subsidiary-of", 0.8)
    for m in re.finditer(r"\bfiliale (?:de |du |d')" + ART + E + r"\s*,?\s*" + E, sent.skel):
        b, a = sent.slot(m, 1), sent.slot(m, 2)
        if a.type in ORG and b.type in ORG:
            add(a.entity, "subsidiaryOf", b.entity, m.start(), m.end(), sent, "subsidiary-of", 0.75)


def r_ours(doc, sent, add):
    """"nous avons aussi un CFA": a unit of the organisation speaking (the text's topic)."""
    if doc.topic is None:
        return
    for m in re.finditer(r"\bnous avons (?:aussi |egalement |enfin )?(?:un |une |des )[^⟦.;]{0,100}?" + E, sent.skel):
        x = sent.slot(m, 1)
        if x.type in ORG and x.entity != doc.topic and not x.anaphor:
            add(x.entity, "subsidiaryOf", doc.topic, m.start(), m.end(), sent, "our-unit", 0.55)


def r_member(doc, sent, add):
    for m in re.finditer(E + r"[^.;⟦]{0,80}?\b(?:affiliee?s?|adherente?s?|membres?|members?|affiliated)(?: [a-z]+)? (?:a |au |aux |de |du |des |d'|of |to )\s*" + ART, sent.skel):
        who = sent.slot(m, 1)
        items, last = _list_after(sent, m.end() - len(re.search(ART + r"$", m.group()).group()))
        for s in items:
            if who.type in ORG and s.type in ORG and s.entity != who.entity:
                add(who.entity, "memberOf", s.entity, m.start(), last, sent, "member-of", 0.75)


_ROLE = r"(?:" + "|".join(sorted((re.escape(r).replace(r"\ ", r"[\s-]") for r in lx.MANAGER_ROLES), key=len, reverse=True)) + r")"
_FOUNDER = r"(?:co-?fondat(?:eur|rice)|fondat(?:eur|rice))"


def r_manager(doc, sent, add):
    de = r"\s+(?:[a-z&-]+\s+){0,3}?(?:de la |de l'|du |des |de |d'|of |at )\s*" + ART
    # "P, directeur général de X" / "P, cofondateur et PDG de X"
    for m in re.finditer(E + r"\s*,\s*(?:le |la |l'|notre |leur |son |sa |actuel |actuelle |nouveau |nouvelle )*"
                         r"(" + _FOUNDER + r"(?:\s+et\s+" + _ROLE + r")?|" + _ROLE + r"(?:\s+et\s+" + _FOUNDER + r")?)"
                         + de + E, sent.skel):
        p, o = sent.slot(m, 1), sent.slot(m, 3)
        if p.type != "Person" or o.type not in ACTOR:
            continue
        after = re.match(r"\s*,?\s*" + E, sent.skel[m.end():])
        if after and sent.slots[int(after.group(1))].type == "Person":
            continue    # "X, le président du conseil général Y": the role is Y's
        roles = m.group(2)
        if re.search(_FOUNDER, roles):
            add(p.entity, "founded", o.entity, m.start(), m.end(), sent, "founder-of", 0.8)
        if re.search(_ROLE, re.sub(_FOUNDER, "", roles)):
            add(p.entity, "managerOf", o.entity, m.start(), m.end(), sent, "role-of", 0.8, role=_role(roles))
    # "le président du conseil général de Gironde Yves Lecaudey", "le directeur d'Alpha RLH Hervé Floch"
    for m in re.finditer(r"\b(" + _ROLE + r")" + de + E + r"\s*,?\s*" + E, sent.skel):
        o, p = sent.slot(m, 2), sent.slot(m, 3)
        if p.type == "Person" and o.type in ACTOR:
            add(p.entity, "managerOf", o.entity, m.start(), m.end(), sent, "role-of", 0.75, role=_role(m.group(1)))
    # "La présidence du nouveau cluster a été confiée à David Pureur"
    for m in re.finditer(r"\b(presidence|direction) (?:du |de la |de l'|d')[^⟦.;]{0,20}?" + E + r"[^⟦.;]{0,40}?\b(?:confiee?|attribuee?|assuree?)\s+(?:a|par)\s+" + E, sent.skel):
        o, p = sent.slot(m, 2), sent.slot(m, 3)
        if p.type == "Person" and o.type in ORG:
            add(p.entity, "managerOf", o.entity, m.start(), m.end(), sent, "role-given-to", 0.75,
                role="president" if m.group(1) == "presidence" else "director")
    # "Jacques Boulesteix, son fondateur": the organisation the text was about
    for m in re.finditer(E + r"\s*,\s*(?:son|sa|leur) (" + _FOUNDER + r"|" + _ROLE + r")\b", sent.skel):
        p = sent.slot(m, 1)
        if p.type != "Person":
            continue
        target = _previous_org(doc, sent.s_pos[m.start()])
        if target is None:
            continue
        if re.match(_FOUNDER, m.group(2)):
            add(p.entity, "founded", target, m.start(), m.end(), sent, "his-founder", 0.6)
        else:
            add(p.entity, "managerOf", target, m.start(), m.end(), sent, "his-role", 0.55, role=_role(m.group(2)))


def _role(text: str) -> str | None:
    t = text.replace("-", " ")
    if "fondat" in t:
        return "founder"
    if "presid" in t or "pdg" in t or "chairman" in t:
        return "president"
    if "direct" in t or "delegue" in t or "dg" == t or "ceo" in t:
        return "director"
    return None


def _previous_org(doc, pos, types=ORG | {"Programme"}):
    return next((s.entity for s in doc._before(pos) if s.type in types), None)


def r_created(doc, sent, add):
    verb = r"(?:creee?s?|fondee?s?|nee?s?|lancee?s?|imaginee?s?|inauguree?s?|etablie?s?|constituee?s?|founded|created|established|launched)"
    when = r"(?:en |des |au debut de |debut |fin |courant |le \d{1,2} [a-z]+ |en [a-z]+ |in )*(" + YEAR + r")"
    place = r"(?:\s+(?:a|au|en)\s+" + E + r")?"
    # "X, fondée en 2007", "X est né début 2017", "cette institution fondée en 1996 à Saint-Étienne"
    for m in re.finditer(E + r"\s*,?\s*(?:qui\s+)?(?:a ete |est |sont |ont ete |fut )?" + verb + r"\s+" + when + place, sent.skel):
        x = sent.slot(m, 1)
        if x.type not in ACTOR:
            continue
        add(x.entity, "createdIn", m.group(2), m.start(), m.end(), sent, "created-in", 0.8, date=m.group(2))
        if m.group(3):
            pl = sent.slot(m, 3)
            if pl.type == "Place":
                add(x.entity, "locatedIn", pl.entity, m.start(), m.end(), sent, "created-at", 0.7)
    # "tous deux créés en 2005"
    for m in re.finditer(r"\btous (?:deux|les deux|trois) " + verb + r"\s+" + when, sent.skel):
        items = [s for mm, s in _ents_in(sent, 0, m.start()) if s.type in ORG]
        for s in items[-2:] if "deux" in m.group() else items[-3:]:
            add(s.entity, "createdIn", m.group(1), sent.skel.find("⟦"), m.end(), sent, "created-in-both", 0.65, date=m.group(1))
    # "Fondée en 1966 à Marcoussis, la CILAS"
    m = re.match(r"^\W*" + verb + r"\s+" + when + place + r"\s*,\s*" + ART + E, sent.skel)
    if m:
        x = sent.slot(m, 3)
        if x.type in ACTOR:
            add(x.entity, "createdIn", m.group(1), m.start(), m.end(), sent, "created-in-fronted", 0.8, date=m.group(1))
            if m.group(2) and sent.slot(m, 2).type == "Place":
                add(x.entity, "locatedIn", sent.slot(m, 2).entity, m.start(), m.end(), sent, "created-at-fronted", 0.75)


def r_founded(doc, sent, add):
    # "initié, dès 2004, par l'association ALPHA (...), le pôle de compétitivité Route des lasers"
    for m in re.finditer(r"\b(?:initiee?s?|fondee?s?|creee?s?|lancee?s?|impulsee?s?)\s*,?\s*(?:des |en )?(?:" + YEAR + r")?\s*,?\s*par\s+"
                         + ART + r"(?:association |societe |groupe |entreprise )?", sent.skel):
        founders, last = _list_after(sent, m.end())
        if not founders:
            continue
        before = re.search(E + r"\s*(?:\([^)]*\)\s*)?(?:a ete|ont ete|est|sont|fut|avait ete)\s+$", sent.skel[:m.start()])
        if before:
            target = sent.slot(before, 1)
            a = before.start()
        else:
            nxt = _first_after(sent, last, {"Cluster", "Association", "Programme", "Firm", "ResearchLab", "Event"})
            if not nxt:
                continue
            a, last, target = m.start(), nxt[1], nxt[2]
        for s in founders:
            if s.entity != target.entity and s.type in ORG | {"Person"}:
                add(s.entity, "founded", target.entity, a, last, sent, "initiated-by", 0.7, dated=True)
    # "la société Amplitude Systèmes, qui ..., a lancé un programme commun ... à Wuhan le 15 juin 2011"
    for m in re.finditer(r"\b(?:a|ont) (?:lance|cree|fonde|initie|mis en place)\s+" + ART + r"(?:un |une |le |la )?" + E, sent.skel):
        target = sent.slot(m, 1)
        subj = _nearest_before(sent, m.start(), ORG, skip={target.entity})
        if subj and target.type in {"Programme", "Event"} | ORG:
            add(subj[1].entity, "founded", target.entity, subj[0].start(), m.end(), sent, "launched", 0.7,
                date=_date(doc.f[sent.start:sent.end]))
    # "L'association a pris naissance de la rencontre de l'université X et de l'industriel Y"
    for m in re.finditer(E + r"\s+(?:a pris naissance|est nee?|est issue?)\s+de la rencontre (?:de |d'|entre )" + ART + r"(?:[a-z]+ )?", sent.skel):
        target = sent.slot(m, 1)
        items, last = _list_after(sent, m.end())
        for s in items:
            if s.type in ORG and s.entity != target.entity:
                add(s.entity, "founded", target.entity, m.start(), last, sent, "born-of-meeting", 0.7)


def r_located(doc, sent, add):
    sk = sent.skel
    where = r"\s+(?:a|au|aux|en|dans|sur|in|at)\s+(?:la |le |l'|the )?(?:commune de |ville de |region |departement de )?" + E
    verbs = (r"(?:implantee?s?|installee?s?|basee?s?|situee?s?|etablie?s?|localisee?s?|domiciliee?s?|presente?s?|"
             r"qui produit|produit|produisent|s'est tenue?|se tient|se tiendra|a lieu|aura lieu|se trouve|est installee?|"
             r"based|headquartered|located|held|takes place|will take place)")
    for m in re.finditer(r"\b" + verbs + r"(?:\s+(?:depuis|deja|aujourd'hui|desormais|notamment|principalement)\b[^⟦.;,]{0,30}?)?" + where, sk):
        pl = sent.slot(m, 1)
        if pl.type != "Place":
            continue
        if re.match(r"\w+(?:es|s)\b", m.group()) and not re.match(r"(?:basee?s|qui produit|produit|se trouve)", m.group()):
            subj, _ = _list_before(sent, m.start())
            if len(subj) < 2:
                continue    # "les industriels ... implantés": not the organisation named before
        near = _nearest_before(sent, m.start(), ACTOR | {"Place"}, skip={pl.entity})
        aux = re.search(r"\b(?:est|sont|etait|etaient|sera|seront|a ete|ont ete)\s+(?:[a-z]+\s+)?$", sk[:m.start()])
        if aux and near:   # "X, filiale du groupe Y, est implantée à Z": the subject X
            first = _first_before(sent, aux.start(), ACTOR)
            near = first or near
        if near and near[1].type == "Place" and not re.search(r"\b(?:site|parc|zone|campus|park)\b", sk[near[0].start() - 10:near[0].start()]):
            near = _nearest_before(sent, near[0].start(), ACTOR)
        if near is None:
            nxt = re.compile(r"[^⟦.;]{0,40}?,\s*" + ART + r"(?:[a-z]+ ){0,3}?" + E).match(sk, m.end())
            if nxt and sent.slot(nxt, 1).type in ACTOR:
                add(sent.slot(nxt, 1).entity, "locatedIn", pl.entity, m.start(), nxt.end(), sent, "located-fronted", 0.7)
            continue
        add(near[1].entity, "locatedIn", pl.entity, near[0].start(), m.end(), sent, "located-at", 0.75)
    # "d'installer au Barp le Laser Mégajoule", "l'installation du Laser Mégajoule (LMJ) au Barp"
    for m in re.finditer(r"\binstall\w*\s+(?:a|au|en)\s+" + E + r"\s+" + ART + E, sk):
        pl, x = sent.slot(m, 1), sent.slot(m, 2)
        if pl.type == "Place" and x.type in ACTOR:
            add(x.entity, "locatedIn", pl.entity, m.start(), m.end(), sent, "installed-at", 0.75)
    for m in re.finditer(r"\binstallation\b[^⟦.;]{0,40}?(?:du |de la |de l'|des )" + E + r"\s+(?:a|au|en)\s+" + E, sk):
        x, pl = sent.slot(m, 1), sent.slot(m, 2)
        if pl.type == "Place" and x.type in ACTOR:
            add(x.entity, "locatedIn", pl.entity, m.start(), m.end(), sent, "installed-at", 0.75)
    # "Au BARP, à 40 km de Bordeaux, se construit actuellement le Laser mégajoule"
    m = re.match(r"^\W*(?:a|au|en)\s+" + E + r"[^⟦.;]{0,10}?(?:,[^.;]{0,40}?,)?\s*se (?:construit|trouve|situe|dresse|installe)\b[^⟦.;]{0,30}?" + ART + E, sk)
    if m and sent.slot(m, 1).type == "Place" and sent.slot(m, 2).type in ACTOR:
        add(sent.slot(m, 2).entity, "locatedIn", sent.slot(m, 1).entity, m.start(), m.end(), sent, "built-at", 0.7)
    # adjacency: "Route des lasers, en Gironde", "site Quantel de Lannion", "Pessac en Gironde"
    for m in re.finditer(E + r"(?=(\s*,\s*en\s+|\s+en\s+|\s+(?:a|au|aux)\s+|\s+(?:de|d')\s*|\s+dans (?:l'agglomeration|la metropole|le departement|la region) (?:de |d')\s*)" + E + ")", sk):
        x, pl = sent.slot(m, 1), sent.slot(m, 3)
        if pl.type != "Place" or x.type in ("Person", "Domain") or x.entity == pl.entity or x.anaphor:
            continue
        link = m.group(2).strip()
        end_m = m.end(3) + 1
        if link in ("de", "d'") and x.type == "Place" and not re.search(r"\b(park|parc|zone|site|campus|technopole|cite)\b", fold(doc.text[x.start:x.end])):
            continue
        if link in ("a", "au", "aux") and x.type == "Place":
            continue
        add(x.entity, "locatedIn", pl.entity, m.start(), end_m, sent, "next-to-place", 0.6)
    # "Nos locaux d'Orsay"
    for m in re.finditer(r"\b(?:nos|notre) (?:locaux|siege|site|sites|bureaux|usine|usines|implantations?) (?:de |d'|a |en |au )" + E, sk):
        pl = sent.slot(m, 1)
        if pl.type == "Place" and doc.topic is not None:
            add(doc.topic, "locatedIn", pl.entity, m.start(), m.end(), sent, "our-premises", 0.55)
    # "Né en Paca, le pôle de compétitivité ..."
    m = re.match(r"^\W*(?:nee?s?|implantee?s?|installee?s?|basee?s?|creee?s?|fondee?s?)\s+(?:a|au|en)\s+" + E + r"\s*,\s*" + ART + E, sk)
    if m and sent.slot(m, 1).type == "Place" and sent.slot(m, 2).type in ACTOR:
        add(sent.slot(m, 2).entity, "locatedIn", sent.slot(m, 1).entity, m.start(), m.end(), sent, "born-in", 0.65)
    # "« La Route des Lasers » (Ex-Aquitaine)"
    for m in re.finditer(E + r"[\s»\"]*\(\s*(ex-)?\s*" + E + r"\s*\)", sk):
        if not m.group(2) and not re.match(r"ex-", doc.f[sent.slot(m, 3).start:sent.slot(m, 3).end]):
            continue
        x, pl = sent.slot(m, 1), sent.slot(m, 3)
        if pl.type == "Place" and x.type in ACTOR:
            add(x.entity, "locatedIn", pl.entity, m.start(), m.end(), sent, "former-region", 0.65)


def r_domains(doc, sent, add):
    sk = sent.skel
    triggers = [
        (r"\bspecialise(?:e|s|es)?\s+(?:dans|en|sur)\s+", "activeIn"),
        (r"\bspecialiste\s+(?:dans|de|des|du|en)\s+", "activeIn"),
        (r"\bdediee?s?\s+(?:a|au|aux)\s+", "activeIn"),
        (r"\bactivite est dediee?\s+(?:a|au|aux)\s+", "activeIn"),
        (r"\borientee?s?\s+(?=[«\"])", "activeIn"),
        (r"\bacteur(?: [a-z]+){0,2}? (?:des|du|de la|de l'|dans (?:la|le|les|l'))\s*", "activeIn"),
        (r"\b(?:leader|leadership|expert|reference|pionnier)(?: [a-z]+){0,2}? dans le domaine (?:des|du|de la|de l')\s*", "activeIn"),
        (r"\b(?:n°1|numero un|leader)(?: [a-z]+){0,2}? (?:dans|sur) le (?:domaine|marche) (?:des|du|de la|de l')\s*", "activeIn"),
        (r"\bacteur reconnu dans (?:la|le|les|l')\s*", "activeIn"),
        (r"\btravail sur (?:les|la|le|l')\s*", "activeIn"),
        (r"\bsur (?:le|les) marches? (?:[a-z]+ )?(?:du|de la|des|de l')\s*", "market"),
        (r"\ben priorite\b[^.;⟦]{0,60}?\bpour (?:la|le|les|l')\s*", "priorityDomain"),
    ]
    for rx, p in triggers:
        for m in re.finditer(rx, sk):
            subj = _domain_subject(doc, sent, m, attributive=p == "activeIn")
            if p == "market":     # "l'offre française sur le marché chinois du micro-usinage"
                near = _nearest_before(sent, m.start(), ACTOR)
                subj = near[1].entity if near and m.start() - near[0].end() <= 40 else doc.topic
            if subj is None:
                continue
            items = _domain_items(doc, sent, m.end())
            for a, b in items:
                d = doc.domain(*sent.span(a, b))
                rel = "priorityDomain" if p == "priorityDomain" else "activeIn"
                if d is not None:
                    add(subj, rel, d, min(_subj_pos(sent, subj, m.start()), m.start()), b, sent, "domain:" + rx[3:15].strip("\\( "), 0.6)
    # "trois marchés stratégiques ... : les lidars, le médical et la défense", "domaines suivants :\n..."
    for m in re.finditer(r"\b(marches|domaines|secteurs|axes|thematiques)\b(?: [^:.;]{0,100})?:\s*", sk):
        prio = bool(re.search(r"priori|socle", sk[max(0, m.start() - 60):m.end()]))
        subj = _domain_subject(doc, sent, m, attributive=not prio)
        if subj is None:
            continue
        stype = doc.types.get(subj)
        rel = "priorityDomain" if stype in ("Programme", "Cluster") and prio else "activeIn"
        items = _domain_items(doc, sent, m.end(), colon=True)
        if not items and m.end() >= len(sk.rstrip()):
            for a, b in _following_lines(doc, sent):
                d = doc.domain(a, b)
                if d is not None:
                    add(subj, rel, d, sent.s_pos[m.start()], b, None, "domain-list-lines", 0.6)
            continue
        for a, b in items:
            d = doc.domain(*sent.span(a, b))
            if d is not None:
                add(subj, rel, d, m.start(), b, sent, "domain-list", 0.6)


def _subj_pos(sent, entity, default):
    for i, s in enumerate(sent.slots):
        if s.entity == entity:
            return sent.skel.find(f"⟦{i}⟧")
    return default


def _domain_subject(doc, sent, m, attributive=True):
    """Who is active in the domains a trigger introduces.

    An attributive trigger ("dédié aux", "spécialisé dans") qualifies the entity just before it
    (or, fronted, the one just after); a stated priority may refer back to the text's subject.
    """
    near = _nearest_before(sent, m.start(), ACTOR)
    if near and (not attributive or m.start() - near[0].end() <= 90):
        return near[1].entity
    if attributive and near:
        return None
    nxt = _first_after(sent, m.end(), ACTOR)
    if nxt and (not attributive or not sent.skel[:m.start()].strip(" -\"«")):
        return nxt[2].entity
    if re.search(r"\b(?:nous|notre|nos)\b", sent.skel):
        return doc.topic
    if attributive:
        return None
    return _previous_org(doc, sent.start)


_STOP = {"qui", "que", "dont", "afin", "avec", "sans", "selon", "depuis", "est", "sont", "a", "ont", "sera", "seront",
         "mais", "ainsi", "comme", "car", "puis", "lorsque", "quand", "tandis", "etc", "pour", "par", "tout", "toute"}
#: too vague to be a domain
GENERIC = {"hautes technologies", "nouvelles technologies", "technologies", "technologie", "innovation", "industrie",
           "entreprises", "emploi", "emplois", "investissement", "developpement", "activite", "activites", "services",
           "information", "croissance"}
_DET = {"le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "au", "aux", "ce", "cette", "ces", "son", "sa",
        "ses", "leur", "leurs", "nos", "notre", "en"}


def _domain_items(doc, sent, pos, colon=False):
    """Noun phrases listed from ``pos``: "aux lasers et aux hyperfréquences" -> lasers, hyperfréquences."""
    sk = sent.skel
    # drop parentheses: "la photonique-laser (sources et procédés laser, ...)"
    blank = sk[:pos] + re.sub(r"\([^()]*\)?", lambda mm: " " * len(mm.group()), sk[pos:])
    if blank[pos:pos + 1] in ("«", '"'):
        close = re.search(r"[»\"]", blank[pos + 1:])
        return [(pos + 1, pos + 1 + close.start())] if close else []
    end = len(sk)
    stop = re.compile(r"[.;:?!»]|\s[—–-]\s|" + E).search
    k = pos
    while True:
        mm = stop(blank, k)
        if not mm:
            break
        if mm.group().startswith("⟦") and sent.slots[int(mm.group(1))].type == "Domain":
            k = mm.end()      # a known domain is an item; any other entity ends the list
            continue
        end = mm.start()
        break
    segment = blank[pos:end]
    if not re.search(r"\s(?:et|ou)\s", segment) and "," in segment:
        segment = segment[:segment.index(",")]     # "A, confirme X": one item, then another clause
    items = []
    for part in re.finditer(r"[^,]+", segment):
        a0 = pos + part.start()
        chunk = part.group()
        if part.start() > 0 and re.match(r"\s*(?:un|une|il|elle|ils|elles|on|nous|ce|cette|cet|ces|qui|que|dont|sans|avec|se|s')\b", chunk):
            break    # a new clause, not another item
        for sub in re.finditer(r"(?:(?<=^)|(?<=\set\s)|(?<=\sou\s))(.+?)(?=\s+et\s+|\s+ou\s+|$)", chunk):
            a, b = a0 + sub.start(1), a0 + sub.end(1)
            # "les services de traitement de l'image pour la Défense": the markets served
            pour = re.search(r"\bpour\s+", sk[a:b])
            if pour and re.match(r"\s*(?:dans |sur )?(?:les |des |de |d')?(?:services|technologies|solutions|produits|equipements|"
                                 r"applications|systemes|outils|composants)\b", sk[a:a + pour.start()]):
                a += pour.end()
            item = _trim_item(sk, a, b)
            if item:
                items.append(item)
    return items[:8]


def _trim_item(sk, a, b):
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"[\w'’-]+|«|»|⟦\d+⟧", sk[a:b])]
    words = [(a + s, a + e, w) for s, e, w in words]
    # leading determiners, prepositions and containers ("les secteurs de l'optique")
    changed = True
    while words and changed:
        changed = False
        while words and (words[0][2] in _DET or words[0][2] in ("a", "«", "»", "dans", "sur", "notamment", "surtout", "principalement")
                         or re.match(r"^(?:l|d)'$", words[0][2])):
            words = words[1:]
            changed = True
        if words and re.match(r"^(?:l|d)'\w", words[0][2]):
            words[0] = (words[0][0] + 2, words[0][1], words[0][2][2:])
            changed = True
        joined = " ".join(w for _, _, w in words[:3])
        for c in lx.DOMAIN_CONTAINERS:
            c_words = c.split()[1:] if c.split()[0] in _DET or c.split()[0] == "l" else c.split()
            cw = " ".join(c_words)
            if joined.startswith(cw + " ") and len(words) > len(c_words):
                rest = words[len(c_words):]
                if rest and rest[0][2] in ("de", "des", "du", "d'", "en") or rest and re.match(r"^d'", rest[0][2]):
                    words = rest
                    changed = True
                    break
    cut = []
    for i, (s, e, w) in enumerate(words):
        if w in _STOP or w.startswith(("s'", "n'", "qu'")) or w in ("«", "»") and i > 0:
            break
        if i > 0 and w in ("le", "la", "les", "un", "une", "ce", "cette") and cut and cut[-1][2] not in ("de", "a", "pour", "en", "sur", "dans"):
            cut = cut[:-1]
            break
        if len(w) > 5 and w.endswith("ant") and i > 0:
            break
        cut.append((s, e, w))
    while cut and cut[-1][2] in _DET | {"et", "ou", "de", "a", "pour"}:
        cut = cut[:-1]
    if not cut or len(cut) > 6:
        return None
    if any(w.startswith("⟦") for _, _, w in cut) and len(cut) > 1:
        return None
    text = " ".join(w for _, _, w in cut)
    if text in GENERIC:
        return None
    if text in lx.NOT_NAMES and text not in ("laser", "lasers", "photonique", "optique", "defense", "sante", "deep tech") or len(text) < 3:
        return None
    if re.fullmatch(r"[\d\s,.%]+", text):
        return None
    return cut[0][0], cut[-1][1]


def _following_lines(doc, sent):
    """Short lines after a sentence ending with ':' (a list written one item per line)."""
    out = []
    pos = sent.end
    offset = pos
    for line in doc.v[pos:pos + 600].split("\n"):
        here, offset = offset, offset + len(line) + 1
        if not line.strip():
            if out:
                break
            continue
        if len(line.split()) > 6 or line.rstrip().endswith((".", ":")):
            break
        a = here + (len(line) - len(line.lstrip()))
        out.append((a, a + len(line.strip())))
    return out


def r_participates(doc, sent, add):
    sk = sent.skel
    for m in re.finditer(r"\ben reponse (?:a|au) (?:l'|la |le )?(?:[a-z]+ ){0,3}?" + E, sk):
        prog = sent.slot(m, 1)
        subj = _first_before(sent, m.start(), ACTOR, skip={prog.entity})
        if subj and prog.type == "Programme":
            add(subj[1].entity, "participatesIn", prog.entity, subj[0].start(), m.end(), sent, "answers-call", 0.7, dated=True)
    for m in re.finditer(r"\b(?:participe|participent|participera|participeront|prend part|prennent part|expose|exposent|exposera|"
                         r"exposeront|laureate?s?|retenue?s?|engagee?s?)\s+(?:a|au|aux|avec|de|du|dans)\s+" + ART + E, sk):
        ev = sent.slot(m, 1)
        if ev.type not in ("Programme", "Event"):
            continue
        subj = _nearest_before(sent, m.start(), ORG, skip={ev.entity})
        who = subj[1].entity if subj else (doc.topic if re.search(r"\bnous\b", sk[:m.start()]) else None)
        if who is not None:
            add(who, "participatesIn", ev.entity, subj[0].start() if subj else m.start(), m.end(), sent, "takes-part", 0.65)
    # a pavilion or stand: the organisations named take part in the event just mentioned
    if re.search(r"\b(?:pavillon|stand|exposants?|representeront)\b", sk):
        ev = _previous_of_type(doc, sent.end, ("Event",))
        if ev is not None:
            for mm, s in _ents_in(sent, 0, len(sk)):
                if s.type in ORG and s.entity != ev:
                    add(s.entity, "participatesIn", ev, 0, len(sk), sent, "pavilion", 0.6)
    # labelled: clusters take part in the labelling phase the document is about
    if re.search(r"\blabellis", sk):
        phase = _labelling_phase(doc)
        if phase is not None:
            pid, year = phase
            for mm, s in _ents_in(sent, 0, len(sk)):
                if s.type == "Cluster" and s.entity != pid:
                    add(s.entity, "participatesIn", pid, 0, mm.end(), sent, "labelled", 0.65, date=year)


def _previous_of_type(doc, pos, types):
    return next((s.entity for s in doc._before(pos) if s.type in types), None)


def _labelling_phase(doc):
    counts = Counter()
    first_year = {}
    for s in doc.slots:
        if s.type == "Programme" and re.match(r"phase\b", doc.f[s.start:s.end]):
            counts[s.entity] += 1
            if s.entity not in first_year:
                y = re.match(r"\s*[(,]?\s*(" + YEAR + r")\s*-\s*" + YEAR, doc.f[s.end:s.end + 20])
                if y:
                    first_year[s.entity] = y.group(1)
    if not counts:
        return None
    pid = counts.most_common(1)[0][0]
    if pid not in first_year:
        for s in doc.slots:
            if s.entity == pid:
                y = re.match(r"\s*[(,]?\s*(" + YEAR + r")\s*-\s*" + YEAR, doc.f[s.end:s.end + 20])
                if y:
                    first_year[pid] = y.group(1)
                    break
    return pid, first_year.get(pid)


def r_offers(doc, sent, add):
    sk = sent.skel
    end_rx = r"(?P<o>[^,.;:()]+?)(?=\s*(?:,|\.|;|:|\(|\bet nous\b|\bafin\b|\bqui\b|\w+ant\b|$))"
    pats = [
        (r"\bnous (?:faisons|proposons|offrons|preparons|assurons|dispensons|organisons|delivrons) (?:de la |de l'|du |des |un |une )", "we-offer", True),
        (r"\b(?:notre|sa|leur) (?:mission|vocation|role|travail|metier)\b[^.;]{0,80}?\best (?:juste |simplement |notamment |avant tout )?(?:de |d')", "mission", True),
        (r"^\W*axe \d+\s*:\s*(?:un |une )(?:offre (?:de |d'))?", "axis", False),
        (r"\b(?:propose|offre|proposent|offrent)(?: aux? [a-z ]{0,40}?)? (?:un |une |des |de la |du )(?:offre (?:de |d'))?", "offers", True),
    ]
    for rx, rule, near in pats:
        for m in re.finditer(rx + end_rx, sk):
            a, b = m.start("o"), m.end("o")
            qs, qe = sent.span(a, b)
            literal = squash(doc.text[qs:qe])
            if len(literal) < 4 or len(literal.split()) > 14 or re.match(r"(?:le|la|les|l'|y|en|se|s')\s", doc.f[qs:qe]):
                continue
            subj = None
            if re.search(r"\bnous\b|\bnotre\b", m.group()):
                subj = doc.topic
            elif near:
                n = _nearest_before(sent, m.start(), ACTOR)
                subj = n[1].entity if n else None
            else:
                subj = doc.topic
            if subj is not None:
                add(subj, "offers", literal, m.start(), b, sent, "offers:" + rule, 0.55)
    # "défend les intérêts de la filière", "défense des intérêts de la filière"
    for m in re.finditer(r"(?P<o>(?:\b(?:defend|defendent|defendre)|(?:\bdefense|⟦\d+⟧) des) (?:les )?interets (?:de la|du|des|de l') ?[a-z-]+)", sk):
        n = _first_before(sent, m.start(), ORG)
        if n:
            qs, qe = sent.span(m.start("o"), m.end("o"))
            add(n[1].entity, "offers", squash(doc.text[qs:qe]), n[0].start(), m.end(), sent, "offers:defends", 0.55)


def r_identified(doc, sent, add):
    for m in re.finditer(E + r"[^⟦.;]{0,20}?\b(?:a classe|classe|a identifie|identifie|a designe|designe|a reconnu|reconnait)\s+"
                         r"(?P<o>(?:la |l')(?:[a-z-]+|⟦\d+⟧) (?:parmi|comme) [^.;]+?)(?=,|\.|;|$)", sent.skel):
        who = sent.slot(m, 1)
        if who.type not in ORG:
            continue
        qs, qe = sent.span(m.start("o"), m.end("o"))
        add(who.entity, "identifiedAs", squash(doc.text[qs:qe]), m.start(), m.end(), sent, "classified-as", 0.7, dated=True)


def r_demonym(doc, sent, add):
    """"le cluster lannionnais Photonics Bretagne": the place the adjective comes from, when named."""
    places = doc.places
    for i, s in enumerate(sent.slots):
        if s.anaphor:
            continue
        before = doc.f[max(sent.start, s.name_start - 50):s.name_start]
        m = re.search(r"\b([a-z-]{5,})\s+$", before)
        if not m or not re.search(r"(?:nais|naise|nnais|ais|aise|ois|oise|ins|ine|in|ains|aine|ain|iens|ien|ienne)s?$", m.group(1)):
            continue
        if not re.search(r"\b(?:pole|poles|cluster|societe|entreprise|groupe|laboratoire|start-up|pme|industriel)s?(?: de competitivite)?\s+" + re.escape(m.group(1)) + r"\s+$", before):
            continue
        adj = m.group(1)
        for pid, name in places.items():
            stem = name.replace(" ", "")[:5]
            if len(stem) >= 5 and adj.startswith(stem):
                # "les deux pôles girondins Alpha-RLH et Xylofutur": the adjective qualifies the list
                k = sent.skel.find(f"⟦{i}⟧")
                if k < 0:
                    continue
                targets, last = _list_after(sent, k)
                for t in targets or [s]:
                    if t.type in ACTOR:
                        add(t.entity, "locatedIn", pid, k, max(last, k + len(f"⟦{i}⟧")), sent, "demonym", 0.6)


RULES = [r_owner_carried, r_sponsor, r_partner, r_merge, r_acquire, r_own, r_subsidiary, r_ours, r_member, r_manager,
         r_created, r_founded, r_located, r_domains, r_participates, r_offers, r_identified, r_demonym]


def _document_rules(doc, add):
    """Rules across sentences: a merger announced, then the new name given."""
    pairs = []
    for sent in doc.sentences:
        sk = sent.skel
        for m in re.finditer(E + r"[^⟦.;]{0,60}?\b(?:a fusionne|fusionne|fusionnent|se rapproche|s'est rapproche|ont fusionne)\b[^⟦.;]{0,80}?\b(?:avec|de|et)\s+"
                             + ART + r"(?:[a-z]+ ){0,8}?[^⟦.;]{0,80}?" + E, sk):
            a, b = sent.slot(m, 1), sent.slot(m, 2)
            if a.type in ORG and b.type in ORG:
                pairs.append((a.entity, b.entity))
        for m in re.finditer(r"\b(?:prendre|prendra|prend|porte|portera|va prendre) (?:pour |le )?nom (?:de )?[«\"]?\s*" + E
                             + r"|\b(?:baptisee?|nommee?|appelee?|denommee?)\s+[«\"]?\s*" + E
                             + r"|\bpour (?:former|donner naissance a|creer|constituer|devenir)\s+" + ART + E, sk):
            new = sent.slot(m, 1) if m.group(1) else sent.slot(m, 2) if m.group(2) else sent.slot(m, 3)
            for a, b in pairs[-1:]:
                for x in (a, b):
                    if x != new.entity:
                        add(x, "mergedInto", new.entity, m.start(), m.end(), sent, "merger-renamed", 0.65, dated=True)
