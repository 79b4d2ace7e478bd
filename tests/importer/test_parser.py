"""The parser, one source quirk per test, on small snippets and without a database."""

from datetime import date

import pytest

from importer.parser import (
    ParseError,
    decode,
    identify_question,
    normalize_region,
    parse_report,
    split_name,
)

from .snippets import (
    QUESTIONS,
    SEPARATOR,
    SIX_ANSWERS,
    TABLE_HEADER,
    allocation,
    chapter,
    chapter8,
    document,
    row,
)


def parse(*parts):
    return parse_report(document(*parts))


def test_report_metadata_is_read_from_the_title_page_and_colophon():
    meta = parse(chapter(1, row("Skåne", "Insats"))).meta
    assert (meta.year, meta.number, meta.published) == (2023, "0480", date(2024, 4, 16))


def test_a_row_becomes_a_measure_with_its_source_line():
    text = document(chapter(3, row("Skåne", "Affärsutvecklingscheckar", "192 företag", "", "")))
    report = parse_report(text)
    (measure,) = report.measures
    assert (measure.chapter, measure.region_code, measure.name) == (
        3,
        "12",
        "Affärsutvecklingscheckar",
    )
    line = (
        text.split("\n").index(row("Skåne", "Affärsutvecklingscheckar", "192 företag", "", "")) + 1
    )
    assert measure.source_line == line
    assert measure.outputs == "192 företag"


@pytest.mark.parametrize("heading", ["#", "##", "###", "####"])
def test_chapter_headings_of_any_depth(heading):
    report = parse(chapter(2, row("Dalarna", "A"), heading=heading))
    assert [m.chapter for m in report.measures] == [2]


def test_separator_rows_and_repeated_header_rows_are_skipped():
    report = parse(chapter(1, row("Skåne", "A"), SEPARATOR, "", TABLE_HEADER, row("Skåne", "B")))
    assert [m.name for m in report.measures] == ["A", "B"]


def test_a_row_repeated_at_a_page_break_is_imported_once():
    repeated = row(
        "Blekinge", "Insatser inom politikområdet Gestaltad livsmiljö", "<p>Konferens</p>"
    )
    report = parse(chapter(1, repeated, SEPARATOR, "", repeated, SEPARATOR))
    assert len(report.measures) == 1
    assert any("repeated at a page break" in n.message for n in report.notes)


def test_the_same_name_twice_with_different_content_is_two_measures():
    report = parse(chapter(1, row("Skåne", "Nätverk", "möten"), row("Skåne", "Nätverk", "rapport")))
    assert len(report.measures) == 2
    assert report.measures[0].source_key != report.measures[1].source_key


def test_a_row_with_an_empty_region_cell_continues_the_measure_above():
    report = parse(
        chapter(
            1,
            row("Uppsala", "RegExPro", "<p>Avslutade projekt:</p>", "Utvärdering", "RUS 3.1"),
            SEPARATOR,
            "",
            row("", "", "CeMeWE - Central Baltic Mentoring", "", ""),
        )
    )
    (measure,) = report.measures
    assert "Avslutade projekt" in measure.outputs and "CeMeWE" in measure.outputs
    assert measure.effects == "Utvärdering"


def test_a_continuation_row_at_the_start_of_a_chapter_is_an_error():
    with pytest.raises(ParseError) as error:
        parse(chapter(1, row("", "", "löst fragment")))
    assert "no measure above" in error.value.message


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Skåne", "12"),
        ("<p>Gotland</p>", "09"),
        ("Norrboten", "25"),
        ("Norrbottn", "25"),
        ("Västra Götaland", "14"),
        ("Västra Götalandsregionen", "14"),
        ("Region Jönköpings län", "06"),
        ("Jämtland Härjedalen", "23"),
        ("Örebro", "18"),
        ("Region Örebro län", "18"),
    ],
)
def test_region_names_are_normalized(typed, code):
    assert normalize_region(typed)[0] == code


