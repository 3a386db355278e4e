"""Real-browser fixtures: a Streamlit server on a free loopback port and Debian's chromium.

No test here skips: if chromium or the server cannot start, the test fails and says why.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does this)", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1500, "height": 1000}}


def free_port() -> int:
    """A port nothing listens on now, for a server about to start."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerDidNotStart(RuntimeError):
    """Streamlit did not answer its health check in time."""


def streamlit_command(root: Path, port: int, address: str, *options: str) -> list[str]:
    """`streamlit run` of the app at ``root`` as the tests and benchmarks serve it: headless, on
    ``address``:``port``, no file watcher, no usage statistics; ``options`` added at the end."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(root / "app.py"),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--global.developmentMode=false",
        *options,
    ]


def wait_healthy(url: str, process: subprocess.Popen, seconds: float) -> None:
    """Until the server at ``url`` answers its health check; ServerDidNotStart if it has not within
    ``seconds`` or its process has ended."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise ServerDidNotStart(f"streamlit at {url} did not become healthy within {seconds:g} s") from None
            time.sleep(0.2)


def start_server(root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """A Streamlit server of the app at ``root`` (this checkout, or another for a benchmark)."""
    port = free_port()
    process = subprocess.Popen(
        streamlit_command(root, port, "127.0.0.1"),
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, 60)
    except ServerDidNotStart:
        process.kill()
        raise
    return process, url


@contextlib.contextmanager
def running_server() -> Iterator[str]:
    """A Streamlit server for the life of the block, stopped afterwards."""
    process, url = start_server()
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture()
def fresh_server() -> Iterator[str]:
    """A new server for one test: its first request is whatever the test opens."""
    with running_server() as url:
        yield url


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
