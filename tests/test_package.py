"""The distribution: one import name, every subpackage and data file in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    wheels = list(out.glob("photonics_kg-*.whl"))
    assert len(wheels) == 1
    return zipfile.ZipFile(wheels[0])


@pytest.mark.slow
def test_wheel_holds_every_subpackage(wheel):
    names = set(wheel.namelist())
    for package in ("photonics_kg", "photonics_kg/ontology", "photonics_kg/graph", "photonics_kg/loaders",
                    "photonics_kg/queries", "photonics_kg/sample", "photonics_kg/commands"):
        assert f"{package}/__init__.py" in names, package


@pytest.mark.slow
def test_wheel_holds_every_ttl_rq_and_sample_file(wheel):
    names = set(wheel.namelist())
    expected = []
    for folder, pattern, package in (("ontology", "*.ttl", "ontology"), ("queries", "**/*.rq", "queries"),
                                     ("sample", "*.yaml", "sample"), ("graph", "templates/*", "graph")):
        for f in sorted((ROOT / folder).glob(pattern)):
            expected.append(f"photonics_kg/{package}/{f.relative_to(ROOT / folder).as_posix()}")
    assert any(e.endswith(".ttl") for e in expected) and any(e.endswith(".rq") for e in expected)
    missing = [e for e in expected if e not in names]
    assert not missing


@pytest.mark.slow
def test_wheel_installs_no_bare_top_level_package(wheel):
    tops = {n.split("/")[0] for n in wheel.namelist()}
    assert tops - {"photonics_kg"} <= {n for n in tops if n.endswith(".dist-info")}
    entry = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "photonics-kg = photonics_kg.cli:main" in wheel.read(entry[0]).decode()


def test_console_script_runs():
    proc = subprocess.run([sys.executable, "-m", "photonics_kg", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "0.1.0" in proc.stdout
