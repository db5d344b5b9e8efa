"""The SHACL shapes of ontology/shapes.ttl: every node shape has a valid and an invalid example.

``tests/data/shapes/valid/<Shape>.ttl`` must conform to all the shapes; ``invalid/<Shape>.ttl``
must be reported by that shape only, and every node named ``http://example.org/bad/...`` in it
must be a focus node of a violation (each bad example breaks a rule, none is dead weight). The
ontology is added to each example, as it is in the store, so class targets reach subclasses.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from photonics_kg.config import package_file
from photonics_kg.graph.validate import shapes_graph, validate_graph

SHAPES_DIR = Path(__file__).parent / "data" / "shapes"
SHAPES_NS = "https://w3id.org/photonics-kg/shapes#"
BAD_NS = "http://example.org/bad/"


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return shapes_graph()


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    g = Graph()
    with package_file("ontology", "photonics.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    return g


def node_shapes() -> list[str]:
    """Local names of the named node shapes (the helpers inside sh:or are blank nodes)."""
    return sorted(str(s)[len(SHAPES_NS):] for s in _shapes().subjects(RDF.type, SH.NodeShape)
                  if isinstance(s, URIRef))


def owner(shape_iri: str) -> str:
    """The node shape a reported shape belongs to (itself, or the node shape of a property shape)."""
    g = _shapes()
    node = URIRef(shape_iri)
    if (node, RDF.type, SH.NodeShape) in g:
        return shape_iri
    parents = [str(s) for s in g.subjects(SH.property, node)]
    return parents[0] if len(parents) == 1 else shape_iri


def validate_example(path: Path):
    data = Graph()
    data.parse(path, format="turtle")
    data += _ontology()
    return data, validate_graph(data, _shapes())


def test_example_folders_cover_every_shape():
    valid = sorted(p.stem for p in (SHAPES_DIR / "valid").glob("*.ttl"))
    invalid = sorted(p.stem for p in (SHAPES_DIR / "invalid").glob("*.ttl"))
    assert valid, "tests/data/shapes/valid/ is empty"
    assert invalid, "tests/data/shapes/invalid/ is empty"
    shapes = node_shapes()
    assert shapes, "ontology/shapes.ttl declares no node shape"
    assert set(shapes) - set(valid) == set(), "shapes without a valid example"
    assert set(shapes) - set(invalid) == set(), "shapes without an invalid example"
    assert set(valid) | set(invalid) <= set(shapes), "examples for shapes that do not exist"


def test_every_node_shape_is_documented_and_targeted():
    g = _shapes()
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    for name in node_shapes():
        shape = URIRef(SHAPES_NS + name)
        assert g.value(shape, RDFS.comment) is not None, f"{name} has no rdfs:comment"
        assert any(g.value(shape, t) is not None for t in targets), f"{name} has no target"
        for prop in g.objects(shape, SH.property):
            assert g.value(prop, SH.message) is not None, f"{prop} of {name} has no sh:message"


def test_shape_targets_are_ontology_classes():
    """A misspelt class in sh:targetClass would silently validate nothing."""
    onto = _ontology()
    for cls in _shapes().objects(None, SH.targetClass):
        if str(cls).startswith("https://w3id.org/photonics-kg/ontology#"):
            assert (cls, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in onto, cls


@pytest.mark.parametrize("name", node_shapes())
def test_valid_example_conforms(name):
    path = SHAPES_DIR / "valid" / f"{name}.ttl"
    data, report = validate_example(path)
    assert report.conforms, "\n".join(f"{v.source}: {v.focus}: {v.message}" for v in report.violations)
    # the example must exercise its shape: at least one focus node of the shape's target
    target = _shapes().value(URIRef(SHAPES_NS + name), SH.targetClass)
    if target is not None:
        subclasses = set(onto_subclasses(target)) | {target}
        assert any((None, RDF.type, c) in data for c in subclasses), f"{path.name} has no {target}"


@pytest.mark.parametrize("name", node_shapes())
def test_invalid_example_violates_its_shape(name):
    path = SHAPES_DIR / "invalid" / f"{name}.ttl"
    data, report = validate_example(path)
    assert not report.conforms, f"{path.name} conforms"
    shape_iri = SHAPES_NS + name
    others = [v for v in report.violations if owner(v.source) != shape_iri]
    assert not others, "violations of other shapes: " + "; ".join(f"{v.source}: {v.focus}: {v.message}" for v in others)
    flagged = {v.focus for v in report.violations}
    bad = {str(s) for s in data.subjects() if str(s).startswith(BAD_NS)}
    assert bad, f"{path.name} names no bad: node"
    assert bad <= flagged, f"bad examples not reported: {sorted(bad - flagged)}"
    assert all(v.message and v.message != "None" for v in report.violations)


def onto_subclasses(cls):
    return _ontology().transitive_subjects(RDFS.subClassOf, cls)


def test_fixture_store_conforms(fixture_store):
    report = validate_graph(fixture_store.to_rdflib(union=True))
    assert report.conforms, "\n".join(f"{v.source}: {v.focus}: {v.message}" for v in report.violations[:20])
    assert report.shapes_run == len(node_shapes())
