"""Run the examples in every module's docstrings (they are documentation that must stay true)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import photonics_kg


def _modules():
    # the design card's folders are mapped subpackages: walk each one by its own __path__
    names = []
    for package in ("photonics_kg", "photonics_kg.graph", "photonics_kg.loaders", "photonics_kg.queries",
                    "photonics_kg.commands", "photonics_kg.extraction"):
        pkg = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.iter_modules(pkg.__path__, package + "."):
            if not info.name.endswith("__main__") and not info.ispkg:
                names.append(info.name)
    return sorted(set(names))


def test_modules_are_found():
    names = _modules()
    assert "photonics_kg.graph.store" in names and "photonics_kg.loaders.base" in names


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
