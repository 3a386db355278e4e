"""Saved work in the app: which database, who is signed in, and the document open in this session.

The pages never check access themselves: they call the store as the signed-in person (or the
single local user when no sign-in is set up), and the store refuses what that person may not do.
"""

from __future__ import annotations

import os
import secrets
import urllib.request
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

import roi
import store
from roi.analysis import compare
from roi.inputs import limits
from roi.inputs.library import dump_spec
from roi.inputs.schema import ScenarioSpec
from store import LOCAL_USER, Identity, Store, StoreError, UserStore
from ui.differences import differences_table
from ui.state import set_spec
from ui.text import md

FAILURE_RECHECK_SECONDS = 30
SHARED_ANONYMOUS_VARIABLE = "ROI_ALLOW_SHARED_ANONYMOUS"
DRAFT_COOKIE = "roi_draft"  # names the unsaved scenario kept while its user is at the provider
PROVIDER_TIMEOUT_SECONDS = 3


def _secret(*path: str) -> Any:
    """A value from .streamlit/secrets.toml, or None when there is no such file or key."""
    try:
        value: Any = st.secrets
        for part in path:
            value = value[part]
        return value
    except (KeyError, FileNotFoundError, AttributeError):
        return None
    except Exception:  # noqa: BLE001 - Streamlit raises its own error when there is no secrets file
        return None


def database_url() -> str:
    """ROI_DATABASE_URL, else the secret connections.roi.url, else the embedded SQLite file."""
    return store.database_url(os.environ.get(store.URL_VARIABLE) or _secret("connections", "roi", "url"))


@st.cache_resource(show_spinner=False, max_entries=4)
def _open(url: str) -> Store:
    return Store(url)


@st.cache_data(ttl=FAILURE_RECHECK_SECONDS, show_spinner=False, max_entries=4)
def _failure(url: str) -> str | None:
    """Why the database cannot be used, remembered for half a minute so a dead server does not
    slow every click; None when it opened."""
    try:
        _open(url)
    except StoreError as error:
        return str(error)
    return None


def open_store() -> tuple[Store | None, str | None]:
    """The store, or None and the reason it cannot be used (the app then runs the shipped examples)."""
    url = database_url()
    reason = _failure(url)
    return (None, reason) if reason else (_open(url), None)


def sign_in_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section: sign-in with OpenID Connect."""
    return _secret("auth") is not None


def shared_anonymous_refusal() -> str | None:
    """Why the app will not start: a network database with no sign-in makes every visitor the same
    person in one shared workspace. None when sign-in is set up, the database is this computer's own
    SQLite file, or ROI_ALLOW_SHARED_ANONYMOUS=1 says that is meant."""
    if sign_in_configured() or os.environ.get(SHARED_ANONYMOUS_VARIABLE, "").strip() == "1":
        return None
    try:
        backend = make_url(database_url()).get_backend_name()
    except ArgumentError:
        return None  # the store says what is wrong with the address, and saving is off
    if backend == "sqlite":
        return None
    return (
        "This dashboard is set to save work in a shared database but has no sign-in, so every visitor "
        "would be the same person and see, change and share everyone's work. Whoever runs it should set up "
        "sign-in (the deployment guide says how) or, if one shared workspace for everyone is really meant, "
        f"start it with {SHARED_ANONYMOUS_VARIABLE}=1."
    )


def _claims() -> dict[str, Any]:
    return dict(st.user.to_dict()) if st.user.get("is_logged_in") else {}


def signed_in_identity() -> Identity | None:
    """The person signed in, keyed on the provider's issuer and subject; None when nobody is, or the
    provider's answer cannot identify anyone."""
    claims = _claims()
    if not claims:
        return None
    try:
        return store.identity_from_claims(claims)
    except StoreError:
        return None


def signed_in_email() -> str | None:
    """How the person using this session is shown: LOCAL_USER without sign-in, their address (marked
    when the provider does not vouch for it), or None when nobody is signed in or their sign-in ended."""
    if not sign_in_configured():
        return LOCAL_USER
    identity = signed_in_identity()
    return identity.label if identity and not st.session_state.get("session-ended") else None


