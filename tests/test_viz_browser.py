"""The network page in a real headless Chromium (Debian's chromium + chromedriver, via selenium).

The browser cannot resolve any host name (``--host-resolver-rules``), so the page must work from
what is inlined in it. Expected numbers are those of tests/test_viz.py, worked out by hand from the
fixture graph. A screenshot of each page is saved under test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from photonics_kg.graph import viz

import chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
ID = "https://w3id.org/photonics-kg/id/"
QUANTEL = ID + "firm/quantel"
RDL = ID + "cluster/route-des-lasers"
WNLO = ID + "lab/laboratoire-national-d-optoelectronique-de-wuhan"


@pytest.fixture(scope="module")
def browser():
    reason = chromium.missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    with chromium.chromium(offline=True) as driver:
        yield driver


@pytest.fixture(scope="module")
def pages(fixture_store, tmp_path_factory):
    graph = viz.graph_from_store(fixture_store)
    folder = tmp_path_factory.mktemp("pages")
    out = {}
    for name, kwargs in {
        "whole": {},
        "ego": {"sel": viz.Selection(focus="Quantel", depth=2)},
        "aggregated": {"max_nodes": 10},
    }.items():
        path = folder / f"{name}.html"
        path.write_text(viz.make_page(graph, title=f"Fixture: {name}", **kwargs).html, encoding="utf-8")
        out[name] = path
    return out


def open_page(driver, path: Path) -> None:
    driver.get_log("browser")                      # forget what earlier pages logged
    driver.get(path.as_uri())
    chromium.wait_settled(driver, timeout=60)


def counts(driver) -> dict:
    return driver.execute_script("return window.photonicsKg.counts()")


def severe_logs(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def save_screenshot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"viz-{name}.png"
    driver.save_screenshot(str(path))
    return path


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def drawn_pixels(driver) -> int:
    """Non-white pixels on the network canvas: something was actually drawn."""
    return driver.execute_script("""
        const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) { if (d[i+3] > 0 && (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235)) n++; }
        return n;""")


def test_whole_page_loads_offline_without_errors(browser, pages):
    open_page(browser, pages["whole"])
    assert severe_logs(browser) == []
    assert counts(browser) == {"nodes": 14, "edges": 14, "visibleNodes": 14, "visibleEdges": 14,
                               "drawnNodes": 14, "drawnEdges": 14}
    # the layout settled and physics was switched off
    assert browser.execute_script("return window.photonicsKg.network.physics.options.enabled") is False
    # nothing was fetched over the network: every resource is inline
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).filter(n => /^https?:/.test(n))")
    assert fetched == []
    assert drawn_pixels(browser) > 2000
    shot = save_screenshot(browser, "whole")
    assert png_size(shot)[0] >= 1000
    assert "14 nodes, 14 ties." in browser.find_element("id", "stats").text
    legend = browser.find_element("id", "legend").text
    assert "Cluster (pôle)" in legend and "merged into" in legend


def test_filter_menus_change_what_is_visible(browser, pages):
    from selenium.webdriver.support.ui import Select

    open_page(browser, pages["whole"])
    Select(browser.find_element("id", "f-region")).select_by_value("Nouvelle-Aquitaine")
    c = counts(browser)
    assert (c["visibleNodes"], c["visibleEdges"], c["drawnNodes"], c["drawnEdges"]) == (5, 3, 5, 3)
    assert "Showing 5 of 14 nodes, 3 of 14 ties" in browser.find_element("id", "stats").text
    save_screenshot(browser, "filter-region")

    browser.find_element("id", "reset").click()
    assert counts(browser)["drawnNodes"] == 14
    Select(browser.find_element("id", "f-type")).select_by_value("Firm")
    assert (counts(browser)["drawnNodes"], counts(browser)["drawnEdges"]) == (5, 0)
    Select(browser.find_element("id", "f-type")).select_by_value("")
    Select(browser.find_element("id", "f-cluster")).select_by_value("Route des Lasers")
    assert (counts(browser)["drawnNodes"], counts(browser)["drawnEdges"]) == (4, 3)
    browser.find_element("id", "reset").click()
    Select(browser.find_element("id", "f-domain")).select_by_value("Santé et Vivant")
    assert (counts(browser)["drawnNodes"], counts(browser)["drawnEdges"]) == (2, 0)
    browser.find_element("id", "reset").click()
    Select(browser.find_element("id", "f-year")).select_by_value("2017")
    assert (counts(browser)["drawnNodes"], counts(browser)["drawnEdges"]) == (12, 7)
    Select(browser.find_element("id", "f-year")).select_by_value("2010")
    assert (counts(browser)["drawnNodes"], counts(browser)["drawnEdges"]) == (13, 11)
    browser.find_element("id", "reset").click()
    assert counts(browser)["drawnEdges"] == 14
    assert severe_logs(browser) == []


def test_search_finds_a_node(browser, pages):
    from selenium.webdriver.common.keys import Keys

    open_page(browser, pages["whole"])
    box = browser.find_element("id", "search")
    box.send_keys("quantel", Keys.ENTER)
    assert browser.execute_script("return window.photonicsKg.network.getSelectedNodes()") == [QUANTEL]
    assert browser.find_element("id", "search-result").text == "Found Quantel."
    details = browser.find_element("id", "details").text
    assert "Quantel" in details and "Route des Lasers and Wuhan" in details and "member of" in details
    box.clear()
    box.send_keys("wnlo", Keys.ENTER)                         # an alias
    assert browser.execute_script("return window.photonicsKg.network.getSelectedNodes()") == [WNLO]
    box.clear()
    box.send_keys("nobody at all", Keys.ENTER)
    assert "No node matches" in browser.find_element("id", "search-result").text
    save_screenshot(browser, "search")


def test_clicking_a_node_shows_its_details_and_sources(browser, pages):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, pages["whole"])
    pos = browser.execute_script(f"""
        const net = window.photonicsKg.network;
        const p = net.canvasToDOM(net.getPositions(['{RDL}'])['{RDL}']);
        const r = document.getElementById('network').getBoundingClientRect();
        return [p.x - r.width / 2, p.y - r.height / 2];""")
    canvas = browser.find_element("css selector", "#network canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, int(pos[0]), int(pos[1])).click().perform()
    details = browser.find_element("id", "details").text
    assert "Route des Lasers" in details.splitlines()[1]
    assert "Les pôles Route des lasers et Elopsys fusionnent" in details      # a source with its link
    links = browser.find_elements("css selector", "#details a")
    assert any(a.get_attribute("href").startswith("http://objectifaquitaine.latribune.fr/") for a in links)
    # hovering shows the tooltip with the same facts
    tip = browser.find_elements("css selector", "div.vis-tooltip")
    assert tip and "Sources:" in browser.execute_script("return arguments[0].innerText", tip[0])


def test_ego_page(browser, pages):
    open_page(browser, pages["ego"])
    assert severe_logs(browser) == []
    c = counts(browser)
    assert (c["drawnNodes"], c["drawnEdges"]) == (7, 8)
    assert browser.execute_script("return window.photonicsKg.network.getSelectedNodes()") == [QUANTEL]
    assert "Ego network of Quantel" in browser.find_element("id", "panel").text
    save_screenshot(browser, "ego")


def test_aggregated_page_says_so(browser, pages):
    open_page(browser, pages["aggregated"])
    assert severe_logs(browser) == []
    c = counts(browser)
    assert (c["drawnNodes"], c["drawnEdges"]) == (4, 3)
    panel = browser.find_element("id", "panel").text
    assert "Aggregated view: 14 organisations are too many to draw one by one" in panel
    assert browser.find_element("id", "filters").get_attribute("disabled") is not None
    save_screenshot(browser, "aggregated")


@pytest.mark.parametrize("layout", ["auto", "physics"])
def test_bigger_page_opens_still(browser, tmp_path, layout):
    """400 SYNTHETIC nodes: laid out when written (auto), or by vis physics stopped at the deadline."""
    from test_viz import ring_of_rings

    if layout == "auto":
        pytest.importorskip("igraph")
    path = tmp_path / f"big-{layout}.html"
    path.write_text(viz.make_page(ring_of_rings(400), layout=layout, title="Synthetic rings").html, encoding="utf-8")
    open_page(browser, path)
    assert severe_logs(browser) == []
    c = counts(browser)
    assert (c["drawnNodes"], c["drawnEdges"]) == (400, 439)
    state = browser.execute_script(
        "const k = window.photonicsKg; return [k.precomputed, k.network.physics.options.enabled, k.settleMs]")
    assert state[0] is (layout == "auto") and state[1] is False
    assert drawn_pixels(browser) > 2000
    save_screenshot(browser, f"synthetic-400-{layout}")