def test_an_unknown_region_stops_the_parse_naming_the_line():
    text = document(chapter(1, row("Skåne", "A"), row("Atlantis", "B")))
    line = text.split("\n").index(row("Atlantis", "B")) + 1
    with pytest.raises(ParseError) as error:
        parse_report(text)
    assert error.value.line == line
    assert "Atlantis" in error.value.message


def test_a_row_with_too_few_cells_stops_the_parse():
    with pytest.raises(ParseError) as error:
        parse(chapter(1, "Skåne\tEn insats\tprestationer"))
    assert "5 tab-separated cells" in error.value.message and "found 3" in error.value.message


def test_no_measures_statement_is_a_record_not_a_measure():
    report = parse(chapter(5, row("Kalmar", "Regionen redovisar inga insatser i tabellform.")))
    assert report.measures == ()
    (record,) = report.no_measures
    assert (record.chapter, record.region_code) == (5, "08")


def test_cross_reference_rows_are_notes_on_the_chapter_not_measures():
    report = parse(
        chapter(
            6, row("Västerbotten", "HBTQ-diplomering"), row("Västerbotten", "Se även tabell 2.")
        )
    )
    assert [m.name for m in report.measures] == ["HBTQ-diplomering"]
    (note,) = report.no_measures
    assert (note.chapter, note.region_code, note.kind) == (6, "24", "reference")
    assert (note.text, note.source_line) == ("Se även tabell 2.", 12)
    assert any("cross-reference" in n.message for n in report.notes)


def test_a_second_note_row_in_one_chapter_is_joined_to_the_first():
    report = parse(
        chapter(
            7,
            row("Västerbotten", "Se även tabell 2."),
            row("Västerbotten", "Se även regionens återrapportering avsnitt 3"),
        )
    )
    (note,) = report.no_measures
    assert note.text == "Se även tabell 2. Se även regionens återrapportering avsnitt 3"


@pytest.mark.parametrize(
    ("cell", "name", "description_start"),
    [
        (
            "<p>Arena elkraft Gävleborg</p> <p>Ett samverkansnätverk för elkraft.</p>",
            "Arena elkraft Gävleborg",
            "Ett samverkansnätverk",
        ),
        (
            "<p>Insatser inom RSP</p> <ul><li>Rådgivning</li></ul>",
            "Insatser inom RSP",
            "Rådgivning",
        ),
        (
            "Strukturbild Kalmar län, Region Kalmar län  Syftar till att ta fram kunskapsunderlag.",
            "Strukturbild Kalmar län, Region Kalmar län",
            "Syftar till",
        ),
        (
            "Satsning på ökad besöksfrekvens vid Wiks slott och park. Genom ett hundraårsjubileum har området gjorts mer känt.",
            "Satsning på ökad besöksfrekvens vid Wiks slott och park",
            "Genom ett",
        ),
        (
            "Hitta hem i Dalsland -syftar till att samla marknadsföringen för hela Dalsland och information som inflyttare letar efter.",
            "Hitta hem i Dalsland",
            "syftar till",
        ),
        (
            "Kompetensbarometern: En bild av kompetensbehovet hos privat och offentlig sektor, utveckling och trender inom olika branscher i länet under året",
            "Kompetensbarometern",
            "En bild av",
        ),
        ("Basutbudsutredning om Kollektivtrafik.", "Basutbudsutredning om Kollektivtrafik", ""),
        (
            "Trelleborgsbanan – analys av framtida kapacitetsbehov",
            "Trelleborgsbanan – analys av framtida kapacitetsbehov",
            "",
        ),
        (
            "<p>Kraftkommission Blekinge – ett samarbetsinitiativ för att:</p> <ul><li>snabba på etablering</li></ul>",
            "Kraftkommission Blekinge",
            "ett samarbetsinitiativ för att:",
        ),
        (
            "<p><b>Framtidsrustade elever</b></p> <p>Projektet ska rusta unga.</p>",
            "Framtidsrustade elever",
            "Projektet ska",
        ),
        (
            "Initierat samverkan mellan Finsam Gotland, Biblioteksutveckling m.fl.",
            "Initierat samverkan mellan Finsam Gotland, Biblioteksutveckling m.fl.",
            "",
        ),
    ],
)
def test_name_and_description_are_split_where_the_cell_gives_both(cell, name, description_start):
    from importer.html import sanitize, to_text

    got_name, description_html = split_name(sanitize(cell))
    assert got_name == name
    assert to_text(description_html).startswith(description_start)
    if not description_start:
        assert description_html == ""


