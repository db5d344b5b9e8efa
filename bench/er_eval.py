"""Precision and recall of the name matcher of entity resolution, on a labelled set built from RNSR.

The labelled set: every tutelle of the RNSR export that has a SIRET is named, across the 4,506
structures, by one or more spellings and a sigle ("Université de Bordeaux", "Université
Bordeaux", "BORDEAUX"...). Two names are the same organisation exactly when their SIRENs (first 9
digits of the SIRET) are equal: that is the gold standard, taken from identifiers, not from names.
Every pair of names that the resolver's blocking puts side by side is scored with the resolver's
own normalisation and rapidfuzz score; a pair is predicted a match at a threshold. Printed:
pairs, precision, recall and F1 at the resolver's thresholds (open candidate, accept).

    python bench/er_eval.py [path/to/rnsr.csv]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from photonics_kg.graph.consolidation import ACCEPT, CANDIDATE, blocking_keys, normalise, similarity

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "rnsr" / \
    "fr-esr-structures-recherche-publiques-actives_2022_dataesr.csv"


def labelled_mentions(path: Path) -> list[tuple[str, str]]:
    """(name, SIREN) for every distinct spelling of every tutelle with a SIRET."""
    mentions = set()
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            names = row["tutelles"].split(";")
            sigles = row["sigles_des_tutelles"].split(";")
            sirets = row["siret_des_tutelles"].split(";")
            for i, name in enumerate(names):
                siret = sirets[i] if i < len(sirets) else ""
                if len(siret) != 14:
                    continue
                if name.strip():
                    mentions.add((name.strip(), siret[:9]))
                if i < len(sigles) and sigles[i].strip():
                    mentions.add((sigles[i].strip(), siret[:9]))
    return sorted(mentions)


def evaluate(mentions: list[tuple[str, str]], thresholds=(CANDIDATE, ACCEPT)) -> dict:
    norm = [(normalise(n), s) for n, s in mentions]
    gold_pairs = set()
    by_siren = defaultdict(set)
    for i, (n, s) in enumerate(norm):
        by_siren[s].add(i)
    for members in by_siren.values():
        for a, b in combinations(sorted(members), 2):
            gold_pairs.add((a, b))
    index = defaultdict(set)
    for i, (n, _s) in enumerate(norm):
        for key in blocking_keys(n):
            index[key].add(i)
    scores = {}
    for members in index.values():
        if len(members) > 300:
            continue
        for a, b in combinations(sorted(members), 2):
            if (a, b) in scores:
                continue
            scores[(a, b)] = similarity(norm[a][0], norm[b][0])
    # exact normalised duplicates are compared too (the resolver's exact rule)
    out = {"mentions": len(mentions), "organisations": len(by_siren), "gold_pairs": len(gold_pairs),
           "scored_pairs": len(scores)}
    for t in thresholds:
        predicted = {p for p, s in scores.items() if s >= t}
        tp = len(predicted & gold_pairs)
        precision = tp / len(predicted) if predicted else 0.0
        recall = tp / len(gold_pairs) if gold_pairs else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        variants = {p for p in gold_pairs if len(norm[p[0]][0].split()) >= 2 and len(norm[p[1]][0].split()) >= 2}
        tp_variants = len(predicted & variants)
        out[t] = {"variant_pairs": len(variants), "variant_recall": round(tp_variants / len(variants), 3) if variants else 0.0,
                  "predicted": len(predicted), "true_positives": tp, "precision": round(precision, 3),
                  "recall": round(recall, 3), "f1": round(f1, 3),
                  "false_positives": sorted((mentions[a][0], mentions[b][0]) for a, b in predicted - gold_pairs)[:15]}
    return out


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    result = evaluate(labelled_mentions(path))
    print(f"labelled set: {result['mentions']} names of {result['organisations']} organisations (RNSR tutelles by SIREN); "
          f"{result['gold_pairs']} same-organisation pairs; {result['scored_pairs']} pairs scored after blocking")
    for t in (CANDIDATE, ACCEPT):
        r = result[t]
        print(f"threshold {t:g}: precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
              f"({r['true_positives']} of {r['predicted']} predicted pairs correct); recall on the "
              f"{r['variant_pairs']} pairs of two multi-word spellings (no sigle): {r['variant_recall']:.3f}")
        for a, b in r["false_positives"][:8]:
            print(f"    false match: {a!r} ~ {b!r}")
