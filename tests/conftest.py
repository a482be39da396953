"""Shared test helpers. ``../shared`` holds real documents used for integration tests; a
user's clone does not have it, so those tests skip with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: The project's register of reference documents: the shared excerpts carry no "Số:" line,
#: so their ids come from it (a corpus folder's own sources.csv is used by default).
PROJECT_SOURCES = ROOT / "corpus" / "sources.csv"

REAL = SHARED / "real-corpus"
REAL_GOLD = ROOT / "tests" / "data" / "real_gold"
require_real = pytest.mark.skipif(
    not REAL.is_dir(), reason="../shared/real-corpus (194 real legal texts) is not present beside the project")

require_shared = pytest.mark.skipif(
    not (SHARED / "corpus").is_dir() or not (SHARED / "seeds").is_dir(),
    reason="../shared (real law excerpts and seed documents) is not present beside the project",
)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own corpus cache so no test sees another's cached parses."""
    monkeypatch.setenv("POLICYTRACK_CACHE", str(tmp_path_factory.mktemp("cache")))


def shipped_report(tmp_path_factory) -> Path:
    """``policytrack report`` on what the repository ships, into a fresh folder with a cache
    of its own (for module-scoped fixtures, which the per-test cache does not reach)."""
    import os

    from policytrack.cli import main

    out = tmp_path_factory.mktemp("reports")
    old = os.environ.get("POLICYTRACK_CACHE")
    os.environ["POLICYTRACK_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    try:
        status = main(["report", "--register", str(ROOT / "recommendations.csv"), "--corpus", str(ROOT / "corpus"),
                       "--out", str(out)])
    finally:
        if old is None:
            os.environ.pop("POLICYTRACK_CACHE")
        else:
            os.environ["POLICYTRACK_CACHE"] = old
    assert status == 0
    return out


def headless_chromium(window: str = "1280,900", console_log: bool = False):
    """Headless Chromium through chromedriver (Debian packages chromium, chromium-driver),
    or a skip naming what is missing. The caller quits it."""
    import shutil

    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("chromium and chromium-driver are not installed (.ci/run installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--window-size={window}"):
        options.add_argument(flag)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver))
