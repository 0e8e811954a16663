"""Headless Chromium for the page tests, driven through chromedriver by Selenium.

The browser starts with background networking off and a fresh profile, so a page that tried to
load anything from the network would fail visibly rather than quietly. Tests that use it are
skipped, with the reason, only when Chromium or chromedriver is not installed (the README's
test command installs them first, with tools/test-deps).
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--no-default-browser-check", "--window-size=1400,900")


def chromium_paths() -> tuple[str | None, str | None]:
    binary = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    return binary, shutil.which("chromedriver")


def start(profile: Path, env: dict[str, str] | None = None):
    """A headless Chromium with a fresh profile (and the environment given, e.g. FONTCONFIG_FILE
    to choose the fonts it sees); pytest.skip when Chromium is absent."""
    binary, driver = chromium_paths()
    if not binary or not driver:
        pytest.skip("Chromium or chromedriver is not installed (run: tools/test-deps, "
                    "or sudo apt-get install chromium chromium-driver fonts-noto-cjk)")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = binary
    for flag in FLAGS + (f"--user-data-dir={profile}",):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"      # an alert() stays open, for the test to find
    service = Service(executable_path=driver, env={**os.environ, **env} if env else None)
    return webdriver.Chrome(service=service, options=options)


def open_page(driver, page: Path, timeout: float = 120) -> dict:
    """Load a page and wait until its layout has settled and it has drawn; its kgPage report."""
    driver.get(page.resolve().as_uri())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = driver.execute_script("return window.kgPage ? window.kgPage.state : null")
        if state == "ready":
            return driver.execute_script("return window.kgPage")
        time.sleep(0.1)
    raise AssertionError(f"{page} did not finish drawing in {timeout} s")


def console_errors(driver) -> list[dict]:
    """Console entries at error level since the last call."""
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def ink(driver) -> int:
    """How many pixels of the network's canvas are not white."""
    return driver.execute_script("""
        var c = document.querySelector('#network canvas');
        var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
        for (var i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
        return n;""")
