"""Titles: a name that runs into its description is split; a long one is shortened, never lost."""

from pathlib import Path

import pytest

from importer.html import to_text
from importer.parser import TITLE_MAX, parse_file, title_and_description


@pytest.mark.parametrize(
    ("name", "title", "description"),
    [
        # Line 109: a word that opens the description.
        (
            "Samverkan i Sörmland för platsutveckling Projekt där tre av regionens kommuner, Flen, "
            "Nyköping och Strängnäs, har arbetat med att öka samverkansnivån mellan "
            "samhällsbyggnadsfunktionerna samt näringsliv- och turismfunktionerna",
            "Samverkan i Sörmland för platsutveckling",
            "Projekt där tre av regionens kommuner, Flen, Nyköping och Strängnäs, har arbetat med "
            "att öka samverkansnivån mellan samhällsbyggnadsfunktionerna samt näringsliv- och "
            "turismfunktionerna",
        ),
        # Line 700: the subject and verb of the description's first sentence.
        (
            "Jämställdhetsstrategi Länsstyrelsen har i uppdrag att ta fram strategier för 2024–2027 "
            "i syfte att bidra till de jämställdhetspolitiska målen",
            "Jämställdhetsstrategi",
            "Länsstyrelsen har i uppdrag att ta fram strategier för 2024–2027 i syfte att bidra "
            "till de jämställdhetspolitiska målen",
        ),
        # Line 670: a semicolon after a short lead.
        (
            "Gotland samverkar; ny plattform för samverkan kring våldsförebyggande arbete som "
            "inbegriper offentliga, privata samt civilsamhället",
            "Gotland samverkar",
            "Ny plattform för samverkan kring våldsförebyggande arbete som inbegriper offentliga, "
            "privata samt civilsamhället",
        ),
    ],
)
def test_a_name_run_into_its_description_is_split(name, title, description):
    got_title, got_description = title_and_description(name, "")
    assert (got_title, to_text(got_description)) == (title, description)


def test_without_a_sure_split_the_title_is_shortened_and_the_description_keeps_everything():
    name = (
        "Redovisning i enlighet med Skolverkets efterfrågan av regionala planeringsunderlag inför "
        "dimensionering- och planering av gymnasial utbildning för bättre kompetensförsörjning"
    )
    title, description = title_and_description(name, "<p>Mer text.</p>")
    assert title.endswith("…") and len(title) <= TITLE_MAX
    assert name.startswith(title[:-1])
    assert to_text(description) == f"{name}\nMer text."


def test_a_lead_before_a_comma_is_the_title_and_the_description_keeps_everything():
    name = (
        "Multiarena Storuman, Storumans idrottsklubb har fått utmärkelsen Regio Stars Västerbotten "
        "genom byggandet av en ny multiarena som långsiktigt bidrar till att fler ungdomar väljer "
        "att bo kvar"
    )
    title, description = title_and_description(name, "")
    assert title == "Multiarena Storuman"
    assert to_text(description) == name


def test_a_short_name_is_left_alone():
    assert title_and_description("Bredbandsforum Dalarna", "<p>x</p>") == (
        "Bredbandsforum Dalarna",
        "<p>x</p>",
    )


def test_the_bundled_reports_titles_are_short():
    report = (
        Path(__file__).resolve().parents[2]
        / "fixtures"
        / ("tabellbilaga-regionalt-utvecklingsarbete-2023.txt")
    )
    measures = parse_file(report.read_bytes()).measures
    assert sum(len(m.name) > 150 for m in measures) <= 5
    assert max(len(m.name) for m in measures) <= TITLE_MAX
    # Keys stay on the whole name, so that a database imported before keeps its records.
    assert len({m.source_key for m in measures}) == len(measures)
