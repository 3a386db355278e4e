"""Names people give documents and workspaces: one normal form, no control characters, and a
look-alike key so that two names a reader cannot tell apart cannot name two documents.

The key folds case, drops characters that show as nothing (zero-width spaces and joiners, soft
hyphens, direction marks, variation selectors) and maps Cyrillic and Greek letters that look like
Latin ones to those Latin letters. The table is a judgement (the letters that print alike in
common fonts), not Unicode's full confusables list: it covers the look-alikes a person could type
or paste into a council's document names, and nothing that would make two honest names clash.
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters (after case folding) that print like a Latin letter.
LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ӏ": "l", "һ": "h", "ԛ": "q", "ԝ": "w", "ү": "y",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ϲ": "c",
    }
)  # fmt: skip
# Characters that show as nothing but are not in category Cf.
INVISIBLE_EXTRA = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", "\u180e"}


def control_characters(text: str) -> list[str]:
    """The control characters (C0, DEL, C1) in a text, as U+ codes."""
    return [f"U+{ord(c):04X}" for c in dict.fromkeys(text) if unicodedata.category(c) == "Cc"]


def normal_form(text: str) -> str:
    """NFKC (full-width letters, ligatures and the like become the plain ones), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(text or "")).split())


def _invisible(c: str) -> bool:
    return (
        unicodedata.category(c) == "Cf"
        or c in INVISIBLE_EXTRA
        or "\ufe00" <= c <= "\ufe0f"
        or "\U000e0100" <= c <= "\U000e01ef"
    )


def look_alike_key(name: str) -> str:
    """One key for every name a reader would take for the same: case, invisibles and look-alikes folded."""
    folded = normal_form(name).casefold()
    visible = "".join(c for c in folded if not _invisible(c))
    return " ".join(visible.translate(LOOK_ALIKES).split())
