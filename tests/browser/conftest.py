"""What both browser test files share: Debian's Chromium, axe-core from npm, and where screenshots go."""

from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from exobot.paths import ROOT

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
RESULTS = ROOT / "results" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()
