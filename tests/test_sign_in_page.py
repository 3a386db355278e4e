"""Issue 25, item 18: a sign-in provider that does not answer is explained in the app, with a way
to try again, instead of sending people to a bare "Authentication error" page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_a_broken_provider_is_explained_and_nobody_is_sent_to_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", f"sqlite:///{tmp_path}/app.sqlite")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "prevention-roi",
        "client_secret": "not-a-secret",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(w.value for w in at.sidebar.warning).replace("\\", "")
    assert "Sign-in is not available just now" in said and "did not answer" in said
    assert [b.label for b in at.sidebar.button if b.label.startswith("Sign in")] == []
    assert at.title[0].value  # the dashboard itself still works
