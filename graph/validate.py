"""Validation: the SHACL shapes of ``ontology/shapes.ttl`` and the ``queries/checks/*-violation.rq``.

Each check query returns one row per violation and must return none on clean data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from photonics_kg.config import package_file
from photonics_kg.graph.store import KGStore


@dataclass
class Violation:
    source: str          #: shape or check name
    focus: str
    message: str
    path: str | None = None


@dataclass
class ValidationReport:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    checks_run: int = 0
    shapes_run: int = 0


def shapes_graph() -> Graph:
    g = Graph()
    with package_file("ontology", "shapes.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    return g


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    """SHACL-validate an rdflib graph (which should include the ontology, for class hierarchies)."""
    import pyshacl
    from rdflib.namespace import SH

    shapes = shapes if shapes is not None else shapes_graph()
    conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                                allow_warnings=True)
    violations = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        path = results.value(result, SH.resultPath)
        shape = results.value(result, SH.sourceShape)
        violations.append(Violation(str(shape), str(focus), str(message), str(path) if path else None))
    from rdflib.namespace import RDF

    n_shapes = len(set(shapes.subjects(RDF.type, SH.NodeShape)))
    return ValidationReport(conforms=not violations, violations=violations, shapes_run=n_shapes)


def run_checks(store: KGStore) -> tuple[int, list[Violation]]:
    """Run every ``*-violation.rq`` check; each row is a violation."""
    from photonics_kg.queries.library import all_queries

    out = []
    checks = [q for q in all_queries(("checks",)) if q.name.endswith("-violation")]
    for q in checks:
        for row in store.select(q.text):
            focus = str(row.get("focus") or next(iter(row.values()), ""))
            out.append(Violation(q.name, focus, str(row.get("message") or q.summary)))
    return len(checks), out


def validate_store(store: KGStore) -> ValidationReport:
    report = validate_graph(store.to_rdflib(union=True))
    n, violations = run_checks(store)
    report.checks_run = n
    report.violations.extend(violations)
    report.conforms = not report.violations
    return report
