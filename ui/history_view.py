"""The History page's widget groups for one saved document: the document picker, its versions, what
changed between two, opening and restoring, its name and description, read-only links, the
workspace's members and its log. Every store action a button runs goes through :func:`guarded`, so
a refusal becomes one sentence on the page."""

from __future__ import annotations

import difflib
from typing import Any

import streamlit as st

import store
from roi.outputs import history_screen

from . import saved
from .differences import differences_table
from .frame import compute
from .text import md


def guarded(action, *args, failure: str = "Not changed") -> None:  # noqa: ANN001 - a UserStore method
    """Run a store action from a button; a refusal (your role was lowered elsewhere, the database
    is read-only) becomes one sentence on the page instead of an error page."""
    try:
        action(*args)
    except (store.StoreError, ValueError) as error:
        st.session_state["flash_saved_error"] = f"{failure}: {error}"


def pick_document(documents: list[Any]) -> Any:
    """The document to show (the one open, else the newest), with where it lives and who saved it last."""
    state = st.session_state
    by_id = {d.id: d for d in documents}
    doc_open = state.get("doc")
    default = doc_open.id if doc_open is not None and doc_open.id in by_id else documents[0].id
    if state.get("history-doc") not in by_id:
        state["history-doc"] = default
    many = len({d.workspace_id for d in documents}) > 1

    def label(document_id: str) -> str:
        d = by_id[document_id]
        extra = [d.kind] + ([d.workspace_name] if many else []) + (["archived"] if d.archived else [])
        return f"{d.name} ({', '.join(extra)})"

    document = by_id[st.selectbox("Document", list(by_id), format_func=label, key="history-doc")]
    st.caption(
        f"{document.kind.capitalize()} in **{md(document.workspace_name)}** · {document.head} version(s) · last "
        f"saved by {md(store.display_name(document.updated_by))}, {saved.when(document.updated_at)} · you are "
        f"{document.role}"
    )
    if document.description:
        st.markdown(md(document.description))
    return document


def versions_table(versions: list[Any]) -> None:
    """Each version: its number, who saved it and when, its message and the version it started from."""
    st.subheader("Versions")
    st.dataframe(
        [
            {
                "Version": v.number,
                "Saved by": store.display_name(v.author),
                "When": saved.when(v.created_at),
                "Message": v.message,
                "Started from": "-" if v.based_on is None else f"version {v.based_on}",
            }
            for v in versions
        ],
        hide_index=True,
        width="stretch",
        column_config={"Message": st.column_config.TextColumn(width="large")},
    )


def what_changed(person: Any, document: Any, numbers: list[int], version_label: dict[int, str]) -> None:
    """Two versions side by side: a scenario input by input with the NPV each moves, a claim as text."""
    st.subheader("What changed")
    cols = st.columns(2)
    older = cols[0].selectbox(
        "From", numbers, index=1, format_func=version_label.get, key=f"history-from-{document.id}"
    )
    newer = cols[1].selectbox("To", numbers, index=0, format_func=version_label.get, key=f"history-to-{document.id}")
    try:
        first, second = person.open(document.id, older), person.open(document.id, newer)
    except ValueError as error:
        st.error(f"One of these versions no longer passes today's checks: {md(error)}", icon=":material/warning:")
        return
    if document.kind in saved.SCENARIO_KINDS:
        table = saved.differences(first.spec, second.spec)
        st.markdown(history_screen.npv_moved(compute(first.spec), compute(second.spec), older, newer))
        if table.empty:
            st.caption("No model input differs between these versions.")
        else:
            differences_table(table, f"Version {older}", f"Version {newer}")
    else:
        lines = difflib.unified_diff(
            first.text.splitlines(), second.text.splitlines(), f"version {older}", f"version {newer}", lineterm=""
        )
        st.code("\n".join(lines) or "No difference.", language="diff")


def open_or_restore(person: Any, document: Any, numbers: list[int], version_label: dict[int, str]) -> None:
    """Open a version of a scenario, or restore any version as a new one on top."""
    state = st.session_state
    doc_open = state.get("doc")
    st.subheader("Open or restore a version")
    chosen = st.selectbox("Version", numbers, format_func=version_label.get, key=f"history-pick-{document.id}")
    cols = st.columns(2)
    if document.kind in saved.SCENARIO_KINDS:
        cols[0].button(
            f"Open version {chosen}",
            on_click=saved.open_document,
            args=(document.id, chosen),
            icon=":material/open_in_new:",
            width="stretch",
            key="history-open",
        )

    def restore(number: int) -> None:
        try:
            version = person.restore(document.id, number)
        except (store.StoreError, ValueError) as error:
            state["flash_saved_error"] = f"Not restored: {error}"
            return
        state["flash_saved_success"] = (
            f"Version {number} restored as version {version.number}; nothing was overwritten."
        )
        if doc_open is not None and doc_open.id == document.id:
            saved.open_document(document.id)

    cols[1].button(
        f"Restore version {chosen} as a new version",
        on_click=restore,
        args=(chosen,),
        disabled=not document.can_edit or chosen == document.head,
        icon=":material/restore:",
        width="stretch",
        key="history-restore",
        help="Copies it to a new version on top; the versions after it stay in the history.",
    )


