"""Saved work at scale: a workspace of 1,000 documents with 50 versions each, on SQLite.

Measures listing the workspace, saving a new version (validation included), the store calls behind
the History page, and the History page itself (AppTest rerun). Prints a table; not a test.

Run: python benchmarks/bench_store.py [--documents 1000] [--versions 50] [--url DATABASE_URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store import LOCAL_USER, Store  # noqa: E402
from store.models import AuditEntry, Document, Version  # noqa: E402
from store.service import new_id, validate_spec  # noqa: E402

OFFER = (ROOT / "assumptions/scenarios/district_offer.yaml").read_text()
OWNER = LOCAL_USER  # the app's single user in local mode, so the History page sees the same workspace


def spec_text(cases: int) -> str:
    text = OFFER.replace("  - id: dfg_adaptation\n", f"  - id: dfg_adaptation\n    cases_per_year: {cases}\n")
    return validate_spec("scenario", text)[0]


def fill(store: Store, workspace_id: str, documents: int, versions: int) -> list[str]:
    """Write the documents and versions in bulk, rows exactly as the store writes them."""
    texts = [spec_text(100 + n) for n in range(versions)]
    start = datetime(2025, 4, 1, tzinfo=UTC)
    ids = []
    with store.engine.begin() as connection:
        for d in range(documents):
            doc_id = new_id()
            ids.append(doc_id)
            stamp = start + timedelta(minutes=d)
            connection.execute(
                insert(Document),
                [
                    {
                        "id": doc_id,
                        "workspace_id": workspace_id,
                        "kind": "scenario",
                        "name": f"Offer {d:04d}",
                        "name_key": f"offer {d:04d}",
                        "description": "",
                        "archived": False,
                        "head": versions,
                        "created_at": stamp,
                        "created_by": OWNER,
                        "updated_at": stamp + timedelta(hours=versions),
                        "updated_by": OWNER,
                    }
                ],
            )
            connection.execute(
                insert(Version),
                [
                    {
                        "document_id": doc_id,
                        "number": n + 1,
                        "spec": texts[n],
                        "author": OWNER,
                        "created_at": stamp + timedelta(hours=n),
                        "message": f"change {n + 1}",
                        "based_on": n or None,
                    }
                    for n in range(versions)
                ],
            )
            connection.execute(
                insert(AuditEntry),
                [
                    {
                        "at": stamp,
                        "actor": OWNER,
                        "workspace_id": workspace_id,
                        "document_id": doc_id,
                        "action": "version.save",
                        "detail": f"version {n + 1}",
                    }
                    for n in range(versions)
                ],
            )
    return ids


def timed(action, repeats: int) -> list[float]:  # noqa: ANN001
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def history_page(url: str, document_id: str, repeats: int) -> list[float]:
    """The History page's rerun for one document of the big workspace (AppTest, in-process)."""
    from streamlit.testing.v1 import AppTest

    os.environ["ROI_DATABASE_URL"] = url
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/8_History.py").run()
    at.selectbox(key="history-doc").select(document_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return timed(at.run, repeats)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--versions", type=int, default=50)
    parser.add_argument("--url", help="default: a new SQLite file in a temporary folder")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='roi-bench-')}/bench.sqlite"
    store = Store(url)
    me = store.local()
    workspace = me.ensure_workspace("District")
    started = time.perf_counter()
    ids = fill(store, workspace.id, args.documents, args.versions)
    print(f"Filled {args.documents:,} documents x {args.versions} versions in {time.perf_counter() - started:.1f} s\n")

    rows = []
    listing = timed(lambda: me.documents(workspace.id), 20)
    rows.append(("list the workspace (documents, newest first)", listing, 100))
    target = ids[len(ids) // 2]
    head = [args.versions]

    def save() -> None:
        version = me.save(target, spec_text(head[0] + 1000), "benchmark save", based_on=head[0])
        head[0] = version.number

    rows.append(("save a version (validation included)", timed(save, 30), 50))
    rows.append(("history of one document (50 versions)", timed(lambda: me.history(target), 20), None))

    def history_calls() -> None:
        me.history(target)
        me.open(target, head[0])
        me.open(target, head[0] - 1)

    rows.append(("History page's store calls (history + 2 versions)", timed(history_calls, 20), None))
    rows.append(("History page rerun (AppTest, whole page)", history_page(url, target, 10), 300))
    store.dispose()

    print(f"{'measure':<55}{'median ms':>10}{'worst ms':>10}{'aim ms':>8}")
    for label, times, aim in rows:
        print(f"{label:<55}{statistics.median(times):>10.1f}{max(times):>10.1f}{aim or '':>8}")
    print(f"\nDatabase: {store.where}")


if __name__ == "__main__":
    main()
