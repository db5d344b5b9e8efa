"""Headless Debian Chromium driven by selenium, for the browser tests and bench/viz.py.

Installed by ``.ci/install.d/chromium.sh`` (``chromium`` and ``chromium-driver``). The browser runs
with a fresh profile and no background networking; ``offline=True`` also makes every host name
unresolvable, so a page that needed a CDN would break.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,900")


def find_chromium() -> tuple[str | None, str | None]:
    """Paths of the browser and its driver, or None for whichever is missing."""
    browser = next((p for p in CHROMIUM_CANDIDATES if os.path.exists(p)), None) or shutil.which("chromium")
    driver = next((p for p in DRIVER_CANDIDATES if os.path.exists(p)), None) or shutil.which("chromedriver")
    return browser, driver


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    browser, driver = find_chromium()
    if browser is None:
        return "chromium is not installed (bash .ci/install.d/chromium.sh)"
    if driver is None:
        return "chromedriver is not installed (bash .ci/install.d/chromium.sh)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


@contextmanager
def chromium(*, offline: bool = True, width: int = 1400, height: int = 900):
    """A selenium ``webdriver.Chrome`` on a throw-away profile; quit and cleaned up on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = find_chromium()
    profile = tempfile.mkdtemp(prefix="pkg-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--window-size={width},{height}")
    opts.add_argument(f"--user-data-dir={profile}")
    if offline:
        # every host name fails to resolve: a CDN script would not load
        opts.add_argument("--host-resolver-rules=MAP * ~NOTFOUND")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_settled(driver, timeout: float = 60.0) -> float:
    """Wait until the page's layout has settled (physics stopped); return its time in ms."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script("return !!(window.photonicsKg && window.photonicsKg.settled)"))
    return driver.execute_script("return window.photonicsKg.settleMs")
