"""Identity by issuer and subject, sessions the server can end, and share links that end with
their purpose (issue 20, findings 1, 2 and 9), on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import roi
from store import Identity, Lifetimes, NotFound, SessionEnded, SignInRefused, Store, identity_from_claims
from store.identity import session_key
from store.models import AuditEntry, SignInSession
from tests.postgres import new_database

ROOT = Path(__file__).resolve().parents[1]
OFFER = (ROOT / "assumptions/scenarios/district_offer.yaml").read_text()
ISSUER = "https://id.example.gov.uk"
ALICE = "alice@district.gov.uk"
DEFAULT = Lifetimes(idle=timedelta(hours=8), absolute=timedelta(days=7))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/identity.sqlite"
    else:
        url = new_database(request.getfixturevalue("postgres_cluster"))
    opened = Store(url)
    yield opened
    opened.dispose()


def person(sub: str, email: str | None, verified: bool, name: str = "") -> Identity:
    claims = {"iss": ISSUER, "sub": sub, "email_verified": verified, "name": name}
    if email:
        claims["email"] = email
    return identity_from_claims(claims)


def alice_with_work(store: Store) -> tuple[str, str]:
    """The real Alice (verified) with a saved offer in her workspace: (workspace id, document id)."""
    alice = store.for_identity(person("alice-1", ALICE, True))
    workspace = alice.ensure_workspace("Alice's workspace")
    version = alice.create(workspace.id, "scenario", "Offer to the ICB", OFFER, "first")
    return workspace.id, version.document_id


# ---- finding 1: identity is the issuer and subject, the email is shown, never trusted ----------


def test_an_unverified_email_claim_does_not_open_that_persons_work(store):
    alice_with_work(store)
    impostor = store.for_identity(person("mallory", "Alice@District.gov.uk", False))
    assert impostor.documents() == [] and impostor.workspaces() == []
    assert impostor.email == f"{ALICE} (unverified)"


def test_a_preferred_username_is_never_taken_for_an_email(store):
    bob = store.for_user("bob@county.gov.uk")
    bob.create(bob.ensure_workspace("Bob's").id, "scenario", "County plan", OFFER, "first")
    claims = {"iss": ISSUER, "sub": "someone-else", "preferred_username": "bob@county.gov.uk"}
    nobody = store.for_identity(identity_from_claims(claims))
    assert nobody.documents() == [] and "no email" in nobody.email


def test_an_invitation_binds_to_the_first_verified_sign_in_and_is_audited(store):
    workspace_id, document_id = alice_with_work(store)
    alice = store.for_identity(person("alice-1", ALICE, True))
    alice.set_member(workspace_id, "carol@icb.nhs.uk", "viewer")
    assert store.for_identity(person("mallory", "carol@icb.nhs.uk", False)).documents() == []
    carol = store.for_identity(person("carol-7", "carol@icb.nhs.uk", True))
    assert [d.id for d in carol.documents()] == [document_id]
    # Taken up once: a second verified account claiming the same address later gets nothing.
    assert store.for_identity(person("carol-other", "carol@icb.nhs.uk", True)).documents() == []
    with store.transaction(write=False) as session:
        bound = session.query(AuditEntry).filter_by(action="member.bind").all()
    assert [(b.actor, b.workspace_id) for b in bound] == [("carol@icb.nhs.uk", workspace_id)]
    assert "as viewer" in bound[0].detail


def test_entra_id_is_keyed_on_tenant_and_object_id_not_issuer():
    one = identity_from_claims({"iss": "https://a", "sub": "x", "tid": "t1", "oid": "o1"})
    two = identity_from_claims(
        {"iss": "https://b", "sub": "y", "tid": "t1", "oid": "o1", "email": ALICE, "xms_edov": True}
    )
    assert one.subject == two.subject == "entra|t1|o1"
    assert two.verified and not one.verified


def test_no_issuer_or_subject_is_refused():
    with pytest.raises(SignInRefused, match="did not say who you are"):
        identity_from_claims({"email": ALICE, "email_verified": True})


@given(st.text(max_size=40), st.text(max_size=40), st.one_of(st.none(), st.text(max_size=10), st.booleans()))
def test_only_a_true_email_verified_makes_an_address_trusted(sub, email, verified):
    claims = {"iss": ISSUER, "sub": sub.strip() or "s", "email": email, "email_verified": verified}
    identity = identity_from_claims(claims)
    trusted = verified is True or (isinstance(verified, str) and verified.strip().lower() == "true")
    assert identity.verified == (trusted and bool(email.strip()))
    assert identity.label == identity.email if identity.verified else identity.label != (identity.email or "")


# ---- finding 2: sessions the server can end ----------------------------------------------------


def claims_of(sub: str, iat: datetime, nonce: str = "n1") -> dict:
    return {"iss": ISSUER, "sub": sub, "email": ALICE, "email_verified": True, "iat": iat.timestamp(), "nonce": nonce}


def test_after_sign_out_a_copied_cookie_opens_nothing_and_a_new_sign_in_does(store):
    claims = claims_of("alice-1", datetime.now(UTC))
    identity = identity_from_claims(claims)
    key = session_key(identity, claims)
    store.check_session(key, identity, None, DEFAULT)
    store.end_session(key, identity, "signed out")
    copied = dict(claims)  # the same cookie in another browser carries the same claims
    with pytest.raises(SessionEnded, match="you signed out"):
        store.check_session(session_key(identity_from_claims(copied), copied), identity, None, DEFAULT)
    again = claims_of("alice-1", datetime.now(UTC), nonce="n2")
    store.check_session(session_key(identity, again), identity, None, DEFAULT)


def test_sign_out_everywhere_and_removal_end_every_session_of_that_person(store):
    workspace_id, _ = alice_with_work(store)
    alice = store.for_identity(person("alice-1", ALICE, True))
    alice.set_member(workspace_id, "dan@district.gov.uk", "editor")
    dan_claims = {**claims_of("dan-2", datetime.now(UTC)), "email": "dan@district.gov.uk"}
    dan = identity_from_claims(dan_claims)
    store.for_identity(dan)
    store.check_session(session_key(dan, dan_claims), dan, None, DEFAULT)
    alice.remove_member(workspace_id, "dan@district.gov.uk")
    with pytest.raises(SessionEnded, match="removed from a workspace"):
        store.check_session(session_key(dan, dan_claims), dan, None, DEFAULT)

    phone, laptop = (claims_of("alice-1", datetime.now(UTC), nonce=n) for n in ("phone", "laptop"))
    me = identity_from_claims(phone)
    for claims in (phone, laptop):
        store.check_session(session_key(me, claims), me, None, DEFAULT)
    assert alice.sign_out_everywhere() == 2
    for claims in (phone, laptop):
        with pytest.raises(SessionEnded, match="sign out everywhere"):
            store.check_session(session_key(me, claims), me, None, DEFAULT)


def test_idle_and_absolute_lifetimes_end_a_session(store):
    claims = claims_of("alice-1", datetime.now(UTC))
    me = identity_from_claims(claims)
    key = session_key(me, claims)
    store.check_session(key, me, None, DEFAULT)
    with store.transaction() as session:
        session.get(SignInSession, key).last_seen_at = datetime.now(UTC) - timedelta(hours=8, minutes=1)
    with pytest.raises(SessionEnded, match="idle"):
        store.check_session(key, me, None, DEFAULT)
    old = claims_of("alice-1", datetime.now(UTC) - timedelta(days=7, minutes=1), nonce="old")
    with pytest.raises(SessionEnded, match="maximum length"):
        store.check_session(session_key(me, old), me, datetime.now(UTC) - timedelta(days=7, minutes=1), DEFAULT)


def test_lifetimes_are_settings_defaulting_to_8_hours_and_7_days(monkeypatch):
    monkeypatch.delenv("ROI_SESSION_IDLE_HOURS", raising=False)
    monkeypatch.delenv("ROI_SESSION_MAX_DAYS", raising=False)
    assert Lifetimes.from_environment() == DEFAULT
    monkeypatch.setenv("ROI_SESSION_IDLE_HOURS", "0.5")
    monkeypatch.setenv("ROI_SESSION_MAX_DAYS", "1")
    assert Lifetimes.from_environment() == Lifetimes(timedelta(minutes=30), timedelta(days=1))
    monkeypatch.setenv("ROI_SESSION_MAX_DAYS", "forever")
    with pytest.raises(roi.InputError, match="ROI_SESSION_MAX_DAYS.*0.01 to 365"):
        Lifetimes.from_environment()


# ---- finding 9: a share link ends with its purpose -----------------------------------------------


def test_a_share_link_opens_the_version_it_was_made_for_unless_made_to_follow(store):
    _, document_id = alice_with_work(store)
    alice = store.for_identity(person("alice-1", ALICE, True))
    pinned, following = alice.share(document_id), alice.share(document_id, follow_newest=True)
    alice.save(document_id, OFFER.replace("population: 100000", "population: 110000"), "second", based_on=1)
    assert store.open_shared(pinned).version.number == 1
    with pytest.raises(NotFound, match="opens version 1 only"):
        store.open_shared(pinned, 2)
    assert store.open_shared(following).version.number == 2
    assert [s[3] for s in alice.shares(document_id)] == [1, None]


def test_archiving_revokes_the_documents_links(store):
    _, document_id = alice_with_work(store)
    alice = store.for_identity(person("alice-1", ALICE, True))
    token = alice.share(document_id)
    alice.archive(document_id)
    alice.archive(document_id, archived=False)  # bringing it back does not bring the link back
    with pytest.raises(NotFound, match="not valid"):
        store.open_shared(token)


def test_removing_the_maker_revokes_the_links_they_made(store):
    workspace_id, document_id = alice_with_work(store)
    alice = store.for_identity(person("alice-1", ALICE, True))
    alice.set_member(workspace_id, "erin@district.gov.uk", "owner")
    erin = store.for_identity(person("erin-3", "erin@district.gov.uk", True))
    hers, mine = erin.share(document_id), alice.share(document_id)
    alice.remove_member(workspace_id, "erin@district.gov.uk")
    with pytest.raises(NotFound):
        store.open_shared(hers)
    assert store.open_shared(mine).document.id == document_id


# ---- issue 25 item 1: the scenario on screen survives the trip to the provider -------------------


def test_a_draft_is_handed_back_once(store):
    store.keep_draft("browser-key", "name: my unsaved offer\n")
    assert store.take_draft("browser-key") == "name: my unsaved offer\n"
    assert store.take_draft("browser-key") is None
    assert store.take_draft("") is None


# ---- an administrator's "sign out everywhere", from the command line ---------------------------


def test_the_command_line_signs_a_person_out_everywhere(tmp_path, monkeypatch, capsys):
    from store.cli import main

    url = f"sqlite:///{tmp_path}/cli.sqlite"
    monkeypatch.setenv("ROI_DATABASE_URL", url)
    opened = Store(url)
    claims = claims_of("alice-1", datetime.now(UTC))
    me = identity_from_claims(claims)
    opened.check_session(session_key(me, claims), me, None, DEFAULT)
    assert main(["sign-out", "--email", ALICE]) == 0
    assert "Ended 1 sign-in(s) of alice@district.gov.uk" in capsys.readouterr().out
    with pytest.raises(SessionEnded, match="sign out everywhere"):
        opened.check_session(session_key(me, claims), me, None, DEFAULT)
    assert main(["sign-out"]) == 2 and "give one of --email EMAIL or --everyone" in capsys.readouterr().err
    opened.dispose()
