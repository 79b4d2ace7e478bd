"""Global goals (SDGs) cited in a goals cell, by number or by name.

Pure functions, used by importer.goals. A number counts only when the SDG's own name follows it,
or inside an Agenda 2030 clause ("Agenda 2030: Mål 8 Mål 9"): RUS sub-goal numbers, a programme's
"specifikt mål 1.4", "Tematiskt mål 13", "Mål 2030" and "Agtech 2030" are not SDGs.
"""

import re

from catalogue.reference import SDGS

_SDG_NUMBER = re.compile(
    r"(?<![\d.,])(?:(?:[Mm]ål|[Nn]r|[Dd]elmål|SDG)\s*)?(\d{1,2})(?![\d.,]\d)\s*[:.)]?\s*"
)
_SDG_WORDS = {
    n: {w for w in re.findall(r"[a-zåäö]+", title.casefold()) if len(w) > 3 and w != "alla"}
    for n, title in SDGS.items()
}
_NOT_SDG_BEFORE = re.compile(
    r"(?:[Tt]ematiskt|[Ss]pecifikt|[Pp]olitiskt|delmål|[Dd]elmål)\s*(?:mål)?\s*$"
)


def _normalize(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def find_sdgs(text: str, *, in_agenda_clause: bool) -> list[tuple[int, int, int]]:
    """SDG numbers in the text as (sdg, start, end) spans.

    A number counts when the SDG's name follows it; inside an Agenda 2030 clause a bare "Mål N"
    or a list of numbers counts too.
    """
    found = []
    for match in _SDG_NUMBER.finditer(text):
        number = int(match.group(1))
        if not 1 <= number <= 17:
            continue
        before = text[max(0, match.start() - 20) : match.start()]
        if _NOT_SDG_BEFORE.search(before):
            continue
        if re.search(r"(?:Agenda|Mål|mål)\s*$", before) and number in (20,):
            continue
        following = re.findall(r"[a-zåäö]+", text[match.end() : match.end() + 40].casefold())[:3]
        named = bool(following) and any(
            word[:5] == candidate[:5] for word in following[:2] for candidate in _SDG_WORDS[number]
        )
        label = match.group(0).strip()
        explicit = label[:1].isalpha()  # "Mål 8", "Nr 3"
        if named or (in_agenda_clause and (explicit or not following or following[0] == "mål")):
            end = match.end()
            if named:
                # Swallow the SDG's name so it is not read as another goal.
                name_end = _name_end(text, match.end(), number)
                end = max(end, name_end)
            found.append((number, match.start(), end))
    return found


def _name_end(text: str, start: int, number: int) -> int:
    words = list(re.finditer(r"[\wåäöÅÄÖ-]+", text[start:]))
    title_words = set(re.findall(r"[a-zåäö]+", SDGS[number].casefold()))
    end = start
    for word in words[: len(title_words) + 2]:
        token = word.group(0).casefold()
        if token in title_words or any(token[:5] == t[:5] for t in title_words if len(t) > 3):
            end = start + word.end()
        else:
            break
    return end


def sdg_by_name(text: str) -> int | None:
    folded = _normalize(text)
    for number, title in SDGS.items():
        if _normalize(title) in folded:
            return number
    return None
