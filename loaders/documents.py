"""Documents: French or English texts (.txt, .md, .html) become entities and facts with evidence.

A file, or every document of a folder, is read (encoding detected: UTF-8, UTF-8 with BOM,
UTF-16 with BOM, cp1252), its header lines (``SOURCE: <url>``, ``NOTE: ...``) become the
document's provenance, and the extractor (:mod:`photonics_kg.extraction`) finds organisations,
places, domains, people, programmes and events and the relations the text states. Each document
is one named graph, ``graph/documents/<file name>``; every entity and fact carries an evidence
node quoting the span that states it.

Entities are linked to what the store already knows (set by ``graph.build.build`` as
:attr:`Loader.store`, plus the graphs read earlier in the same build): by identifier, normalised
name, then fuzzy match; otherwise a new IRI is minted. The report says how many were linked.
"""

from __future__ import annotations

from pathlib import Path

from photonics_kg import iri as iris
from photonics_kg.errors import SourceError
from photonics_kg.extraction.reading import EXTENSIONS, read_document
from photonics_kg.loaders.base import LoadedGraph, Loader, LoadReport, register


def document_files(path: Path) -> list[Path]:
    """The documents of a folder (not recursive, hidden files skipped), or the file itself."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name.lower().endswith(EXTENSIONS))


def read_documents(paths: list[Path]):
    """Read every document; one SourceError listing every file that cannot be read."""
    docs, problems = [], []
    for p in paths:
        try:
            docs.append(read_document(p))
        except SourceError as exc:
            problems.append((exc.line, p.name, exc.message))
    if problems:
        if len(paths) == 1:
            line, _, message = problems[0]
            raise SourceError(message, path=paths[0], line=line)
        raise SourceError(f"{len(problems)} of {len(paths)} documents cannot be read; nothing was loaded",
                          path=paths[0].parent, problems=problems)
    return docs


@register
class DocumentsLoader(Loader):
    """Extracts facts from documents; a folder gives one named graph per document."""

    name = "documents"
    extensions = EXTENSIONS
    reads_folders = True

    @classmethod
    def sniff(cls, path: Path) -> bool:
        if path.is_dir():
            return any(True for _ in document_files(path))
        return path.is_file() and path.name.lower().endswith(cls.extensions)

    def load(self, path: Path, report: LoadReport, progress=None) -> list[LoadedGraph]:
        import sys

        from tqdm import tqdm

        from photonics_kg.extraction.gazetteer import Gazetteer
        from photonics_kg.extraction.pipeline import Extractor, write_rdf

        files = document_files(path)
        if not files:
            raise SourceError(f"no document in this folder ({', '.join(EXTENSIONS)})", path=path)
        docs = read_documents(files)
        gazetteer = Gazetteer.from_store(self.store, self.earlier or ())
        extractor = Extractor(gazetteer)
        graphs: list[LoadedGraph] = []
        linked = minted = relations = 0
        encodings: dict[str, int] = {}
        bar = tqdm(extractor.extract_many(docs), total=len(docs), desc="extracting", unit="doc",
                   disable=progress is False or (progress is None and not sys.stderr.isatty()))
        for result in bar:
            d = result.doc
            writer = write_rdf(result)
            graphs.append(LoadedGraph(iris.graph_iri(self.name, d.name), writer.graph, title=d.title or d.name,
                                      url=d.url, format=f"document-{d.format}"))
            linked += sum(1 for e in result.entities if e.linked)
            minted += sum(1 for e in result.entities if not e.linked)
            relations += len(result.relations)
            encodings[d.encoding] = encodings.get(d.encoding, 0) + 1
        report.rows_read = len(docs)
        report.notes.append(f"{len(docs)} document(s), encodings: "
                            + ", ".join(f"{k} {v}" for k, v in sorted(encodings.items())))
        report.notes.append(f"entities: {linked} linked to the store, {minted} minted; relations: {relations}; "
                            f"gazetteer: {len(gazetteer)} known entities")
        return graphs
