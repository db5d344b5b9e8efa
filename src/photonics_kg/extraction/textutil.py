"""Text helpers shared by the extractor: same-length normalisation, name folding, tokens.

:func:`view` replaces typographic characters one for one (so offsets into the view are offsets
into the original text); :func:`fold` turns a name into the key names are compared on (the
evaluation's normalisation: case, accents, punctuation and a leading article ignored).

>>> fold("L’Institut d’ Optique")
'institut d optique'
>>> fold("ALPHA-RLH") == fold("Alpha RLH")
True
>>> len(view("l’AFOP « x »")) == len("l’AFOP « x »")
True
"""

from __future__ import annotations

import re
import unicodedata

_SAME_LENGTH = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
    "\u2010": "-", "\u2011": "-", "\u00ad": "-",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\t": " ",
})
_ARTICLE = re.compile(r"^(le|la|les|l|du|de la|des|d)\s+")
_NON_WORD = re.compile(r"[^\w%]+")
TOKEN = re.compile(r"[^\W_]+")


def view(text: str) -> str:
    """The text with typographic apostrophes, spaces and quotes made plain, same length."""
    return text.translate(_SAME_LENGTH)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Casefold, strip accents and punctuation, drop a leading French article."""
    text = strip_accents(str(text)).replace("\u2019", "'").casefold()
    text = _NON_WORD.sub(" ", text).strip()
    return _ARTICLE.sub("", text).strip()


def fold_token(token: str) -> str:
    """One alphanumeric token, accents stripped and casefolded (``Énergie`` -> ``energie``)."""
    return strip_accents(token).casefold()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Alphanumeric tokens of ``text[start:end]`` as (folded, start, end), offsets into ``text``.

    >>> [t[0] for t in tokens("Sup’ Optique, ALPHA-RLH")]
    ['sup', 'optique', 'alpha', 'rlh']
    """
    end = len(text) if end is None else end
    return [(fold_token(m.group()), m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]


def is_capitalised(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0].isdigit())


def is_acronym(word: str) -> bool:
    """An acronym: 2+ capitals, maybe digits, dashes or '&' (``CNOP``, ``ALPHA-RLH``, ``EMC2``).

    >>> is_acronym("WNLO"), is_acronym("Sagem"), is_acronym("iD4CAR")
    (True, False, True)
    """
    letters = [c for c in word if c.isalpha()]
    caps = sum(1 for c in letters if c.isupper())
    return len(word) >= 2 and caps >= 2 and caps >= len(letters) - 2 and not any(c.isspace() for c in word)


def squash(text: str) -> str:
    """Collapse runs of white space (labels are written on one line)."""
    return re.sub(r"\s+", " ", text).strip()


def _flat_table() -> dict[int, str]:
    table = {}
    for i in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        c = chr(i)
        base = unicodedata.normalize("NFKD", c)[:1]
        if base and base != c and base.isalpha():
            table[i] = base.lower()
    table[ord("œ")] = "œ"
    return table


_FLAT = _flat_table()


def flat(text: str) -> str:
    """Lower case without accents, same length as ``text`` (for accent-blind trigger patterns).

    >>> flat("Pôle de Compétitivité")
    'pole de competitivite'
    """
    return view(text).replace("\u0130", "I").lower().translate(_FLAT)
