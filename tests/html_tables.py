"""Read the results tables a page draws as HTML (ui/tables.py) back into DataFrames, as a user reads
them on a wide screen: full figures, every column."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.captions: list[str] = []
        self._cell: list[str] | None = None
        self._skip = 0  # inside a compact figure (the wide screen shows the full one)
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self.tables.append([])
            self.captions.append("")
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "span" and "m-short" in classes:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "span" and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.captions[-1] += data
        elif self._cell is not None and not self._skip:
            self._cell.append(data)


def read_tables(markup: str) -> list[pd.DataFrame]:
    """Every <table> in ``markup`` as a DataFrame of the text shown, headed by its first row; its
    caption in ``.attrs['caption']``."""
    parser = _Tables()
    parser.feed(markup)
    frames = []
    for rows, caption in zip(parser.tables, parser.captions, strict=True):
        frame = pd.DataFrame(rows[1:], columns=rows[0])
        frame.attrs["caption"] = caption.strip()
        frames.append(frame)
    return frames


def page_tables(at, charts: bool = False) -> list[pd.DataFrame]:  # noqa: ANN001 - an AppTest
    """Every fitted results table on an AppTest page, in page order; with ``charts``, only the
    figures of the charts (tables for screen readers) instead."""
    bodies = [element.proto.body for element in at.get("html")]
    return [frame for body in bodies if ("sr-only" in body) == charts for frame in read_tables(body)]
