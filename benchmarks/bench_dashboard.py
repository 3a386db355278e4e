"""Dashboard speed: Overview rerun after a widget change (AppTest), and cold start to a healthy server.

Run: python benchmarks/bench_dashboard.py   (prints a table; not a test)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import free_port, streamlit_command  # noqa: E402 - as the tests serve the app


def rerun_after_change(repeats: int = 15) -> list[float]:
    """Change cases per year on Build the offer, then time the Overview's rerun with the new figures."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/1_Build_the_offer.py").run()
    at.session_state["panel-dfg_adaptation"] = True  # open the panel, as a person would
    times = []
    for i in range(repeats):
        at.switch_page("pages/1_Build_the_offer.py").run()
        at.number_input(key="g0-dfg_adaptation-cases").set_value(100 + i + 1).run()
        at.switch_page("app.py")
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def widget_rerun(repeats: int = 15) -> list[float]:
    """Time the Build the offer page's own rerun when a number changes."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/1_Build_the_offer.py").run()
    at.session_state["panel-dfg_adaptation"] = True
    at.run()
    times = []
    for i in range(repeats):
        widget = at.number_input(key="g0-dfg_adaptation-cases").set_value(200 + i)
        start = time.perf_counter()
        widget.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def cold_start() -> float:
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        streamlit_command(ROOT, port, "127.0.0.1"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                    return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=20)


def main() -> None:
    overview = rerun_after_change()
    build = widget_rerun()
    starts = [cold_start() for _ in range(3)]
    print(f"{'measure':<58}{'median':>10}{'worst':>10}")
    print(
        f"{'Overview rerun after a change on Build the offer (ms)':<58}{statistics.median(overview):>10.0f}"
        f"{max(overview):>10.0f}"
    )
    print(
        f"{'Build the offer rerun after a number changes (ms)':<58}{statistics.median(build):>10.0f}{max(build):>10.0f}"
    )
    print(f"{'streamlit run to a healthy server (s)':<58}{statistics.median(starts):>10.2f}{max(starts):>10.2f}")
    print("\nAims: rerun under 300 ms; cold start under 3 s.")


if __name__ == "__main__":
    main()