def check_session() -> None:
    """Every run: is this sign-in still live on the server? Ended (signed out on any server, removed,
    'sign out everywhere', idle, too old), this session opens nothing until its person signs in again."""
    state = st.session_state
    state.pop("session-ended", None)
    identity = signed_in_identity() if sign_in_configured() else None
    opened, _ = open_store()
    if identity is None or opened is None:
        return
    claims = _claims()
    try:
        opened.check_session(
            store.session_key(identity, claims), identity, store.issued_at(claims), store.Lifetimes.from_environment()
        )
    except store.SessionEnded as ended:
        state["session-ended"] = str(ended)
        state["doc"] = None  # nothing saved stays on screen
        state.pop("workspace-ready", None)
    except (StoreError, ValueError) as error:
        state["session-ended"] = f"Your sign-in cannot be checked: {error}"


def user() -> UserStore | None:
    """The store as the person using this session (with a first workspace of their own), or None."""
    opened, _ = open_store()
    if opened is None:
        return None
    if not sign_in_configured():
        identity = None
    else:
        identity = signed_in_identity()
        if identity is None or st.session_state.get("session-ended"):
            return None
    try:
        person = _ready(opened, identity)
    except StoreError as error:  # the database went away after start-up: carry on without saving
        st.session_state["store-lost"] = str(error)
        return None
    st.session_state.pop("store-lost", None)
    return person


def _ready(opened: Store, identity: Identity | None) -> UserStore:
    state = st.session_state
    if identity is None:
        person, first = UserStore(opened, LOCAL_USER), store.LOCAL_WORKSPACE
    else:
        person, first = opened.for_identity(identity), f"{identity.name or identity.email or 'Your'}'s workspace"
    if state.get("workspace-ready") != person.email:
        person.ensure_workspace(first)
        state["workspace-ready"] = person.email
    return person


# --------------------------------------------------------------------------------------------
# Signing in and out: the scenario on screen survives the trip to the provider; a broken provider
# is explained here, before anyone is sent to a bare error page


@st.cache_data(ttl=FAILURE_RECHECK_SECONDS, show_spinner=False, max_entries=4)
def provider_problem(metadata_url: str) -> str | None:
    """Why the sign-in provider cannot be used now (None when its discovery document answers)."""
    try:
        with urllib.request.urlopen(metadata_url, timeout=PROVIDER_TIMEOUT_SECONDS) as answer:  # noqa: S310 - the operator's own setting
            if answer.status == 200:
                return None
            return f"it answered with status {answer.status}"
    except (OSError, ValueError) as error:
        return f"it did not answer ({getattr(error, 'reason', None) or error})"


def _provider_metadata_url() -> str:
    auth = _secret("auth") or {}
    url = auth.get("server_metadata_url") if hasattr(auth, "get") else None
    if url:
        return str(url)
    for value in auth.values() if hasattr(auth, "values") else []:  # a named provider: [auth.microsoft]
        if hasattr(value, "get") and value.get("server_metadata_url"):
            return str(value.get("server_metadata_url"))
    return ""


def _draft_key() -> str:
    """The key naming this browser's kept draft: from its cookie, else a new one the page sets."""
    state = st.session_state
    if DRAFT_COOKIE in st.context.cookies:
        return st.context.cookies[DRAFT_COOKIE]
    return state.setdefault("draft-key", secrets.token_urlsafe(32))