def name_and_description(person: Any, document: Any) -> None:
    """Rename the document, describe it, archive it or bring it back (editors and owners)."""
    state = st.session_state
    with st.expander("Name, description, archive"):

        def rename() -> None:
            try:
                person.rename(document.id, state["history-name"])
                person.describe(document.id, state["history-description"])
            except (store.StoreError, ValueError) as error:
                state["flash_saved_error"] = f"Not changed: {error}"
            else:
                state["flash_saved_success"] = "Name and description saved."

        state.setdefault("history-name-for", None)
        if state["history-name-for"] != document.id:
            state["history-name"], state["history-description"] = document.name, document.description
            state["history-name-for"] = document.id
        st.text_input("Name", key="history-name", max_chars=200)
        st.text_area("Description", key="history-description", max_chars=2000)
        cols = st.columns(2)
        cols[0].button("Save name and description", on_click=rename, key="history-rename", width="stretch")
        cols[1].button(
            "Un-archive" if document.archived else "Archive (hide from the picker; nothing is deleted)",
            on_click=guarded,
            args=(person.archive, document.id, not document.archived),
            key="history-archive",
            width="stretch",
        )


def share_links(person: Any, document: Any) -> None:
    """Make a read-only link (shown once), and the links made so far, each with a button to revoke it."""
    state = st.session_state
    with st.expander("Share a read-only link"):
        st.caption(
            "A link lets anyone who has it open and export this document, without signing in. It stops "
            "working when it is revoked, when the document is archived, or when its maker leaves the workspace."
        )
        follow = st.toggle(
            "The link follows the newest version",
            key="history-share-follow",
            help="Off: the link opens the version saved now and no later one.",
        )
        made = state.get(f"share-made-{document.id}")
        if st.button("Make a read-only link", key="history-share"):
            try:
                made = state[f"share-made-{document.id}"] = (person.share(document.id, follow_newest=follow), follow)
            except (store.StoreError, ValueError) as error:
                st.error(f"No link made: {error}")
        if made:
            token, follows = made
            grants = history_screen.link_grants(follows, document.head)
            st.markdown(f"Copy this link now: it is shown once. Anyone with it can open and export {grants}.")
            st.code(f"?share={token}", language=None)
        for fingerprint, made_at, made_by, version in person.shares(document.id):
            opens = "the newest version" if version is None else f"version {version} only"
            row = st.columns([3, 1])
            row[0].caption(
                f"Link {md(fingerprint)}… opens {opens}; made by {md(store.display_name(made_by))}, "
                f"{saved.when(made_at)}"
            )
            row[1].button(
                "Revoke",
                key=f"revoke-{fingerprint}",
                on_click=guarded,
                args=(person.revoke, document.id, fingerprint),
                kwargs={"failure": "Not revoked"},
            )


def members(person: Any, document: Any) -> None:
    """The workspace's members and their roles; add or change one, or remove one (owners)."""
    state = st.session_state
    with st.expander(f"Members of {md(document.workspace_name)}"):
        people = person.members(document.workspace_id)
        st.dataframe(
            [{"Email": store.display_name(m.email), "Role": m.role, "Added": saved.when(m.added_at)} for m in people],
            hide_index=True,
            width="stretch",
        )

        def set_member() -> None:
            try:
                person.set_member(document.workspace_id, state["member-email"], state["member-role"])
            except (store.StoreError, ValueError) as error:
                state["flash_saved_error"] = f"Not changed: {error}"
            else:
                state["flash_saved_success"] = f"{state['member-email']} is now a {state['member-role']}."
                state["member-email"] = ""

        cols = st.columns([3, 1, 1])
        cols[0].text_input("Email", key="member-email", placeholder="name@council.gov.uk")
        cols[1].selectbox("Role", list(store.ROLES), index=1, key="member-role")
        cols[2].button("Add or change", on_click=set_member, key="member-set", width="stretch")
        st.caption(
            "Owners manage members and links; editors save; viewers open and export. An invitation by email "
            "is taken up by the first sign-in whose provider vouches for that address."
        )

        def remove_member() -> None:
            try:
                person.remove_member(document.workspace_id, state["member-remove"])
            except (store.StoreError, ValueError) as error:
                state["flash_saved_error"] = f"Not removed: {error}"
            else:
                state["flash_saved_success"] = (
                    f"{state['member-remove']} was removed: their sign-ins have ended and the links they made "
                    "are revoked."
                )

        others = [m.email for m in people if m.email != person.email]
        if others:
            cols = st.columns([4, 1])
            cols[0].selectbox("Remove a member", others, format_func=store.display_name, key="member-remove")
            cols[1].button("Remove", on_click=remove_member, key="member-remove-button", width="stretch")


def workspace_log(person: Any, document: Any) -> None:
    """The workspace's last 200 actions: when, who, what."""
    with st.expander("Workspace log: who did what, when"):
        st.dataframe(
            [
                {
                    "When": saved.when(a.at),
                    "Who": store.display_name(a.actor),
                    "What": a.action.replace(".", " ").replace("_", " "),
                    "Detail": a.detail,
                }
                for a in person.audit(document.workspace_id, limit=200)
            ],
            hide_index=True,
            width="stretch",
        )
