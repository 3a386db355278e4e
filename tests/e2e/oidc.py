"""Sign-in fixtures for the browser tests: a real local OpenID Connect provider (oidc-provider-mock)
and Streamlit servers whose secrets point at it. Used by test_sign_in.py and test_two_servers.py."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

from oidc_provider_mock import User, run_server_in_thread
from playwright.sync_api import Page, expect

from tests.e2e.conftest import free_port, streamlit_command, wait_healthy
from tests.e2e.test_browser import wait_for_run
from ui.text import WORD_JOINER

ROOT = Path(__file__).resolve().parents[2]
COOKIE_SECRET = "a-cookie-secret-shared-by-every-app-server-0123456789"


def verified(email: str) -> User:
    """A provider account whose address the provider vouches for."""
    return User(sub=email, claims={"email": email, "email_verified": True, "name": email.split("@")[0].title()})


@contextlib.contextmanager
def provider(users: Sequence[User]) -> Iterator[str]:
    """The provider on a free port; yields its discovery document's address."""
    with run_server_in_thread(port=free_port(), user_claims=list(users)) as server:
        yield f"http://localhost:{server.server_port}/.well-known/openid-configuration"


def write_secrets(path: Path, public_url: str, metadata_url: str) -> Path:
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{public_url}/oauth2callback"\n'
        f'cookie_secret = "{COOKIE_SECRET}"\n'
        'client_id = "prevention-roi-test"\n'
        'client_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{metadata_url}"\n'
    )
    return path


@contextlib.contextmanager
def app_server(secrets_file: Path, database: str, port: int | None = None, **env: str) -> Iterator[str]:
    """A Streamlit server of the app with these secrets and database; yields its address."""
    port = port or free_port()
    url = f"http://localhost:{port}"
    process = subprocess.Popen(
        streamlit_command(ROOT, port, "localhost", f"--secrets.files={secrets_file}"),
        cwd=ROOT,
        env={**os.environ, "ROI_DATABASE_URL": database, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(url, process, 90)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextlib.contextmanager
def app_with_sign_in(tmp_path: Path, users: Sequence[User]) -> Iterator[tuple[str, str]]:
    """The provider and one app server on a SQLite file: yields (app address, database URL)."""
    with provider(users) as metadata:
        port = free_port()
        secrets_file = write_secrets(tmp_path / "secrets.toml", f"http://localhost:{port}", metadata)
        database = f"sqlite:///{tmp_path}/signed-in.sqlite"
        with app_server(secrets_file, database, port) as url:
            yield url, database


def sign_in(page: Page, url: str, sub: str, shown_as: str | None = None, go: bool = True) -> None:
    """Sign in as the provider account ``sub``; the sidebar then names ``shown_as`` (default: sub)."""
    if go:
        page.goto(url)
        wait_for_run(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Sign in to open and save work").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30_000)
    page.locator("input[name='sub']").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    wait_for_run(page)
    shown = (shown_as or sub).replace("@", "@" + WORD_JOINER)  # ui.text.md: an address is never a link
    expect(sidebar.get_by_text(f"Signed in as {shown}")).to_be_visible(timeout=30_000)


def save_as(page: Page, name: str, message: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="Save").first.click()
    popover = page.get_by_test_id("stPopoverBody")
    popover.get_by_label("Name").fill(name)
    popover.get_by_label("What it is, and why (one line)").fill(message)
    popover.get_by_label("What it is, and why (one line)").press("Enter")
    wait_for_run(page)
    popover.get_by_role("button", name="Save as").click()
    wait_for_run(page)
    expect(page.get_by_text(f"Saved as '{name}', version 1")).to_be_visible(timeout=30_000)
