"""Who is signed in, and for how long: identity by issuer and subject, and server-side sessions.

The provider's ``email`` claim is shown, never trusted on its own. A person is the pair
(issuer, subject), or Entra ID's (tenant id, object id), which no user can choose. An invitation by
email is taken up only by a sign-in whose provider says the address is verified
(``email_verified: true``, or Entra ID's ``xms_edov``); until then the membership belongs to nobody.

A sign-in session is a row keyed by a hash of the identity token's own claims (subject, issued-at,
expiry, nonce). The browser's cookie carries those claims, so a copy of the cookie maps to the same
row: once the row is ended (sign-out on any server, removal from a workspace, "sign out
everywhere", idle or absolute lifetime), every copy opens nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import roi

from .errors import SessionEnded, SignInRefused
from .models import SUBJECT_MAX

IDLE_VARIABLE = "ROI_SESSION_IDLE_HOURS"
ABSOLUTE_VARIABLE = "ROI_SESSION_MAX_DAYS"
DEFAULT_IDLE_HOURS = 8
DEFAULT_ABSOLUTE_DAYS = 7
TOUCH_EVERY = timedelta(minutes=1)  # how often a run records "last seen" (a write per click is waste)
DRAFT_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class Identity:
    """A signed-in person as the store sees them."""

    subject: str  # "issuer|subject", or "entra|tenant|object": the key of their memberships
    email: str | None  # the address the provider gave, lower case; shown, never trusted alone
    verified: bool  # the provider vouches for the address
    name: str = ""

    @property
    def label(self) -> str:
        """How this person is shown and recorded (author, audit actor): never a bare unverified address."""
        if self.email and self.verified:
            return self.email
        if self.email:
            return f"{self.email} (unverified)"[:320]
        fingerprint = hashlib.sha256(self.subject.encode()).hexdigest()[:8]
        return f"{self.name or 'An account'} (no email, id {fingerprint})"[:320]


def _claim(claims: Mapping[str, Any], key: str) -> str:
    value = claims.get(key)
    return str(value).strip() if value is not None else ""


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def identity_from_claims(claims: Mapping[str, Any]) -> Identity:
    """The person behind an OpenID Connect identity token's claims (Streamlit's ``st.user``)."""
    tenant, oid = _claim(claims, "tid"), _claim(claims, "oid")
    issuer, sub = _claim(claims, "iss"), _claim(claims, "sub")
    if tenant and oid:
        subject = f"entra|{tenant}|{oid}"
    elif issuer and sub:
        subject = f"{issuer}|{sub}"
    else:
        raise SignInRefused("Your sign-in did not say who you are (no issuer and subject): nothing can be opened")
    if len(subject) > SUBJECT_MAX:
        raise SignInRefused(f"Your sign-in's issuer and subject are over {SUBJECT_MAX} characters: not accepted")
    email = _claim(claims, "email").lower() or None  # never preferred_username: anyone can be called anything
    verified = bool(email) and (_true(claims.get("email_verified")) or _true(claims.get("xms_edov")))
    return Identity(subject=subject, email=email, verified=verified, name=_claim(claims, "name")[:100])


def session_key(identity: Identity, claims: Mapping[str, Any]) -> str:
    """The id of this sign-in's session row: the same for every copy of the cookie, new at each sign-in."""
    parts = [identity.subject, *(str(claims.get(k, "")) for k in ("iat", "exp", "nonce", "auth_time"))]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def issued_at(claims: Mapping[str, Any]) -> datetime | None:
    """When the provider issued the identity token, if it says (``iat``, seconds since 1970)."""
    try:
        return datetime.fromtimestamp(float(claims["iat"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class Lifetimes:
    """How long a sign-in lasts: ``idle`` without a run, ``absolute`` from the sign-in however busy."""

    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_environment(cls) -> Lifetimes:
        """ROI_SESSION_IDLE_HOURS (default 8) and ROI_SESSION_MAX_DAYS (default 7)."""
        idle = _setting(IDLE_VARIABLE, DEFAULT_IDLE_HOURS, 0.1, 24 * 30)
        absolute = _setting(ABSOLUTE_VARIABLE, DEFAULT_ABSOLUTE_DAYS, 0.01, 365)
        return cls(idle=timedelta(hours=idle), absolute=timedelta(days=absolute))


def _setting(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise roi.InputError(name, name, f"'{raw}' is not a number from {low:g} to {high:g}")
    return value


def why_ended(why: str | None) -> SessionEnded:
    """The one sentence a person sees when their session has ended."""
    reasons = {
        "signed out": "you signed out (here or on another server)",
        "signed out everywhere": "every sign-in of yours was ended ('sign out everywhere')",
        "removed": "you were removed from a workspace",
        "idle": "it was idle for too long",
        "expired": "it reached its maximum length",
    }
    return SessionEnded(f"Your sign-in has ended: {reasons.get(why or '', 'it was ended')}. Sign in again to go on")
