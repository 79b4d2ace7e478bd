"""Region names as the source types them ("Skåne", "<p>Gotland</p>", "Norrboten", "VGR") read as
county codes. Pure."""

import difflib
import re

from catalogue.reference import REGIONS

from .html import inline_text
from .text import fold


def _region_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for fact in REGIONS:
        for variant in (fact.name, fact.official_name, fact.slug.replace("-", " ")):
            keys[fold(variant)] = fact.code
        bare = re.sub(r"^region |s lan$| lan$", "", fold(fact.official_name))
        keys[bare] = fact.code
    keys[fold("Västra Götalandsregionen")] = "14"
    keys[fold("VGR")] = "14"
    return keys


_REGION_KEYS = _region_keys()


def normalize_region(raw: str) -> tuple[str, bool] | None:
    """The county code for a region as typed, and whether it took a fuzzy match; None if unknown."""
    key = fold(inline_text(raw))
    if not key:
        return None
    if key in _REGION_KEYS:
        return _REGION_KEYS[key], False
    bare = re.sub(r"^region |s lan$| lan$", "", key)
    if bare in _REGION_KEYS:
        return _REGION_KEYS[bare], False
    close = difflib.get_close_matches(bare, list(_REGION_KEYS), n=1, cutoff=0.85)
    if close:
        return _REGION_KEYS[close[0]], True
    return None


REGION_NAMES = {fact.code: fact.name for fact in REGIONS}
