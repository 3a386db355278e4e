"""Finding 7 of issue 20: a network database with no sign-in would make every visitor the same
person in one shared workspace. The app refuses to start, says why, and runs nothing, unless
ROI_ALLOW_SHARED_ANONYMOUS=1 says that is meant."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["app.py", "pages/1_Build_the_offer.py", "pages/5_Check_a_claim.py", "pages/8_History.py"]
NETWORK = "postgresql://roi:hunter2pw@db.council.internal:5432/roi"


def run(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_network_database_without_sign_in_refuses_to_start_and_says_why(monkeypatch):
    monkeypatch.setenv("ROI_DATABASE_URL", NETWORK)
    monkeypatch.delenv("ROI_ALLOW_SHARED_ANONYMOUS", raising=False)
    for page in PAGES:
        at = run(page)
        said = " ".join(e.value for e in at.error).replace("\\", "")
        assert "every visitor would be the same person" in said and "ROI_ALLOW_SHARED_ANONYMOUS=1" in said
        assert "hunter2pw" not in said
        assert len(at.title) == 0 and len(at.metric) == 0 and len(at.sidebar.button) == 0, page


def test_it_starts_when_shared_anonymous_use_is_meant_or_the_database_is_local(monkeypatch, tmp_path):
    monkeypatch.setenv("ROI_DATABASE_URL", NETWORK)
    monkeypatch.setenv("ROI_ALLOW_SHARED_ANONYMOUS", "1")
    assert run("app.py").title[0].value
    monkeypatch.delenv("ROI_ALLOW_SHARED_ANONYMOUS")
    monkeypatch.setenv("ROI_DATABASE_URL", f"sqlite:///{tmp_path}/local.sqlite")
    at = run("app.py")
    assert at.title[0].value and not at.error
