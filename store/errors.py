"""What can go wrong with saved work, in words a user can act on."""

from __future__ import annotations


class StoreError(Exception):
    """A problem with saved work the user can act on; ``str(error)`` is one readable line."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or opened. The app still runs the shipped examples."""


class NotFound(StoreError):
    """No such document or workspace *for this user*: the same answer whether it does not exist or
    belongs to someone else, so ids cannot be probed."""


class Forbidden(StoreError):
    """The user can see the workspace but their role does not allow this (a viewer saving)."""


class StaleVersion(StoreError):
    """Someone saved a newer version since this one was opened. Nothing was written."""

    def __init__(self, document_name: str, based_on: int, head: int, head_author: str) -> None:
        self.based_on = based_on
        self.head = head
        self.head_author = head_author
        super().__init__(
            f"'{document_name}' has a newer version ({head}, saved by {head_author}) than the version "
            f"{based_on} you started from. Nothing was saved: compare, then save yours on top or under a new name"
        )


class ReadOnly(StoreError):
    """The database takes reads but no writes just now (a replica after failover, a read-only file)."""


class Busy(StoreError):
    """Another session held a lock longer than the lock timeout. Nothing was written."""


class Refused(StoreError):
    """The database refused a value (a character or size it cannot store). Nothing was written."""


READ_ONLY_CODES = {"25006"}  # PostgreSQL: read_only_sql_transaction
LOCK_CODES = {"55P03", "57014", "40P01"}  # lock_not_available, query_canceled, deadlock_detected


def plain(exc: Exception, where: str) -> StoreError:
    """A database error as one sentence a user can act on; nothing of it was written."""
    original = getattr(exc, "orig", None) or exc
    code = getattr(original, "sqlstate", None) or ""
    message = str(original).lower()
    if code in READ_ONLY_CODES or "readonly database" in message or "read-only" in message:
        return ReadOnly(
            "The database is taking no changes just now (it is read-only), so nothing was saved: "
            "download your work to keep it and save again later"
        )
    if code in LOCK_CODES or "database is locked" in message or "lock timeout" in message:
        return Busy(
            "Another save was holding the document for longer than the wait allowed, so nothing was saved: "
            "try again in a moment"
        )
    if code.startswith("22") or "nul (0x00)" in message or "nul character" in message:
        return Refused(
            "The database refused a value in this work (a character or size it cannot store), so nothing "
            "was saved: remove unusual characters and try again"
        )
    reason = str(original).strip().splitlines()[0][:300] if str(original).strip() else type(original).__name__
    return StoreUnavailable(f"cannot reach the database at {where}: {reason}")


class SignInRefused(StoreError):
    """The provider's answer cannot identify a person (no issuer or subject): nothing is opened."""


class SessionEnded(StoreError):
    """This sign-in was ended (signed out, here or on another server; removed from a workspace; idle
    or too old). A copied cookie of it opens nothing; signing in again starts a new one."""
