"""Shareable links: a scenario spec packed into one URL query parameter, and unpacked safely."""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

from pydantic import BaseModel

from .errors import InputError
from .library import MAX_FILE_BYTES, validate
from .schema import ScenarioSpec

MAX_LINK_CHARS = 16_000
SOURCE = "shared link"


def encode(spec: BaseModel) -> str:
    """URL-safe text for a spec (a scenario or a claim): compact JSON of the fields set, zlib, base64url."""
    data = spec.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(text: str) -> ScenarioSpec:
    """The spec in a shared link; any problem is an InputError, never an exception of another kind."""
    return validate(ScenarioSpec, unpack(text, "s"), SOURCE)


def unpack(text: str, param: str) -> Any:
    """The data packed by :func:`encode` into the link parameter ``param``, not yet validated."""
    if len(text) > MAX_LINK_CHARS:
        raise InputError(SOURCE, param, f"the link is {len(text):,} characters; the limit is {MAX_LINK_CHARS:,}")
    try:
        packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_FILE_BYTES)
        if inflater.unconsumed_tail:
            raise InputError(SOURCE, param, "the link expands beyond 1 MB")
        return json.loads(raw.decode("utf-8"))
    except InputError:
        raise
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(SOURCE, param, "the link is damaged or incomplete; ask for it again") from exc
