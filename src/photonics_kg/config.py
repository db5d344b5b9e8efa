"""Where things are: the store location and the bundled package data.

The store is chosen, in order, by ``--store DIR``, the ``PHOTONICS_KG_STORE`` environment
variable, or the default ``$XDG_DATA_HOME/photonics-kg/store`` (``~/.local/share/photonics-kg/store``).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

STORE_ENV = "PHOTONICS_KG_STORE"


def default_store_path() -> Path:
    """Return the store directory used when neither ``--store`` nor the environment names one.

    >>> str(default_store_path()).endswith("photonics-kg/store")
    True
    """
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "photonics-kg" / "store"


def package_file(package: str, name: str):
    """A bundled file of ``photonics_kg.<package>`` as an importlib Traversable.

    >>> package_file("ontology", "photonics.ttl").is_file()
    True
    """
    return resources.files(f"photonics_kg.{package}").joinpath(name)


def sample_sources() -> list[Path]:
    """The bundled sample sources, in load order (regions first: they place the others).

    >>> [p.name for p in sample_sources()][:1]
    ['regions.yaml']
    """
    folder = resources.files("photonics_kg.sample")
    order = ["regions.yaml", "seeds.yaml", "ecosystem.yaml", "labs.yaml"]
    present = {p.name: Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".csv"))}
    ordered = [present.pop(n) for n in order if n in present]
    return ordered + [present[n] for n in sorted(present)]
