"""What the parser's parts share to read the converted text: the folded key that names are
compared by, and a table line's cells. Pure."""

import re
import unicodedata

from .html import inline_text


def fold(text: str) -> str:
    """Lower-case ASCII-ish key for matching names typed with variants."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_SEPARATOR_CELL = re.compile(r"^\s*:?-*:?\s*$")


def split_cells(line: str) -> list[str]:
    return line.split("\t")


def is_separator(cells: list[str]) -> bool:
    return all(_SEPARATOR_CELL.match(c) for c in cells) and any("-" in c for c in cells)


def is_blank_row(cells: list[str]) -> bool:
    return all(not inline_text(c) for c in cells)
