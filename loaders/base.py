"""The loader contract and registry.

A loader reads one source (a file, a folder, a URL) and returns the RDF of one named graph with a
:class:`LoadReport` (rows read, triples written, rows rejected with reasons). Loaders register by
name with :func:`register`; ``photonics-kg build LOADER=PATH`` picks one by name, and a bare PATH
is offered to each loader's :meth:`Loader.sniff` in turn (registry files are recognised by their
header, documents by their extension).

>>> {"curated", "ontology", "rdf"} <= set(available())
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import ClassVar

from rdflib import Graph, URIRef

from photonics_kg import __version__
from photonics_kg.errors import ConfigError, SourceError

_REGISTRY: dict[str, type["Loader"]] = {}


@dataclass
class Rejected:
    line: int | None
    field: str | None
    reason: str


@dataclass
class LoadReport:
    """What a load did: for the user, and for the data maintainer's yearly reload."""

    source: str
    loader: str
    rows_read: int = 0
    triples: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: bool = False
    seconds: float = 0.0

    def reject(self, line: int | None, field_name: str | None, reason: str) -> None:
        self.rejected.append(Rejected(line, field_name, reason))

    def summary(self) -> str:
        if self.skipped:
            return f"{self.loader}: {self.source}: unchanged, kept ({self.triples} triples)"
        text = f"{self.loader}: {self.source}: {self.triples} triples"
        if self.rows_read:
            text += f" from {self.rows_read} records"
        if self.rejected:
            text += f", {len(self.rejected)} rejected"
        return text + f" ({self.seconds:.2f} s)"


@dataclass
class LoadedGraph:
    """One graph a loader produced, ready for :meth:`KGStore.replace_graph`."""

    graph_iri: URIRef
    graph: Graph
    title: str | None = None
    url: str | None = None
    sample: bool = False
    format: str | None = None
    synthetic: bool = False            #: generated data (benchmarks, tests); never mixed with real data


class Loader:
    """Base class. Subclasses set :attr:`name`, implement :meth:`load`, and may implement :meth:`sniff`."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = __version__
    #: file name endings this loader reads (for error messages and sniffing)
    extensions: ClassVar[tuple[str, ...]] = ()
    #: True when the loader takes a whole folder itself (build then passes the folder)
    reads_folders: ClassVar[bool] = False
    #: the store being built, set by ``graph.build.build`` before :meth:`load`, for loaders that
    #: need what is already known (the document extractor's gazetteer); None when loading alone
    store = None
    #: graphs read earlier in the same build (not yet in the store), for the same purpose
    earlier: list = []

    @classmethod
    def sniff(cls, path: Path) -> bool:
        """True when this loader recognises ``path`` (by extension or header)."""
        return path.is_file() and path.name.lower().endswith(cls.extensions)

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        """Read ``path``; return the graphs to store. Raise :class:`SourceError` on bad input."""
        raise NotImplementedError


def register(cls: type[Loader]) -> type[Loader]:
    """Class decorator registering a loader under ``cls.name``."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def _import_all() -> None:
    """Import every module of ``photonics_kg.loaders``: each registers its loaders."""
    import pkgutil

    import photonics_kg.loaders as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "base" and not info.name.startswith("_"):
            import_module(f"photonics_kg.loaders.{info.name}")


def available() -> dict[str, type[Loader]]:
    _import_all()
    return dict(_REGISTRY)


def get(name: str) -> Loader:
    loaders = available()
    if name not in loaders:
        raise ConfigError(f"unknown loader {name!r}; allowed: {', '.join(sorted(loaders))}")
    return loaders[name]()


def detect(path: Path) -> Loader:
    """The loader for ``path``, recognised by its header or extension."""
    if not path.exists():
        raise SourceError("no such file or folder", path=path)
    for name, cls in available().items():
        if cls.sniff(path):
            return cls()
    known = ", ".join(f"{n} ({', '.join(c.extensions) or 'by header'})" for n, c in sorted(available().items()))
    raise SourceError(f"cannot tell what kind of source this is; name a loader as LOADER=PATH. Loaders: {known}",
                      path=path)


def first_data_line(path: Path, suffix: str = ".csv") -> str | None:
    """The first line of a ``suffix`` file that is not a ``#`` comment, stripped; None otherwise.

    Table loaders recognise their files by this header line.
    """
    if not (path.is_file() and path.suffix.lower() == suffix):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("#"):
                return line.strip()
    return None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_text(path: Path) -> tuple[str, str]:
    """Read a text file as UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252.

    Returns (text, encoding). Raises :class:`SourceError` for an empty or binary file, or one in
    no encoding it knows (naming the line of the first byte it could not read).
    """
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):      # Windows "Unicode" (UTF-16) text
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SourceError(f"starts like UTF-16 text but is not ({exc.reason})", path=path) from None
    if not raw.strip():
        raise SourceError("the file is empty", path=path)
    if b"\x00" in raw[:4096]:
        raise SourceError("the file is binary, not text", path=path)
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = raw[:exc.start + 3].count(b"\n") + 1
            raise SourceError(f"starts like UTF-8 text but is not (byte {exc.start + 3})", path=path, line=line) from None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise SourceError(f"not UTF-8 nor cp1252 text (byte {exc.start}: 0x{raw[exc.start]:02x}); "
                              f"save the file as UTF-8", path=path, line=line) from None
