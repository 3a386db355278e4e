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


class SignInRefused(StoreError):
    """The provider's answer cannot identify a person (no issuer or subject): nothing is opened."""


class SessionEnded(StoreError):
    """This sign-in was ended (signed out, here or on another server; removed from a workspace; idle
    or too old). A copied cookie of it opens nothing; signing in again starts a new one."""
