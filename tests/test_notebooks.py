"""The notebooks in notebooks/: exactly the five of issue 8, committed without outputs, no query
text in their code, and each one runs from top to bottom on the bundled sample (slow)."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
EXPECTED = [
    "01-build-and-explore.ipynb",
    "02-sparql.ipynb",
    "03-network-analysis.ipynb",
    "04-strategy-gaps.ipynb",
    "05-adding-a-source.ipynb",
]
#: what SPARQL text looks like; Python code and prose do not write these
SPARQL = re.compile(r"\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?[?$*(]|\bWHERE\s*\{|\bCONSTRUCT\s*\{|\bASK\s*\{"
                    r"|\bDESCRIBE\s+[?<]|^\s*PREFIX\s+[\w.-]*:\s*<|\b(INSERT|DELETE)\s+(DATA\s*)?\{",
                    re.IGNORECASE | re.MULTILINE)
#: a cell that is a .rq file: ``%%writefile <path>.rq`` (the path may be a {variable} ending in query)
WRITES_RQ = re.compile(r"^%%writefile\s+(\S*\.rq|\{\w*query\w*\})\s*$")


def _read(name: str) -> dict:
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def _code_cells(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def _is_rq_file_cell(source: str) -> bool:
    return bool(WRITES_RQ.match(source.splitlines()[0])) if source.strip() else False


def test_exactly_the_five_notebooks():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_outputs_are_stripped(name):
    nb = _read(name)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, f"{name} has no code cell"
    for i, cell in enumerate(code):
        assert cell.get("outputs") == [], f"{name}: code cell {i} has outputs"
        assert cell.get("execution_count") is None, f"{name}: code cell {i} has an execution count"


def test_sparql_detector_finds_query_text():
    # the guard below must be able to fail
    assert SPARQL.search('text = """PREFIX phot: <https://w3id.org/photonics-kg/ontology#>\nSELECT ?x WHERE { ?x a phot:Firm }"""')
    assert SPARQL.search("store.query('select * where{?s ?p ?o}')")
    assert not SPARQL.search('run("organisations", store, {"type": "phot:Firm"})  # select the firms')
    assert _is_rq_file_cell("%%writefile {own_query}\n# summary: x\nSELECT ?x WHERE { ?x ?p ?o }")
    assert not _is_rq_file_cell("%%writefile notes.txt\nSELECT ?x WHERE { ?x ?p ?o }")


@pytest.mark.parametrize("name", EXPECTED)
def test_no_query_text_in_code_cells(name):
    """Notebooks use the package API and .rq files only; a cell that *is* a .rq file is allowed."""
    for i, source in enumerate(_code_cells(_read(name))):
        if _is_rq_file_cell(source):
            continue
        m = SPARQL.search(source)
        assert m is None, f"{name}: code cell {i} holds SPARQL text ({m.group(0)!r}); put it in a .rq file"


def test_rq_cells_are_library_style_queries():
    """The query of one's own (notebook 02) is written as a .rq file with the library's header."""
    from photonics_kg.queries.library import parse

    cells = [s for name in EXPECTED for s in _code_cells(_read(name)) if _is_rq_file_cell(s)]
    assert cells, "no notebook writes a .rq file of its own"
    for source in cells:
        q = parse(source.split("\n", 1)[1], "own", "file")
        assert q.summary and q.returns and q.form == "SELECT"
        assert [p.name for p in q.params] == ["type"]


@pytest.mark.parametrize("name", EXPECTED)
def test_each_notebook_explains_and_uses_a_temporary_store(name):
    nb = _read(name)
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= 4
    code = "\n".join(_code_cells(nb))
    assert "tempfile" in code and "KGStore(" in code
    assert "PHOTONICS_KG_STORE" not in code and ".local/share" not in code


# -- execution -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory):
    """A kernel spec named ``python3`` running this interpreter (the one with the package installed).

    Put first on JUPYTER_PATH, it wins over any python3 kernel installed elsewhere on the machine.
    """
    try:
        import ipykernel  # noqa: F401
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"notebook tests must run in CI: {exc} (install the test extras)")
        pytest.skip(f"notebook execution needs the test extras: {exc}")
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "photonics-kg tests", "language": "python",
    }), encoding="utf-8")
    return root


def _outputs(nb) -> tuple[str, list[str]]:
    text, kinds = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                text.append(out["text"])
            for kind, value in out.get("data", {}).items():
                kinds.append(kind)
                if kind in ("text/plain", "text/markdown"):
                    text.append(value)
    return "\n".join(text), kinds


#: something each notebook must have printed or drawn (the run did real work, not an empty walk)
MUST_SHOW = {
    "01-build-and-explore.ipynb": ["curated: sample/labs.yaml", "id:cluster/alpha-rlh", "photonics-kg.trig"],
    "02-sparql.ipynb": ["QueryError: query 'organisations' has no parameter kind", "Île-de-France",
                        "text/csv"],
    "03-network-analysis.ipynb": ["CNRS", "communities, modularity", "link_share"],
    "04-strategy-gaps.ipynb": ["strategy-gap report", "cluster-without-research", "precision@10"],
    "05-adding-a-source.ipynb": ["recognised as: rnsr", "phot:partnerOf", "unknown relation 'owns'",
                                 "recognised as: documents", "rule located-at",
                                 "store unchanged: True", "rnsr/example-rnsr-extract"],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs(name, kernel_dir, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join([str(kernel_dir), os.environ.get("JUPYTER_PATH", "")]))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    # generous per-cell limit: the machine running the suite may be busy; speed is not tested here
    NotebookClient(nb, kernel_name="python3", timeout=600, startup_timeout=120,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    text, kinds = _outputs(nb)
    for expected in MUST_SHOW[name]:
        assert expected in text, f"{name}: expected {expected!r} in its outputs"
    figures = {"03-network-analysis.ipynb": 4, "04-strategy-gaps.ipynb": 1}.get(name, 0)
    assert kinds.count("image/png") >= figures, f"{name}: expected {figures} matplotlib figures"
    assert not (NOTEBOOKS / name).read_text(encoding="utf-8").count('"output_type"'), "execution wrote to the file"
