"""A query of plain words is built without Whoosh's parser (catalogue.search.query._plain_query):
the same query as the parser's for every word of the bundled report, and the parser for
anything else."""

import random
import re

import pytest

from catalogue.search import query as query_module
from tests.servers import REPORT


def _by_parser(text: str):
    folded_terms = not query_module.has_swedish_letters(text)
    q = query_module._PARSER.parse(text)
    return query_module._restrict(q, folded_terms=folded_terms).normalize()


def _same(text: str) -> None:
    direct, parsed = query_module.parse(text), _by_parser(text)
    assert direct == parsed, text
    assert repr(direct) == repr(parsed), text


def test_every_word_of_the_report_as_the_parser_reads_it():
    words = sorted(set(re.findall(r"\w+", REPORT.read_text(encoding="utf-8"))))
    assert len(words) > 5000
    direct = 0
    for word in words:
        _same(word)
        _same(word.lower())
        direct += query_module._plain_query(word, folded_terms=True) is not None
    assert direct > 0.95 * len(words)


def test_several_words_as_the_parser_reads_them():
    words = sorted(set(re.findall(r"\w+", REPORT.read_text(encoding="utf-8").lower())))
    rng = random.Random(3)
    for _ in range(2000):
        text = " ".join(rng.sample(words, rng.randint(2, 5)))
        _same(text)
    for text in ["och", "och i", "vätgas och vindkraft", "vätgas vätgas", "Vätgas VÄTGAS", "ris",
                 "S3 SMF", "covid19", "2023 kompetens", "lakemedel och vard"]:  # fmt: skip
        _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "vätgas OR vindkraft",
        "vätgas ELLER vindkraft",
        "vätgas OCH vindkraft",
        "NOT vätgas",
        "INTE vätgas",
        "vätgas -vindkraft",
        "+vätgas",
        '"smart specialisering"',
        "'smart specialisering'",
        "(vätgas vindkraft)",
        "innov*",
        "inno?ation",
        "e-handel",
        "covid-19",
        "a_b",
        "vätgas  vindkraft",
        " vätgas",
        "vätgas\tvindkraft",
        "*:*",
        "",
    ],
)
def test_anything_else_goes_to_the_parser(text):
    assert query_module._plain_query(text, folded_terms=True) is None
    if text.strip():
        _same(text)
