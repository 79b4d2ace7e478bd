"""HTML fragments of the source cells: sanitize them, turn them into plain text, split blocks.

Pure functions (no Django). The cells hold <p>, <ul>, <li>, <b> and the odd <a>; we keep the
structure a reader needs and strip everything else (attributes included).
"""

import html as html_lib
import re

import nh3

ALLOWED_TAGS = {"p", "ul", "ol", "li", "b", "strong", "i", "em", "br"}

_BLOCK_BREAK = re.compile(r"<\s*(?:/p|/li|/ul|/ol|br\s*/?|/h\d|/div|/tr)\s*>", re.IGNORECASE)
_BLOCK_OPEN = re.compile(r"<\s*(?:li|p|ul|ol|div|h\d|tr)(?:\s[^>]*)?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
_BULLET = re.compile(r"^\s*[•·▪◦‣∙]\s*")
_EMPTY_BLOCK = re.compile(r"<(p|li|b|strong|i|em)>\s*</\1>")
_TOP_BLOCK = re.compile(r"<(p|ul|ol)>.*?</\1>", re.DOTALL)


def sanitize(fragment: str) -> str:
    """Keep only structural tags (no attributes); drop scripts and styles with their content."""
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes={},
        strip_comments=True,
        link_rel=None,
    )
    # Bullets typed by hand inside <li> duplicate the list marker.
    cleaned = re.sub(r"<li>\s*[•·▪◦‣∙]\s*", "<li>", cleaned)
    previous = None
    while previous != cleaned:
        previous, cleaned = cleaned, _EMPTY_BLOCK.sub("", cleaned)
    # Runs of spaces are kept: in the converted PDF two spaces mark a lost line break.
    return cleaned.strip()


def to_text(fragment: str, *, keep_gaps: bool = False) -> str:
    """Plain text for search and export: blocks become lines, tags go, entities are decoded.

    With keep_gaps, a run of two or more spaces (a line break lost in the PDF conversion) stays
    as two spaces, for parsers that split on it.
    """
    text = _BLOCK_BREAK.sub("\n", fragment)
    text = _BLOCK_OPEN.sub("\n", text)
    text = _TAG.sub("", text)
    text = html_lib.unescape(text).replace("\u00a0", " ")
    space = _keep_gap if keep_gaps else " "
    lines = [_BULLET.sub("", _SPACES.sub(space, line)).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _keep_gap(match: re.Match) -> str:
    return "  " if len(match.group(0)) > 1 else " "


def inline_text(fragment: str) -> str:
    """Plain text on one line (for names, region cells and goal matching)."""
    return " ".join(to_text(fragment).split())


def top_blocks(fragment: str) -> list[str]:
    """Split sanitized HTML into its top-level blocks; bare text becomes a <p> of its own."""
    blocks: list[str] = []
    position = 0
    for match in _TOP_BLOCK.finditer(fragment):
        bare = fragment[position : match.start()].strip()
        if bare:
            blocks.append(f"<p>{bare}</p>")
        blocks.append(match.group(0))
        position = match.end()
    bare = fragment[position:].strip()
    if bare:
        blocks.append(f"<p>{bare}</p>")
    return blocks


def paragraph(text: str) -> str:
    """Wrap plain text as an escaped paragraph."""
    return f"<p>{html_lib.escape(text, quote=False)}</p>"