def test_cells_keep_structure_and_lose_everything_else():
    hostile = (
        '<p onclick="x()">Text<script>alert(1)</script></p> <ul style="list-style-type: none">'
        '<li>• Punkt</li></ul> <a href="javascript:alert(1)">länk</a>'
    )
    report = parse(chapter(1, row("Skåne", "Insats", hostile)))
    html = report.measures[0].outputs_html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert "<ul><li>Punkt</li></ul>" in html
    assert report.measures[0].outputs == "Text\nPunkt\nlänk"


def test_the_column_header_spilled_into_the_goals_cell_is_removed():
    spill = (
        "<p>Vilket eller vilka mål i den regionala utvecklingsstrategin, Regionalfonden inklusive "
        "Interreg samt i förekommande fall Fonden för en rättvis omställning som insatsen ska bidra "
        "till</p> <p>Mål i RUS: Stärkt attraktivitet särskilt för unga.</p>"
    )
    (measure,) = parse(chapter(1, row("Blekinge", "Insats", "", "", spill))).measures
    assert "Vilket eller vilka" not in measure.goals_text
    assert [g.title for g in measure.goals] == ["Stärkt attraktivitet särskilt för unga"]


# Chapter 8.


def test_chapter_8_answers_per_region_with_ja_nej_or_neither():
    report = parse(
        chapter(1, row("Skåne", "A")), chapter8(allocation("## Region Skåne", SIX_ANSWERS))
    )
    answers = {a.question: a for a in report.answers}
    assert sorted(answers) == [1, 2, 3, 4, 5, 6]
    assert [answers[n].answer for n in (1, 3, 4, 5)] == [None, "ja", "nej", "ja"]
    assert all(a.region_code == "12" for a in report.answers)


@pytest.mark.parametrize(
    "heading",
    ["Region Blekinge", "## Region Blekinge", "### Region Blekinge", "#### Region Blekinge"],
)
def test_chapter_8_region_headings_in_every_form(heading):
    report = parse(chapter8(allocation(heading, SIX_ANSWERS)))
    assert {a.region_code for a in report.answers} == {"10"}


def test_vastra_gotalandsregionen_heading():
    report = parse(chapter8(allocation("## Västra Götalandsregionen", SIX_ANSWERS)))
    assert {a.region_code for a in report.answers} == {"14"}


def test_an_answer_continued_on_a_row_without_question_is_merged():
    answers = list(SIX_ANSWERS)
    text = chapter8(allocation("## Region Kronoberg", answers)).replace(
        SIX_ANSWERS[1], SIX_ANSWERS[1] + "\n--\t--\n\n\t<p>fortsättning av svaret</p>", 1
    )
    report = parse(text)
    second = next(a for a in report.answers if a.question == 2)
    assert "fortsättning av svaret" in second.text
    assert len(report.answers) == 6


def test_a_question_answered_twice_for_a_region_is_an_error():
    text = chapter8(allocation("## Region Skåne", SIX_ANSWERS)) + f"{QUESTIONS[0]}\tIgen.\n"
    with pytest.raises(ParseError) as error:
        parse(text)
    assert "answered twice" in error.value.message


def test_question_rows_are_identified_by_their_printed_text():
    assert (
        identify_question(
            "<p>Beskrivning av hur anslaget har bidragit till att nå målen i Interreg-program.</p>"
        )
        == 5
    )
    assert identify_question("Något helt annat") is None


