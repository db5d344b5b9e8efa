"""HTML documentation of the ontology (``ontology/photonics.ttl``), rendered with pyLODE.

pyLODE is optional: :func:`render_html` raises :class:`~photonics_kg.errors.ConfigError` naming
the package to install when it is missing. pyLODE titles each term with its ``rdfs:label`` and
runs all the labels of a term together ("firmentreprise"), so the graph handed to it keeps the
English label as the title and turns the other labels into notes ("French label: entreprise").

>>> g = documentation_graph()
>>> from photonics_kg.namespaces import PHOT, RDFS
>>> sorted(str(label) for label in g.objects(PHOT.Firm, RDFS.label))
['firm']
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS

from photonics_kg.config import package_file
from photonics_kg.errors import ConfigError

LANGUAGES = {"fr": "French", "en": "English"}


def documentation_graph() -> Graph:
    """The ontology as pyLODE should see it: one title per term, the other labels as notes."""
    g = Graph()
    with package_file("ontology", "photonics.ttl").open("rb") as f:
        g.parse(f, format="turtle")
    for subject in set(g.subjects(RDFS.label, None)):
        labels = list(g.objects(subject, RDFS.label))
        english = [label for label in labels if getattr(label, "language", None) == "en"]
        if len(labels) < 2 or not english:
            continue
        for label in labels:
            if label is english[0]:
                continue
            g.remove((subject, RDFS.label, label))
            language = LANGUAGES.get(label.language or "", label.language or "other")
            g.add((subject, SKOS.note, Literal(f"{language} label: {label}", lang="en")))
    return g


@contextmanager
def _root_logger_untouched():
    # pyLODE calls logging.basicConfig(level=DEBUG) on import and logs through the root logger
    # (logging.info), which installs a handler on it: debug output for every library in the
    # process. While the root logger has a handler of its own, both are no-ops.
    root = logging.getLogger()
    guard = None if root.handlers else logging.NullHandler()
    if guard is not None:
        root.addHandler(guard)
    try:
        yield
    finally:
        if guard is not None:
            root.removeHandler(guard)


def render_html(*, include_css: bool = True) -> str:
    """The ontology's HTML documentation page (a self-contained page when ``include_css``)."""
    with _root_logger_untouched():
        try:
            from pylode import OntPub
        except ImportError:
            raise ConfigError("HTML documentation needs pyLODE: pip install 'pylode>=3.3.4,!=3.4.1'") from None
        return OntPub(documentation_graph()).make_html(include_css=include_css)