def _set_draft_cookie() -> None:
    """Give this browser the draft key before it leaves for the provider (a cookie for an hour)."""
    if DRAFT_COOKIE in st.context.cookies:
        return
    st.html(
        f"<script>document.cookie = '{DRAFT_COOKIE}={_draft_key()}; path=/; max-age=3600; SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def _sign_in() -> None:
    """Keep unsaved work under this browser's draft key, then go to the provider."""
    opened, _ = open_store()
    if opened is not None and "s" in st.query_params:  # the address bar holds unsaved work (ui.frame)
        try:
            opened.keep_draft(_draft_key(), roi.inputs.share.encode(st.session_state.spec))
        except StoreError:
            pass  # signing in still works; the work on screen is what it was without this
    st.login()


def restore_draft() -> None:
    """Back from the provider: put the unsaved scenario kept before signing in on screen again."""
    state = st.session_state
    key = st.context.cookies.get(DRAFT_COOKIE)
    if state.get("draft-checked") or not key or not sign_in_configured() or not st.user.get("is_logged_in"):
        return
    state["draft-checked"] = True
    opened, _ = open_store()
    if opened is None:
        return
    try:
        packed = opened.take_draft(key)
        spec = roi.inputs.share.decode(packed) if packed else None
    except (StoreError, ValueError):
        return
    if spec is not None:
        set_spec(spec, base_name="unsaved work")
        state.saved["unsaved work"] = spec
        _flash("success", "Signed in. The scenario you were working on is back as you left it, not yet saved.")


def _sign_out() -> None:
    """End this sign-in on the server (every copy of its cookie, on every server), then at the provider."""
    identity, opened = signed_in_identity(), open_store()[0]
    if identity is not None and opened is not None:
        try:
            opened.end_session(store.session_key(identity, _claims()), identity, "signed out")
        except StoreError:
            pass
    st.logout()


def _sign_out_everywhere() -> None:
    person = user()
    if person is not None:
        try:
            person.sign_out_everywhere()
        except StoreError:
            pass
    _sign_out()


@dataclass(frozen=True)
class OpenDocument:
    """The saved document this session has open, and the version it was opened at (the base of a save)."""

    id: str
    name: str
    kind: str
    version: int
    author: str
    saved_at: str
    workspace: str
    can_edit: bool
    shared_token: str | None = None


@st.cache_data(max_entries=64, show_spinner=False)
def _differences(first_json: str, second_json: str) -> Any:
    first, second = (roi.resolve(ScenarioSpec.model_validate_json(j)) for j in (first_json, second_json))
    return compare.differences(first, second, limits.SENSITIVITY_SECONDS)


def differences(first: Any, second: Any) -> Any:
    """Each input that differs between two scenario specs, with the NPV it alone moves (roi.analysis.compare),
    cached by the specs' content: the History page reruns without running the model again."""
    return _differences(first.model_dump_json(), second.model_dump_json()).copy()


def file_stem(name: str) -> str:
    """A name safe for a file: letters, digits, spaces, hyphens and underscores, each run of anything
    else one space ('Offer, ICB' -> 'Offer ICB', never a double space)."""
    return " ".join("".join(c if c.isalnum() or c in " -_" else " " for c in name).split()) or "scenario"


def export_label(name: str) -> tuple[str, str | None]:
    """The file name for exports, and which saved version they are, when a saved document is open
    and unedited: ("Offer to the ICB v3 - version 4", "saved version 4 by ..., 26 Nov 2026, 09:14 UTC")."""
    state = st.session_state
    doc: OpenDocument | None = state.get("doc")
    if doc is None or state.get("base_name") != DOC_PREFIX + doc.id:
        return file_stem(name), None
    safe = file_stem(doc.name)
    if state.get("spec") != state.get("doc_spec"):
        return f"{safe} - edited from version {doc.version}", (
            f"edited from saved version {doc.version} by {doc.author}, {doc.saved_at}"
        )
    return f"{safe} - version {doc.version}", f"saved version {doc.version} by {doc.author}, {doc.saved_at}"


def when(value: Any) -> str:
    """A saved time as people read it: 26 Nov 2026, 09:14 (UTC)."""
    return value.strftime("%d %b %Y, %H:%M UTC")


def describe_loaded(loaded: store.Loaded, shared_token: str | None = None) -> OpenDocument:
    return OpenDocument(
        id=loaded.document.id,
        name=loaded.document.name,
        kind=loaded.document.kind,
        version=loaded.version.number,
        author=store.display_name(loaded.version.author),
        saved_at=when(loaded.version.created_at),
        workspace=loaded.document.workspace_name,
        can_edit=loaded.document.can_edit and shared_token is None,
        shared_token=shared_token,
    )


# --------------------------------------------------------------------------------------------
# The document open in this session: opening, the link to it, saving, and a save that met a newer one

DOC_PREFIX = "doc:"
PICKER_LIMIT = 100  # the most recently saved; the History page lists them all
SCENARIO_KINDS = ("scenario", "deal")  # a deal is a scenario with a funding deal applied


def _flash(kind: str, text: str) -> None:
    st.session_state[f"flash_saved_{kind}"] = text


def open_document(document_id: str, number: int | None = None) -> bool:
    """Open a saved scenario in this session; on any problem keep what is on screen and say why."""
    person = user()
    if person is None:
        _flash("error", "Sign in to open saved work")
        return False
    try:
        loaded = person.open(document_id, number)
    except store.NotFound as error:
        _flash("error", str(error))
        return False
    except store.StoreError as error:
        _flash("error", f"Cannot open it: {error}")
        return False
    except Exception as error:  # noqa: BLE001 - an InputError from validating a version saved under an older library
        if not isinstance(error, ValueError):
            raise
        st.session_state["unloadable"] = {"id": document_id, "number": number, "error": str(error)}
        _flash("error", f"This saved version no longer passes today's checks: {error}")
        return False
    if loaded.document.kind not in SCENARIO_KINDS:
        _flash("error", f"'{loaded.document.name}' is a {loaded.document.kind}: open it on its own page")
        return False
    _show(loaded)
    return True


def _show(loaded: store.Loaded, shared_token: str | None = None) -> None:
    state = st.session_state
    set_spec(loaded.spec, base_name=DOC_PREFIX + loaded.document.id)
    state.doc = describe_loaded(loaded, shared_token)
    state.doc_spec = loaded.spec
    state.pop("conflict", None)


def init_from_link() -> None:
    """A new session opened with ?doc=ID(&v=N) (members only) or ?share=TOKEN (a read-only link)."""
    state = st.session_state
    state.setdefault("doc", None)
    document_id, token = st.query_params.get("doc"), st.query_params.get("share")
    if token:
        opened, reason = open_store()
        if opened is None:
            _flash("error", f"Cannot open the shared link: {reason}")
            return
        try:
            _show(opened.open_shared(token), shared_token=token)
        except store.StoreError as error:
            _flash("error", str(error))
        except ValueError as error:
            _flash("error", f"The shared version no longer passes today's checks: {error}")
    elif document_id:
        version = st.query_params.get("v")
        open_document(document_id, int(version) if version and version.isdigit() else None)


def link() -> dict[str, str] | None:
    """The address-bar link to the open document while it is unedited; None otherwise."""
    state = st.session_state
    doc: OpenDocument | None = state.get("doc")
    if doc is None or state.base_name != DOC_PREFIX + doc.id or state.spec != state.get("doc_spec"):
        return None
    if doc.shared_token:
        return {"share": doc.shared_token}
    return {"doc": doc.id, "v": str(doc.version)}


def picker_options() -> dict[str, str]:
    """Saved scenarios for the sidebar picker: option key -> label."""
    person = user()
    if person is None:
        return {}
    try:
        documents = [d for d in person.documents(limit=PICKER_LIMIT) if d.kind in SCENARIO_KINDS]
    except StoreError:
        return {}
    many = len({d.workspace_id for d in documents}) > 1
    return {
        DOC_PREFIX + d.id: f"{d.name} · saved v{d.head}" + (f" · {d.workspace_name}" if many else "") for d in documents
    }


def base_spec() -> Any:
    """What 'edited' is measured against when a saved document is open."""
    state = st.session_state
    doc = state.get("doc")
    if doc is not None and state.base_name == DOC_PREFIX + doc.id:
        return state.get("doc_spec")
    return None


def _save(on_top: bool = False) -> None:
    state = st.session_state
    doc: OpenDocument = state.doc
    person = user()
    message = state.get("save-message", "")
    try:
        version = person.save(doc.id, dump_spec(state.spec), message, based_on=doc.version, on_top=on_top)
    except store.StaleVersion as stale:
        state.conflict = {"id": doc.id, "head": stale.head, "text": str(stale)}
        return
    except (StoreError, ValueError) as error:
        _refused(error)
        return
    state.pop("conflict", None)
    loaded = person.open(doc.id, version.number)
    _show(loaded)
    state["save-message"] = ""
    _flash("success", f"Saved '{doc.name}' as version {version.number}.")


def _save_as() -> None:
    state = st.session_state
    person = user()
    try:
        workspaces = person.workspaces()
        workspace = next((w for w in workspaces if w.id == state.get("save-as-workspace")), workspaces[0])
        version = person.create(
            workspace.id,
            "deal" if getattr(state.spec, "deal", None) else "scenario",
            state.get("save-as-name", ""),
            dump_spec(state.spec),
            state.get("save-as-message", ""),
        )
    except (StoreError, ValueError) as error:
        _refused(error)
        return
    _show(person.open(version.document_id))
    state["save-as-message"] = ""
    _flash("success", f"Saved as '{state.doc.name}', version 1, in {workspace.name}.")


def _refused(error: Exception) -> None:
    """A save that did not happen: one sentence, the scenario stays on screen, and when the fault is
    the database's (not the name or message typed) a download keeps the work."""
    _flash("error", f"Not saved: {error}")
    if isinstance(error, StoreError):
        st.session_state["save-failed-download"] = True


def _download_after_refusal() -> None:
    spec = st.session_state.spec
    st.download_button(
        "Download this scenario (YAML) to keep your work",
        data=dump_spec(spec),
        file_name=f"{export_label(spec.name or 'scenario')[0]}.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        icon=":material/download:",
        key="save-failed-download-button",
    )


def sidebar_panel() -> None:
    """Save / Save as for the scenario on screen, then who is signed in (or the local-mode banner)."""
    _save_panel()
    st.divider()
    _who()


def _who() -> None:
    if sign_in_configured():
        ended = st.session_state.get("session-ended")
        email = signed_in_email()
        if email:
            st.caption(f":material/account_circle: Signed in as {md(email)}")
            if email.endswith("(unverified)") or "(no email" in email:
                st.caption(
                    "Your sign-in does not vouch for an email address, so invitations cannot reach you: "
                    "you see only the work you started."
                )
            cols = st.columns(2)
            cols[0].button("Sign out", on_click=_sign_out, key="sign-out", width="stretch")
            cols[1].button(
                "Everywhere",
                on_click=_sign_out_everywhere,
                key="sign-out-everywhere",
                width="stretch",
                help="Sign out on every browser and device where you are signed in.",
            )
        elif ended:
            st.warning(md(ended), icon=":material/lock_clock:")
            _sign_in_button("Sign in again")
        elif st.user.get("is_logged_in"):
            st.warning(
                "Your sign-in did not say who you are (no issuer and subject), so saved work cannot be shown.",
                icon=":material/person_off:",
            )
            st.button("Sign out", on_click=st.logout, key="sign-out", width="stretch")
        else:
            _sign_in_button("Sign in to open and save work")
    else:
        st.caption(
            ":material/person: **Local mode**: no sign-in is set up, so saved work is kept in this "
            "computer's database for one user. See the README to set up sign-in."
        )


def _sign_in_button(label: str) -> None:
    """Sign in, or why it cannot be done now (a broken provider explained here, not on a bare error page)."""
    problem = provider_problem(_provider_metadata_url())
    if problem:
        st.warning(
            f"Sign-in is not available just now: the sign-in service {md(problem)}. You can still use the "
            "dashboard and its examples; try again in a minute, or tell whoever runs it.",
            icon=":material/cloud_off:",
        )
        st.link_button("Try again", "./", width="stretch")
        return
    _set_draft_cookie()
    st.button(label, on_click=_sign_in, key="sign-in", type="primary", width="stretch")


def _save_panel() -> None:
    state = st.session_state
    opened, reason = open_store()
    if opened is None:
        st.warning(f"Saving is off: {md(reason)}. The shipped examples still work.", icon=":material/cloud_off:")
        return
    person = user()
    if person is None:
        lost = state.get("store-lost")
        if lost:
            st.warning(f"Saving is off: {md(lost)}. The shipped examples still work.", icon=":material/cloud_off:")
        return
    try:
        _save_controls(state, person)
    except StoreError as error:
        st.warning(f"Saving is off: {md(error)}. The shipped examples still work.", icon=":material/cloud_off:")


def _save_controls(state: Any, person: UserStore) -> None:
    doc: OpenDocument | None = state.get("doc")
    is_open = doc is not None and state.base_name == DOC_PREFIX + doc.id
    if is_open:
        origin = "read-only link" if doc.shared_token else doc.workspace
        st.caption(f":material/history: Version {doc.version} by {md(doc.author)}, {doc.saved_at} ({md(origin)})")
    with st.popover("Save", icon=":material/save:", width="stretch"):
        if is_open and doc.can_edit:
            st.markdown(f"**Save ‘{md(doc.name)}’** as version {doc.version + 1}")
            st.text_input("What changed, and why (one line)", key="save-message", max_chars=500)
            st.button("Save", on_click=_save, key="save-button", type="primary", width="stretch")
            st.divider()
        elif is_open:
            st.caption("You can view and export this document; only its workspace's editors can save it.")
        st.markdown("**Save as a new document**")
        default = f"{doc.name} (copy)" if is_open else state.spec.name
        # The name is kept apart from the widget, whose own state is dropped on a page switch (the box
        # came back blank), and starts as the scenario's name whenever another scenario is opened.
        kept = state.get("save-as-kept")
        if kept is None or kept[0] != state.base_name:
            kept = state["save-as-kept"] = (state.base_name, default)
        state["save-as-name"] = kept[1]
        st.text_input("Name", key="save-as-name", max_chars=200, on_change=_keep_save_as_name)
        st.text_input("What it is, and why (one line)", key="save-as-message", max_chars=500)
        workspaces = [w for w in person.workspaces() if w.role != "viewer"]
        if len(workspaces) > 1:
            st.selectbox(
                "Workspace",
                [w.id for w in workspaces],
                format_func={w.id: w.name for w in workspaces}.get,
                key="save-as-workspace",
            )
        st.button("Save as", on_click=_save_as, key="save-as-button", width="stretch", disabled=not workspaces)


def _keep_save_as_name() -> None:
    state = st.session_state
    state["save-as-kept"] = (state.base_name, state["save-as-name"])


def page_banner() -> None:
    """Messages about saving, shown at the top of every page: done, refused, or met a newer version.
    Each is plain text that quotes names, messages and emails people typed, so it is shown escaped."""
    state = st.session_state
    done = state.pop("flash_saved_success", None)
    if done:
        st.success(md(done), icon=":material/check_circle:")
    refused = state.pop("flash_saved_error", None)
    if refused:
        st.error(md(refused), icon=":material/warning:")
        if state.pop("save-failed-download", False):
            _download_after_refusal()
    conflict = state.get("conflict")
    doc = state.get("doc")
    if conflict and doc is not None and conflict["id"] == doc.id:
        _conflict(conflict, doc)
    unloadable = state.get("unloadable")
    if unloadable:
        _offer_repair(unloadable)


def _conflict(conflict: dict[str, Any], doc: OpenDocument) -> None:

    st.warning(md(conflict["text"]), icon=":material/sync_problem:")
    person = user()
    try:
        theirs = person.open(doc.id, conflict["head"])
        table = differences(theirs.spec, st.session_state.spec)
    except (StoreError, ValueError):
        table = None
    if table is not None and not table.empty:
        st.markdown(
            f"**Your version against version {conflict['head']}**: each of your differences applied alone, "
            "and how far it moves the net present value"
        )
        differences_table(table, f"Version {conflict['head']}", "Yours")
    elif table is not None:
        st.caption(f"Your scenario has the same inputs as version {conflict['head']}.")
    cols = st.columns(3)
    cols[0].button(
        f"Save mine on top as version {conflict['head'] + 1}", on_click=_save, args=(True,), key="save-on-top"
    )
    cols[1].caption("Or use **Save as** in the sidebar to keep yours under a new name.")
    cols[2].button("Dismiss", on_click=lambda: st.session_state.pop("conflict", None), key="conflict-dismiss")


def _offer_repair(unloadable: dict[str, Any]) -> None:
    person = user()
    if person is None:
        return
    cols = st.columns(2)

    def repair() -> None:
        state = st.session_state
        state.pop("unloadable", None)
        try:
            spec, reset = store.repair.reset_failing_fields(person.text(unloadable["id"], unloadable["number"]))
        except (StoreError, ValueError) as error:
            _flash("error", f"It could not be repaired: {error}")
            return
        set_spec(spec, base_name="repaired")
        state.saved["repaired"] = spec
        state.doc = None
        _flash("success", "Opened with these fields reset to the library's values: " + "; ".join(reset))

    cols[0].button("Open it with the failing fields reset", on_click=repair, key="repair-open")
    cols[1].button("Leave it", on_click=lambda: st.session_state.pop("unloadable", None), key="repair-dismiss")


# --------------------------------------------------------------------------------------------
# Check a claim: save the claim on screen as a new document of kind "claim"


def _save_claim() -> None:
    state = st.session_state
    person = user()
    if person is None:
        _flash("error", "Not saved: saving is off. Sign in (in the sidebar) to save work.")
        return
    try:
        workspaces = [w for w in person.workspaces() if w.role != "viewer"]
        if not workspaces:
            _flash("error", "Not saved: you can view your workspaces but not save to them.")
            return
        workspace = next((w for w in workspaces if w.id == state.get("claim-save-workspace")), workspaces[0])
        version = person.create(
            workspace.id,
            "claim",
            state.get("claim-save-name", ""),
            dump_spec(state.claim),
            state.get("claim-save-message", ""),
        )
        name = person.document(version.document_id).name
    except (StoreError, ValueError) as error:
        _flash("error", f"Not saved: {error}")
        state["claim-save-toast"] = f"Not saved: {error}"
        return
    state["claim-save-message"] = ""
    _flash("success", f"Saved the claim as '{name}', version 1, in {workspace.name}. The History page lists it.")
    state["claim-save-toast"] = f"Saved as '{name}' in {workspace.name}"


def claim_save_panel() -> None:
    """'Save to your workspace' for the claim on screen (Check a claim), or why saving is off."""
    state = st.session_state
    opened, reason = open_store()
    if opened is None:
        st.caption(f":material/cloud_off: Saving is off: {md(reason)}.")
        return
    person = user()
    if person is None:
        lost = state.get("store-lost")
        st.caption(
            f":material/cloud_off: Saving is off: {md(lost)}."
            if lost
            else ":material/login: Sign in (in the sidebar) to save this claim to your workspace."
        )
        return
    try:
        workspaces = [w for w in person.workspaces() if w.role != "viewer"]
    except StoreError as error:
        st.caption(f":material/cloud_off: Saving is off: {md(error)}.")
        return
    said = state.pop("claim-save-toast", None)
    if said:  # the banner is at the top of the page, out of sight of this button on a long claim
        st.toast(md(said), icon=":material/save:")
    title = state.claim.claim
    if state.get("claim-save-for") != title or "claim-save-name" not in state:  # it starts as the claim's title
        state["claim-save-name"], state["claim-save-for"] = title, title
    with st.popover("Save to your workspace", icon=":material/save:", width="stretch"):
        st.markdown("**Save this claim to your workspace**")
        st.text_input("Name", key="claim-save-name", max_chars=200)
        st.text_input("What it is, and why (one line)", key="claim-save-message", max_chars=500)
        if len(workspaces) > 1:
            st.selectbox(
                "Workspace",
                [w.id for w in workspaces],
                format_func={w.id: w.name for w in workspaces}.get,
                key="claim-save-workspace",
            )
        elif not workspaces:
            st.caption("You can view your workspaces but not save to them: ask an owner to make you an editor.")
        st.button(
            "Save",
            on_click=_save_claim,
            key="claim-save-button",
            type="primary",
            width="stretch",
            disabled=not workspaces,
        )
        st.caption("Each save is a new document; the History page lists its versions.")