GOTLAND_PROJECTS = """
Beviljade projekt:

Förstudie Öppna data inom Småland och Öarna (Nyps-id 20 363 582)

Politiskt mål: Ett mer konkurrenskraftigt och smart Europa.

Projektid: 2024-02-01 – 2024-10-31

Projektägare: Region Kalmar

Övriga partners:

Region Jönköpings län

Region Kronoberg

Projektbeskrivning: Målet med förstudien är en behovskartläggning.

Exempel på strategiskt viktiga projekt som avslutades under 2023:

Out (Nyps id 20 365 223)

Projektid: 2020-09-01-2023-0430

Projektägare: RF-Sisu

Tilldelade medel/Utbetalda medel: 4 660 289 kronor/4 331 998 kronor

Projektbeskrivning: Outdoor-turism på Gotland.

Indikatorutfall: Antal deltagande företag

Målvärde/utfall: 15 företag/15 företag

Indikatorutfall: Antal användare

Målvärde/utfall: 100 användare/721 användare

Resultat: God måloppfyllelse.
"""


def test_gotland_projects_are_parsed_and_partner_lines_are_not_region_headings():
    answers = allocation("## Region Gotland", SIX_ANSWERS[:4] + ["", ""]).split("\n")
    four = "\n".join(line for line in answers if not line.endswith("\t"))
    rest = "\n".join(
        f"<p>{q}</p>\t{a}"
        for q, a in zip(
            [
                "Beskrivning av hur anslaget har bidragit till att nå målen i Interreg-program.",
                "Beskrivning på vilket sätt olika territoriella perspektiv har beaktats och påverkat beslut om medel.",
            ],
            SIX_ANSWERS[4:],
            strict=True,
        )
    )
    report = parse(chapter8(four + GOTLAND_PROJECTS + "\n" + rest + "\n"))
    assert {a.region_code for a in report.answers} == {"09"}
    assert len(report.answers) == 6
    granted, completed = report.projects
    assert granted.nyps_id == "20363582" and granted.status == "granted"
    assert granted.partners == ("Region Jönköpings län", "Region Kronoberg")
    assert (granted.start, granted.end) == (date(2024, 2, 1), date(2024, 10, 31))
    assert granted.granted_sek is None
    assert completed.nyps_id == "20365223" and completed.status == "completed"
    assert (completed.start, completed.end) == (date(2020, 9, 1), date(2023, 4, 30))
    assert (completed.granted_sek, completed.paid_sek) == (4660289, 4331998)
    assert [(i.name, i.target, i.outcome) for i in completed.indicators] == [
        ("Antal deltagande företag", "15 företag", "15 företag"),
        ("Antal användare", "100 användare", "721 användare"),
    ]
    assert completed.result == "God måloppfyllelse."


# Whole files.


def test_empty_file_is_refused():
    with pytest.raises(ParseError, match="empty"):
        decode(b"   \n")


def test_binary_file_is_refused():
    with pytest.raises(ParseError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_wrong_encoding_is_refused_naming_the_line():
    data = document(chapter(1, row("Skåne", "Å"))).encode("latin-1")
    with pytest.raises(ParseError) as error:
        decode(data)
    assert "not UTF-8" in error.value.message
    assert error.value.line > 1


def test_crlf_line_endings_and_a_bom_parse_the_same():
    text = document(chapter(1, row("Skåne", "A"), row("Dalarna", "B")))
    plain = parse_report(decode(text.encode()))
    windows = parse_report(decode(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()))
    assert plain.measures == windows.measures


def test_a_file_without_the_report_header_is_refused():
    with pytest.raises(ParseError, match="report header"):
        parse_report(chapter(1, row("Skåne", "A")))


def test_a_file_without_chapters_is_refused():
    with pytest.raises(ParseError, match="no chapter heading"):
        parse_report(document("Bara text.\n", complete=False))


def test_a_truncated_file_parses_what_is_there_and_notes_missing_chapters():
    report = parse_report(document(chapter(1, row("Skåne", "A")), complete=False))
    assert any("chapters missing" in n.message for n in report.notes)
