"""Saved work: workspaces, members, versioned documents (scenarios, claims, deals) and an audit log.

Kept apart from ``roi`` (which never imports a database): ``store`` uses ``roi`` to validate what
it saves and loads, never the other way round. SQLite under data/ by default; PostgreSQL when
ROI_DATABASE_URL names one. Every access check is here, in :class:`UserStore`.

    >>> from store import Store
    >>> me = Store().local()
    >>> workspace = me.ensure_workspace("My workspace")
"""

from . import repair
from .db import URL_VARIABLE, database_url, default_url
from .errors import Forbidden, NotFound, SessionEnded, SignInRefused, StaleVersion, StoreError, StoreUnavailable
from .identity import Identity, Lifetimes, identity_from_claims, issued_at, session_key
from .models import KINDS, ROLES
from .service import (
    LOCAL_USER,
    LOCAL_WORKSPACE,
    DocumentInfo,
    Loaded,
    MemberInfo,
    Store,
    UserStore,
    VersionInfo,
    WorkspaceInfo,
    detect_kind,
    display_name,
    validate_spec,
)

__all__ = [
    "KINDS",
    "LOCAL_USER",
    "LOCAL_WORKSPACE",
    "ROLES",
    "URL_VARIABLE",
    "DocumentInfo",
    "Forbidden",
    "Identity",
    "Lifetimes",
    "Loaded",
    "MemberInfo",
    "NotFound",
    "SessionEnded",
    "SignInRefused",
    "StaleVersion",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UserStore",
    "VersionInfo",
    "WorkspaceInfo",
    "database_url",
    "default_url",
    "detect_kind",
    "display_name",
    "identity_from_claims",
    "issued_at",
    "session_key",
    "repair",
    "validate_spec",
]
