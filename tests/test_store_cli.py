"""`python -m roi store ...`: save, list, history, export, backup, restore, and their errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import roi
from roi.cli import main

ROOT = Path(__file__).resolve().parents[1]
OFFER = ROOT / "assumptions/scenarios/district_offer.yaml"
SINGLE = ROOT / "assumptions/scenarios/dfg_single.yaml"
CLAIM = ROOT / "assumptions/claims/district_direct.yaml"


@pytest.fixture()
def database(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "cli.sqlite"
    monkeypatch.setenv("ROI_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("ROI_USER", raising=False)
    return path


def run_json(capsys, *argv: str):  # noqa: ANN201
    assert main(["store", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_save_list_history_and_export_round_trip(database, capsys, tmp_path):
    saved = run_json(capsys, "save", str(OFFER), "--name", "Offer to the ICB, v3", "--message", "first cut")
    assert (saved["version"], saved["kind"], saved["author"]) == (1, "scenario", "local")
    again = run_json(capsys, "save", str(SINGLE), "--name", "offer to the ICB, v3", "--message", "adaptations only")
    assert again["version"] == 2
    run_json(capsys, "save", str(CLAIM), "--name", "District Direct claim", "--message", "as stated")

    listed = run_json(capsys, "list")
    assert {"name", "version", "author", "created_at", "message"} <= set(listed[0])
    assert {(d["name"], d["version"], d["message"]) for d in listed} == {
        ("Offer to the ICB, v3", 2, "adaptations only"),
        ("District Direct claim", 1, "as stated"),
    }
    history = run_json(capsys, "history", "Offer to the ICB, v3")
    assert [(v["version"], v["message"], v["based_on"]) for v in history] == [
        (2, "adaptations only", 1),
        (1, "first cut", None),
    ]
    assert all({"name", "version", "author", "created_at", "message"} <= set(v) for v in history)

    out = tmp_path / "v1.yaml"
    assert main(["store", "export", "Offer to the ICB, v3", "--version", "1", str(out)]) == 0
    exported = roi.load_scenario(out)
    assert exported.name == "Offer to the ICB, v3"
    assert roi.run(exported).totals["npv"] == pytest.approx(roi.run(roi.load_scenario(OFFER)).totals["npv"], abs=0.005)

    assert main(["store", "history", "Offer to the ICB, v3"]) == 0
    table = capsys.readouterr().out
    assert "first cut" in table and "you (local mode)" in table


def test_backup_and_restore_through_the_command_line(database, capsys, tmp_path, monkeypatch):
    run_json(capsys, "save", str(OFFER), "--name", "Offer", "--message", "first")
    run_json(capsys, "save", str(SINGLE), "--name", "Offer", "--message", "second")
    zipped = tmp_path / "backup.zip"
    assert main(["store", "backup", str(zipped)]) == 0
    assert "Wrote workspace 'My workspace'" in capsys.readouterr().out
    before = run_json(capsys, "history", "Offer")
    monkeypatch.setenv("ROI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert main(["store", "restore", str(zipped)]) == 0
    assert "1 documents, 2 versions" in capsys.readouterr().out
    assert run_json(capsys, "history", "Offer") == before
    assert main(["store", "restore", str(zipped)]) == 2
    assert "already in this database" in capsys.readouterr().err


def test_bad_input_gets_one_line_naming_the_file_and_field(database, capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(OFFER.read_text().replace("horizon_years: 10", "horizon_years: 500"))
    assert main(["store", "save", str(bad), "--name", "Offer", "--message", "x"]) == 2
    assert "settings.horizon_years" in capsys.readouterr().err
    assert main(["store", "save", str(OFFER), "--name", "", "--message", "x"]) == 2
    assert "give a name" in capsys.readouterr().err
    assert main(["store", "history", "No such thing"]) == 2
    assert "No document called 'No such thing'" in capsys.readouterr().err
    assert main(["store", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_an_unreachable_database_exits_3_with_a_reason(monkeypatch, capsys):
    monkeypatch.setenv("ROI_DATABASE_URL", "postgresql://roi:pw@127.0.0.1:1/nowhere")
    assert main(["store", "list"]) == 3
    err = capsys.readouterr().err
    assert "cannot reach the database" in err and "pw@" not in err


def test_the_model_never_imports_a_database():
    """roi stays a pure library: importing it, its command line and its verbs loads no database."""
    code = (
        "import sys, roi, roi.cli, roi.cli.verbs, roi.outputs.export\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'alembic', 'psycopg', 'store'})\n"
        "print(','.join(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_names_and_messages_with_escape_codes_are_refused_in_one_line(database, capsys):
    # Issue 20: control characters never reach the database, so never a terminal or a page.
    for name, message in (("Offer \x1b[2J\x1b[31mred", "why"), ("Offer", "why\x1b]8;;evil\x07")):
        assert main(["store", "save", str(OFFER), "--name", name, "--message", message]) == 2
        error = capsys.readouterr().err
        assert error.startswith("error: ") and "control characters (U+001B" in error and "are not allowed" in error
        assert error.count("\n") == 1
    assert main(["store", "list"]) == 0
    assert "Nothing saved yet." in capsys.readouterr().out
