"""First load in a real browser: how long a person waits for the Overview's first headline tile.

Starts `streamlit run` on a checkout (this one, or another given by --root, to compare before and
after a change) and opens the Overview in Debian's headless chromium, each time in a new browser
context (a new session, as a new member of a board opening the link). The first open is the cold
one (the server has computed nothing); the rest are warm. For each, the time from navigation to the
first headline tile on screen, and to the page's run finishing (every chart and table drawn).

Run: python benchmarks/bench_first_load.py [--opens 6] [--root PATH] [--label after]   (prints a table)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, start_server  # noqa: E402 - as the tests do


def open_once(browser, url: str) -> tuple[float, float]:  # noqa: ANN001 - a playwright Browser
    """Seconds to the first headline tile and to the end of the page's run, in a new session."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    began = time.perf_counter()
    page.goto(url)
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
    tile = time.perf_counter() - began
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")
    page.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for(timeout=60_000)
    done = time.perf_counter() - began
    context.close()
    return tile, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=6, help="opens of the Overview (the first is cold)")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--label", default="this checkout")
    args = parser.parse_args()
    process, url = start_server(args.root.resolve())
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            times = [open_once(browser, url) for _ in range(args.opens)]
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
    cold, warm = times[0], times[1:]
    print(f"First load of the Overview at 1280x720, {args.label} ({args.opens} opens, new session each)")
    print(f"{'':<22}{'first tile (s)':>16}{'page drawn (s)':>16}")
    print(f"{'cold':<22}{cold[0]:>16.2f}{cold[1]:>16.2f}")
    if warm:
        print(
            f"{'warm, median':<22}{statistics.median(t for t, _ in warm):>16.2f}"
            f"{statistics.median(d for _, d in warm):>16.2f}"
        )
        print(f"{'warm, slowest':<22}{max(t for t, _ in warm):>16.2f}{max(d for _, d in warm):>16.2f}")


if __name__ == "__main__":
    main()
