"""User text on a page: every label, name or message a user controls passes through :func:`md`
before it meets Markdown (titles, headers, expander labels, notes, info and error boxes).

Streamlit renders Markdown with GitHub extensions: a scenario name such as
``![x](https://example.org/track.png)`` would make every viewer's browser fetch that address, and
``https://example.org`` or ``name@example.org`` would become a link inside the app's own title.
"""

from __future__ import annotations

import re
from typing import Any

from roi.inputs.errors import printable

# Every ASCII punctuation mark CommonMark lets a backslash escape that Markdown, GitHub's autolinks,
# Streamlit's directives (:red[...], :material/icon:) or LaTeX ($...$) could act on.
_LINE_BREAKS = re.compile("[\r\n\t\x0b\x0c\x85\u2028\u2029]+")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:@&=^\"'])")
# GitHub's autolinks (https://..., www...., name@host) survive backslash escapes in headings with an
# anchor and in captions: a word joiner (U+2060, invisible) after "://", "www" and "@" breaks them.
WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(://|\bwww(?=\.)|@)")


def md(text: Any) -> str:
    """``text`` as Markdown that shows exactly those characters: one line, nothing a link or an image."""
    line = printable(_LINE_BREAKS.sub(" ", str(text)), 10_000)
    line = _AUTOLINK.sub(lambda found: found.group(1)[:1] + WORD_JOINER + found.group(1)[1:], line)
    return _MARKDOWN.sub(r"\\\1", line)
