"""Reading documents: encoding, header lines, main text of HTML, size limits.

A document is a ``.txt``, ``.md`` or ``.html`` file. Text files may open with header lines
(``SOURCE: <url>``, ``NOTE: ...``, ``TITLE:``, ``DATE:``, ``PUBLISHER:``, ``LANGUAGE:``): they
describe the document and are not extracted from. Character offsets of evidence index
:attr:`SourceDocument.text` (the decoded file, BOM removed; for HTML, the extracted main text),
so ``doc.text[start:end]`` is the quoted span.

>>> doc = parse_document("SOURCE: https://example.org/a\\nNOTE: test\\n\\nLe pôle Optitec.", name="a.txt")
>>> doc.url, doc.body
('https://example.org/a', 'Le pôle Optitec.')
>>> doc.text[doc.body_start:doc.body_start + 7]
'Le pôle'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from photonics_kg.errors import SourceError

#: file name endings read as documents
EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")
#: a document larger than this is refused: the extractor runs at tens of KB/s, and a file this
#: large is a dump or a mistake, not an article (split it into documents)
MAX_BYTES = 2_000_000
HEADER_KEYS = ("source", "note", "title", "date", "publisher", "language", "lang", "author")
_HEADER = re.compile(r"^(?P<key>[A-Za-z]+)\s*:\s*(?P<value>.*?)\s*$")
_URL = re.compile(r"^https?://[^\s<>\"]+$")
_DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
# UTF-8 read as cp1252 then saved again as UTF-8 ("Ã©" for "é"): the text is garbled, say so
_MOJIBAKE = re.compile(r"[ÃÂ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u20ac\u2122]")


@dataclass
class SourceDocument:
    """One document, decoded, with its header and where its body starts."""

    name: str
    text: str
    body_start: int = 0
    url: str | None = None
    title: str | None = None
    note: str | None = None
    date: str | None = None
    publisher: str | None = None
    language: str | None = None
    encoding: str = "utf-8"
    format: str = "text"
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return self.text[self.body_start:]


def decode(raw: bytes, path=None) -> tuple[str, str]:
    """Decode document bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252.

    Raises :class:`SourceError` for empty, binary or mis-encoded input.

    >>> decode("é".encode("cp1252"))
    ('é', 'cp1252')
    >>> decode(b"\\xef\\xbb\\xbfok")
    ('ok', 'utf-8-sig')
    """
    if not raw.strip():
        raise SourceError("the file is empty", path=path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SourceError(f"declares UTF-16 (byte-order mark) but is not valid UTF-16 (byte {exc.start})",
                              path=path) from None
    if b"\x00" in raw[:8192]:
        raise SourceError("the file is binary, not text (NUL bytes); a document is .txt, .md or .html text",
                          path=path)
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            text, encoding = raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = raw[:exc.start + 3].count(b"\n") + 1
            raise SourceError(f"starts with a UTF-8 byte-order mark but byte {exc.start + 3} is not UTF-8; "
                              "re-save the file as UTF-8", path=path, line=line) from None
    else:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            utf8_error = exc
            try:
                text, encoding = raw.decode("cp1252"), "cp1252"
            except UnicodeDecodeError as exc2:
                line = raw[:exc2.start].count(b"\n") + 1
                raise SourceError(f"neither UTF-8 nor cp1252 text (byte {exc2.start} = 0x{raw[exc2.start]:02x}); "
                                  "re-save the file as UTF-8", path=path, line=line) from None
            if _MOJIBAKE.search(text):
                # valid UTF-8 sequences next to a stray byte: two encodings mixed in one file
                line = raw[:utf8_error.start].count(b"\n") + 1
                raise SourceError(f"mixes encodings: UTF-8 text with a byte that is not UTF-8 "
                                  f"(byte {utf8_error.start} = 0x{raw[utf8_error.start]:02x}); re-save the file as UTF-8",
                                  path=path, line=line) from None
    controls = sum(1 for c in text[:8192] if ord(c) < 32 and c not in "\t\n\r\f\v")
    if controls > max(8, len(text[:8192]) // 100):
        raise SourceError(f"the file is binary, not text ({controls} control characters)", path=path)
    m = _MOJIBAKE.search(text)
    if m and len(_MOJIBAKE.findall(text)) >= 2:
        line = text[:m.start()].count("\n") + 1
        raise SourceError(f"the text is garbled ({m.group()!r}): it was decoded with the wrong encoding and "
                          "saved again; re-save it from the original as UTF-8", path=path, line=line)
    return text, encoding


def parse_document(text: str, *, name: str, encoding: str = "utf-8", path: Path | None = None,
                   html: bool = False) -> SourceDocument:
    """Split a decoded text into header and body (HTML: keep the main text only)."""
    doc = SourceDocument(name=name, text=text, encoding=encoding, path=path)
    if html:
        main = html_main_text(text)
        doc.text, doc.format = main.text, "html"
        doc.url, doc.title = main.url, main.title
        return doc
    doc.format = "markdown" if name.lower().endswith((".md", ".markdown")) else "text"
    pos, line_no = 0, 0
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        line_no += 1
        m = _HEADER.match(line)
        if not m or m.group("key").lower() not in HEADER_KEYS:
            break
        key, value = m.group("key").lower(), m.group("value")
        if key == "source":
            if not _URL.match(value):
                raise SourceError(f"SOURCE must be an http(s) URL (got {value!r})", path=path or name,
                                  line=line_no, field="SOURCE")
            doc.url = value
        elif key == "date":
            if not _DATE.match(value):
                raise SourceError(f"DATE must be YYYY or YYYY-MM-DD (got {value!r})", path=path or name,
                                  line=line_no, field="DATE")
            doc.date = value
        elif key in ("language", "lang"):
            doc.language = value
        else:
            setattr(doc, key if key != "author" else "publisher", value)
        pos = end + 1
    while pos < len(text) and text[pos] in "\r\n":
        pos += 1
    doc.body_start = min(pos, len(text))
    return doc


def read_document(path: Path) -> SourceDocument:
    """Read one document file; :class:`SourceError` with a clear message when it cannot be."""
    path = Path(path)
    if not path.is_file():
        raise SourceError("no such file", path=path)
    if not path.name.lower().endswith(EXTENSIONS):
        raise SourceError(f"not a document; allowed extensions: {', '.join(EXTENSIONS)}", path=path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise SourceError(f"too large for a document ({size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB): "
                          "split it into documents", path=path)
    text, encoding = decode(path.read_bytes(), path=path)
    html = path.name.lower().endswith((".html", ".htm"))
    doc = parse_document(text, name=path.name, encoding=encoding, path=path, html=html)
    if not doc.body.strip():
        raise SourceError("the document has no text after its header" if not html else
                          "the page has no main text", path=path)
    return doc


# -- HTML --------------------------------------------------------------------------------------
_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
         "iframe", "button", "select", "head"}
_BLOCK = {"p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
          "br", "tr", "table", "blockquote", "pre", "dd", "dt", "figcaption", "hr"}


@dataclass
class _Main:
    text: str
    title: str | None
    url: str | None


class _Extractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: dict[str, list[str]] = {"body": [], "article": [], "main": []}
        self.skip = 0
        self.inside = {"article": 0, "main": 0}
        self.title_parts: list[str] = []
        self.in_title = False
        self.url = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "title":
            self.in_title = True
        if tag == "link" and (a.get("rel") or "").lower() == "canonical" and a.get("href"):
            self.url = self.url or a["href"]
        if tag == "meta" and (a.get("property") or "").lower() == "og:url" and a.get("content"):
            self.url = self.url or a["content"]
        if tag in _SKIP:
            self.skip += 1
        if tag in self.inside:
            self.inside[tag] += 1
        if tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _SKIP and self.skip:
            self.skip -= 1
        if tag in _BLOCK:
            self._emit("\n")
        if tag in self.inside and self.inside[tag]:
            self.inside[tag] -= 1

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
            return
        if not self.skip:
            self._emit(data)

    def _emit(self, data):
        self.parts["body"].append(data)
        for k, n in self.inside.items():
            if n:
                self.parts[k].append(data)


def _tidy(parts: list[str]) -> str:
    text = "".join(parts).replace("\r", "")
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    out, blank = [], False
    for line in lines:
        if not line:
            if out and not blank:
                out.append("")
            blank = True
            continue
        out.append(line)
        blank = False
    return "\n".join(out).strip()


def html_main_text(html: str) -> _Main:
    """The main text of an HTML page: ``<article>``, else ``<main>``, else the body without menus.

    >>> html_main_text("<html><title>T</title><nav>menu</nav><article><p>Un.</p><p>Deux.</p></article></html>").text
    'Un.\\n\\nDeux.'
    """
    p = _Extractor()
    try:
        p.feed(html)
        p.close()
    except Exception as exc:  # html.parser is lenient; anything raised means unreadable markup
        raise SourceError(f"unreadable HTML: {exc}") from None
    for key in ("article", "main", "body"):
        text = _tidy(p.parts[key])
        if len(text) >= 40 or (key == "body" and text):
            break
    title = re.sub(r"\s+", " ", "".join(p.title_parts)).strip() or None
    url = p.url if p.url and _URL.match(p.url) else None
    return _Main(text, title, url)
