"""History: a saved document's versions (who, when, why), the difference between any two input by
input with the NPV each moves, restoring, details, sharing, members and the workspace's log."""

import streamlit as st

import store
import ui
from ui import history_view, saved
from ui.text import md

ui.frame("History", ":material/history:")
state = st.session_state
st.title("History")

person = saved.user()
opened, reason = saved.open_store()
if opened is None:
    st.warning(
        f"Saved work is unavailable: {md(reason)}. The shipped examples still work.", icon=":material/cloud_off:"
    )
    st.stop()
if person is None and state.get("store-lost"):
    st.warning(f"Saved work is unavailable: {md(state['store-lost'])}.", icon=":material/cloud_off:")
    st.stop()
if person is None:
    st.info("Sign in (in the sidebar) to see your workspaces' saved work.", icon=":material/login:")
    st.stop()

show_archived = st.toggle("Include archived documents", key="history-archived")
try:
    documents = person.documents(include_archived=show_archived)
except store.StoreError as error:
    st.warning(f"Saved work is unavailable: {md(error)}. The shipped examples still work.", icon=":material/cloud_off:")
    st.stop()
if not documents:
    st.info(
        "Nothing is saved yet. Use **Save** in the sidebar to save the scenario on screen with a name and "
        "a one-line message (or **Save to your workspace** on Check a claim for a claim); every later save "
        "becomes a new version here.",
        icon=":material/save:",
    )
    st.stop()

document = history_view.pick_document(documents)
versions = person.history(document.id)
history_view.versions_table(versions)
numbers = [v.number for v in versions]
version_label = {v.number: f"Version {v.number}: {v.message}" for v in versions}
if len(numbers) > 1:
    history_view.what_changed(person, document, numbers, version_label)
history_view.open_or_restore(person, document, numbers, version_label)
if document.can_edit:
    history_view.name_and_description(person, document)
if document.role == "owner":
    history_view.share_links(person, document)
    history_view.members(person, document)
history_view.workspace_log(person, document)
