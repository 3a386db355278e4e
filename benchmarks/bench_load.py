"""Load: N people editing at once, measured at the server (Streamlit's websocket), not in browsers.

Each simulated person opens a session on a real `streamlit run` server, goes to Build the offer and
changes "Cases per year" again and again (a new value each time, so nothing is served from a cache),
pausing a moment between edits as a person would. Edit-to-result is the time from sending the
change to the server's "script finished" for that run: the whole page recomputed and sent. No
browser runs, so on a 2-core machine the figure is the server's, not the browsers' CPU.

A second measure: the largest number of people click from page to page (Overview, Savings by
partner, Build the offer, Assumptions, Compare) of the same scenario, as a board following a demo.

A third: one person runs the heaviest simulation the app allows (1,000,000 draws on the
Uncertainty page, repeated with new settings) while a bystander keeps editing.

Run: python benchmarks/bench_load.py [--sessions 1,5,10,20] [--edits 8] [--pin]   (prints a table; not a test)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import running_server  # noqa: E402 - one way to start the server

THINK_SECONDS = (0.3, 1.0)  # a person's pause between edits


@dataclass
class Page:
    """What one script run sent: its widgets (by key suffix) and whether it raised."""

    widgets: dict[str, str] = field(default_factory=dict)
    exceptions: int = 0
    messages: list[str] = field(default_factory=list)
    expanders: list[str] = field(default_factory=list)
    expander_ids: list[str] = field(default_factory=list)
    pages: dict[str, str] = field(default_factory=dict)


class Session:
    """One person: a websocket session that reruns pages with widget values and waits for the result."""

    def __init__(self, websocket) -> None:  # noqa: ANN001
        self.ws = websocket
        self.pages: dict[str, str] = {}

    async def rerun(self, page_hash: str = "", states: list[WidgetState] | None = None) -> tuple[float, Page]:
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = page_hash
        for state in states or []:
            message.rerun_script.widget_states.widgets.append(state)
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        page = Page()
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await self.ws.recv())
            kind = forward.WhichOneof("type")
            if kind == "navigation":
                for app_page in forward.navigation.app_pages:
                    self.pages[app_page.page_name] = app_page.page_script_hash
            elif kind == "delta" and forward.delta.WhichOneof("type") == "add_block":
                if forward.delta.add_block.WhichOneof("type") == "expandable":
                    page.expanders.append(forward.delta.add_block.expandable.label)
                    page.expander_ids.append(forward.delta.add_block.expandable.id)
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                inner = element.WhichOneof("type")
                if inner == "exception":
                    page.exceptions += 1
                    page.messages.append(element.exception.message)
                elif inner == "markdown":
                    page.messages.append(element.markdown.body)
                widget_id = getattr(getattr(element, inner, None), "id", "") if inner else ""
                if widget_id:
                    page.widgets[widget_id] = inner
            elif kind == "script_finished":
                status = forward.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                return time.perf_counter() - start, page

    def page_hash(self, words: str) -> str:
        return next(h for name, h in self.pages.items() if words.lower() in name.lower().replace("_", " "))


def widget(page: Page, key: str) -> str:
    return next(w for w in page.widgets if w.endswith(key))


def number(widget_id: str, value: float) -> WidgetState:
    state = WidgetState(id=widget_id)
    state.double_value = value
    return state


def flag(widget_id: str, value: bool) -> WidgetState:
    """A checkbox, toggle or expander (open or closed)."""
    state = WidgetState(id=widget_id)
    state.bool_value = value
    return state


def choice(widget_id: str, shown: str) -> WidgetState:
    """A selectbox set to the option shown as ``shown``."""
    state = WidgetState(id=widget_id)
    state.string_value = shown
    return state


async def open_session(url: str) -> Session:
    websocket = await connect(
        url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None, origin=url
    )
    session = Session(websocket)
    await session.rerun()
    return session


async def editor(url: str, person: int, edits: int, times: list[float], errors: list[int], stop: asyncio.Event | None):
    """Go to Build the offer and change cases per year ``edits`` times (or until ``stop``)."""
    session = await open_session(url)
    build = session.page_hash("build")
    _, page = await session.rerun(build)
    _, page = await session.rerun(build, [flag(page.expander_ids[0], True)])  # open the first panel
    cases = widget(page, "g0-dfg_adaptation-cases")
    shown = page.expanders[0]
    done = 0
    while (stop is None and done < edits) or (stop is not None and not stop.is_set()):
        await asyncio.sleep(random.uniform(*THINK_SECONDS))
        value = 100 + person * 1000 + done + 1
        seconds, page = await session.rerun(build, [number(cases, value)])
        if page.expanders and page.expanders[0] == shown:  # the first intervention's NPV must move
            raise AssertionError(f"the edit to {value} cases changed nothing: {shown}")
        shown = page.expanders[0] if page.expanders else shown
        times.append(seconds)
        errors.append(page.exceptions)
        done += 1
    await session.ws.close()


BOARD_PAGES = ("app", "savings by partner", "build", "assumptions", "compare")


async def browser(url: str, person: int, visits: int, times: list[float], errors: list[int]) -> None:
    """A board member clicking from page to page of the same scenario (``visits`` page loads; "app" is
    the Overview)."""
    session = await open_session(url)
    for visit in range(visits):
        await asyncio.sleep(random.uniform(*THINK_SECONDS))
        seconds, page = await session.rerun(session.page_hash(BOARD_PAGES[(person + visit) % len(BOARD_PAGES)]))
        times.append(seconds)
        errors.append(page.exceptions)
    await session.ws.close()


async def heavy_user(url: str, runs: int, times: list[float], errors: list[int], stop: asyncio.Event) -> None:
    """Run the largest simulation the app offers (1,000,000 draws), ``runs`` times with new seeds."""
    session = await open_session(url)
    uncertainty = session.page_hash("uncertainty")
    _, page = await session.rerun(uncertainty)
    draws, seed = widget(page, "mc-draws"), widget(page, "mc-seed")
    for run in range(runs):
        seconds, page = await session.rerun(uncertainty, [choice(draws, "1,000,000"), number(seed, 1000 + run)])
        times.append(seconds)
        errors.append(page.exceptions)
        assert any("of 1,000,000 simulations" in m for m in page.messages), "the 1M-draw run did not happen"
    stop.set()
    await session.ws.close()


async def abandon(url: str, after: float) -> None:
    """Start a 1,000,000-draw simulation and close the tab ``after`` seconds later."""
    session = await open_session(url)
    uncertainty = session.page_hash("uncertainty")
    _, page = await session.rerun(uncertainty)
    draws, seed = widget(page, "mc-draws"), widget(page, "mc-seed")
    message = BackMsg()
    message.rerun_script.page_script_hash = uncertainty
    message.rerun_script.widget_states.widgets.extend([choice(draws, "1,000,000"), number(seed, 4242)])
    await session.ws.send(message.SerializeToString())
    await asyncio.sleep(after)
    await session.ws.close()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def server_pid(url: str) -> int:
    port = url.rsplit(":", 1)[-1]
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(command) and port.encode() in command:
            return int(status.parent.name)
    raise RuntimeError("server process not found")


async def together(*people: Coroutine[Any, Any, None]) -> None:
    await asyncio.gather(*people)


def measure(name: str, pid: int, crowd: Callable[[list[float], list[int]], Coroutine[Any, Any, None]]) -> tuple:
    """Run ``crowd(times, errors)`` to the end; its table row: response times, errors, server memory."""
    before = rss_mb(pid)
    times: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    asyncio.run(crowd(times, errors))
    wall = time.perf_counter() - start
    p95 = percentile(times, 0.95)
    return (name, len(times), statistics.median(times), p95, max(times), sum(errors), before, rss_mb(pid), wall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", default="1,5,10,20")
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--heavy-runs", type=int, default=3)
    parser.add_argument(
        "--pin",
        action="store_true",
        help="server on the first core, these simulated people on the others (needs 2 or more cores)",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.sessions.split(",")]
    rows = []
    after_leaving = load = settled = float("nan")
    with running_server() as url:
        pid = server_pid(url)
        cores = sorted(os.sched_getaffinity(0))
        if args.pin and len(cores) > 1:  # the clients' own CPU then cannot slow the server
            for task in Path(f"/proc/{pid}/task").iterdir():  # every thread the server has started
                os.sched_setaffinity(int(task.name), cores[:1])
            os.sched_setaffinity(0, cores[1:])
        asyncio.run(editor(url, 999, 2, [], [], None))  # warm the server (imports, first compute)
        for n in counts:
            rows.append(
                measure(
                    f"{n} editing",
                    pid,
                    lambda times, errors, n=n: together(
                        *(editor(url, p, args.edits, times, errors, None) for p in range(n))
                    ),
                )
            )
        for n in counts[-1:]:
            rows.append(
                measure(
                    f"{n} switching pages",
                    pid,
                    lambda times, errors, n=n: together(
                        *(browser(url, p, args.edits, times, errors) for p in range(n))
                    ),
                )
            )
        before = rss_mb(pid)
        bystander: list[float] = []
        heavy: list[float] = []
        errors = []

        async def contest() -> None:
            stop = asyncio.Event()
            await asyncio.gather(
                heavy_user(url, args.heavy_runs, heavy, errors, stop), editor(url, 1, 0, bystander, errors, stop)
            )

        start = time.perf_counter()
        asyncio.run(contest())
        wall = time.perf_counter() - start
        rows.append(
            (
                "1 editing beside 1M draws",
                len(bystander),
                statistics.median(bystander),
                percentile(bystander, 0.95),
                max(bystander),
                sum(errors),
                before,
                rss_mb(pid),
                wall,
            )
        )
        rows.append(
            (
                "(the 1M-draw runs)",
                len(heavy),
                statistics.median(heavy),
                percentile(heavy, 0.95),
                max(heavy),
                0,
                float("nan"),
                float("nan"),
                wall,
            )
        )
        time.sleep(5)  # let the last run's rendering settle
        asyncio.run(abandon(url, 2.0))
        left = cpu_seconds(pid)
        time.sleep(10)
        after_leaving = cpu_seconds(pid) - left
        settled = rss_mb(pid)
        load = os.getloadavg()[0]
    print(f"Load average while measuring (other work on the machine): {load:.1f} on {os.cpu_count()} cores")
    if args.pin:
        print("Server pinned to one core, the simulated people to the other(s)")
    print(f"Edit to result at the server: {args.edits} edits per person, {THINK_SECONDS[0]}-{THINK_SECONDS[1]} s apart")
    print()
    header = f"{'sessions':<28}{'edits':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'errors':>8}"
    print(header + f"{'RSS before MB':>15}{'RSS after MB':>14}{'wall s':>8}")
    for name, count, p50, p95, worst, errs, rss0, rss1, wall in rows:
        print(f"{name:<28}{count:>6}{p50:>8.2f}{p95:>8.2f}{worst:>8.2f}{errs:>8}{rss0:>15.0f}{rss1:>14.0f}{wall:>8.1f}")
    print(f"\nServer CPU in the 10 s after a person left mid-way through 1,000,000 draws: {after_leaving:.2f} s")
    print(f"Server memory (RSS) at the end, 10 s after the last person left: {settled:.0f} MB")
    print("Aim: p95 under 1 s at 20 people; a bystander's p95 under 1 s beside the heaviest job.")


if __name__ == "__main__":
    main()
