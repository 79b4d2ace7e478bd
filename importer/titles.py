"""The name cell: a measure's name and, where the region gave one, a short description, and a
title short enough to read (a name that runs into its description is split). Pure."""

import re

from .html import inline_text, paragraph, to_text, top_blocks

_SENTENCE_END = re.compile(r"(?<=[^\s.A-ZÅÄÖ][.!?])\s+(?=[A-ZÅÄÖ0-9\"“”(])")
_COLON = re.compile(r":\s+(?=[A-ZÅÄÖ])")
_DASH = re.compile(r"\s+[–—-]\s*(?=[a-zåäöA-ZÅÄÖ])")
_LONG_GAP = re.compile(r"\s{2,}")
NAME_MAX = 160  # a first paragraph longer than this is a name running into its description


def split_name(cell_html: str) -> tuple[str, str]:
    """(name, description_html) from a sanitized name cell.

    Separate paragraphs give both; otherwise a line break (two spaces in the converted text), a
    sentence end, a colon or a dash after a short lead is where the name ends. When nothing tells
    them apart, the whole cell is the name.
    """
    blocks = top_blocks(cell_html)
    if not blocks:
        return "", ""
    first, rest = blocks[0], blocks[1:]
    if first.startswith(("<ul>", "<ol>")):
        return inline_text(cell_html), ""
    # Keep the raw first paragraph's double spaces (line breaks of the PDF) for splitting.
    first_text = "  ".join(to_text(first, keep_gaps=True).split("\n"))
    name, remainder = _split_inline(first_text, has_rest=bool(rest))
    description_blocks = ([paragraph(remainder)] if remainder else []) + rest
    name = " ".join(name.split()).strip()
    name = re.sub(r"[\s,;:–-]+$", "", name)
    if name.endswith(".") and not re.search(r"\.\w+\.$|\.\.$", name):
        name = name[:-1]
    return name, " ".join(description_blocks)


def _split_inline(text: str, *, has_rest: bool) -> tuple[str, str]:
    stripped = text.strip()
    single = " ".join(stripped.split())
    # A dash followed by a lower-case verb ("Hitta hem i Dalsland -syftar till …") or a short
    # lead with a colon ("Kompetensbarometern: En bild av …") is the clearest boundary.
    dash = _DASH.search(single)
    introduces_list = has_rest and single.endswith(":")  # "X – ett initiativ för att:" <ul>
    if (
        dash
        and (len(single) > 110 or introduces_list)
        and single[dash.end() : dash.end() + 1].islower()
    ):
        head, tail = single[: dash.start()], single[dash.end() :]
        if 3 <= len(head) <= NAME_MAX and (len(tail) >= 40 or introduces_list):
            return head, tail
    colon = _COLON.search(single)
    sentence = _SENTENCE_END.search(single)
    if (
        colon
        and len(single) > NAME_MAX
        and 3 <= colon.start() <= 40
        and not (sentence and sentence.start() < 80)
    ):
        return single[: colon.start()], single[colon.end() :]
    gap = _LONG_GAP.search(stripped)
    if gap and 3 <= gap.start() <= NAME_MAX:
        return " ".join(stripped[: gap.start()].split()), " ".join(stripped[gap.end() :].split())
    if has_rest and len(single) <= NAME_MAX and not single.endswith(":"):
        return single, ""
    for pattern, min_rest in ((_SENTENCE_END, 1), (_COLON, 20), (_DASH, 80)):
        match = pattern.search(single)
        if not match:
            continue
        head, tail = single[: match.start()], single[match.end() :]
        if 3 <= len(head) <= NAME_MAX and len(tail) >= min_rest:
            return head, tail
    return single, ""


TITLE_MAX = 120  # a title longer than this is split from its description or shortened
# Words that open the description where the source ran it into the name ("Samverkan i Sörmland
# för platsutveckling Projekt där tre av …", "Bazaren 2023 Är en utbildnings- och …").
_DESCRIPTION_START = re.compile(
    r"\s(?=(?:Är|Syfte:|Projekt där|Målet med|Under året|Stödet kan)\s"
    r"|(?:Projektet|Insatsen|Region|Regionen|Syftet|Stödet|Det|Den|Länsstyrelsen|Arbetet|"
    r"Planen|Tanken|Detta)\s+(?:\S+\s+){0,2}?(?:har|är|kan|ska|var|hade|blev)\b)"
)


def title_and_description(name: str, description_html: str) -> tuple[str, str]:
    """A title of at most about TITLE_MAX characters, and the rest as description.

    Where the name runs into its description the split is sure: at a word that opens the
    description, a sentence end, or a semicolon or colon after a short lead. Where it is not, the
    title is the lead before the first comma, or the text cut at a word boundary with "…", and
    the description keeps the whole text, so that nothing the source said is lost.
    """
    if len(name) <= TITLE_MAX:
        return name, description_html
    for pattern, longest in ((_DESCRIPTION_START, TITLE_MAX), (_SENTENCE_END, TITLE_MAX)):
        match = pattern.search(name)
        if match and match.start() >= 8 and match.start() <= longest:
            head, tail = name[: match.start()].rstrip(" .,;:"), name[match.end() :].strip()
            return head, " ".join([paragraph(tail), description_html]).strip()
    lead = re.match(r"^(.{3,80}?)\s*[;:]\s+(?=\S)", name)
    if lead:
        tail = name[lead.end() :]
        return lead.group(1), " ".join(
            [paragraph(tail[:1].upper() + tail[1:]), description_html]
        ).strip()
    whole = " ".join([paragraph(name), description_html]).strip()
    comma = name.find(", ")
    if 15 <= comma <= 90:
        return name[:comma], whole
    cut = name[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…", whole
