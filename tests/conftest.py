"""Shared helpers: build scenarios in code without touching the shipped files."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

import roi
from roi.inputs.schema import ScenarioSpec

ROOT = Path(__file__).resolve().parents[1]

# The tests (and the app servers they start) save into a throwaway SQLite file, never into data/.
os.environ["ROI_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='roi-test-db-')}/roi.sqlite"

# In CI, property tests draw the same examples every run, so a red build is reproducible.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def roi_cli(*args: str, timeout: float = 120, check: bool = False) -> subprocess.CompletedProcess:
    """``python -m roi ARGS`` run from the project folder as a user would, its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "roi", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=check
    )


def scenario_from(data: dict[str, Any]) -> roi.Scenario:
    """Resolve a scenario given as a plain dict, exactly as a YAML file would be."""
    return roi.resolve(ScenarioSpec.model_validate(data))


def open_panels(at: Any, *interventions: str) -> Any:
    """Open intervention panels on Build the offer, as a person clicking them would (a closed panel's
    inputs are not drawn), and rerun the page."""
    for intervention in interventions:
        at.session_state[f"panel-{intervention}"] = True
    return at.run()


def workbook_texts(book: Any) -> list[str]:
    """Every text cell of an openpyxl workbook, after asserting that no cell is a formula and no text
    starts as one would (=, +, @ or a tab): user text is always written as text."""
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@", "\t")), (sheet.title, cell.coordinate)
                    seen.append(cell.value)
    return seen


@pytest.fixture(scope="session")
def library() -> roi.Library:
    return roi.load_library()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole run (started only if a test asks for it)."""
    from tests.postgres import cluster

    with cluster() as base_url:
        yield base_url


# ---- the store's tests: a store on each database ----------------------------------------------

OFFER_TEXT = (ROOT / "assumptions/scenarios/district_offer.yaml").read_text()
CLAIM_TEXT = (ROOT / "assumptions/claims/district_direct.yaml").read_text()


def offer_text(cases: int) -> str:
    """The shipped offer with the adaptations' volume changed: a distinct, valid scenario."""
    return OFFER_TEXT.replace("  - id: dfg_adaptation\n", f"  - id: dfg_adaptation\n    cases_per_year: {cases}\n")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty store database: a SQLite file, or a database on the throwaway PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite"
    from tests.postgres import new_database

    return new_database(request.getfixturevalue("postgres_cluster"))


@pytest.fixture()
def store(url: str) -> Iterator[Any]:
    """The store on ``url``, closed after the test."""
    from store import Store

    opened = Store(url)
    yield opened
    opened.dispose()


def start_app(query: dict[str, str] | None = None, timeout: float = 90) -> Any:
    """The app in AppTest, opened on the Overview with these query parameters (a link), with no error."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
