"""The write rules of catalogue records (catalogue.curation): a save from a shell follows the
same rules as the admin's, and the importer's text is kept as it derived it."""

import pytest

from catalogue import curation
from catalogue.models import AllocationAnswer, Chapter, Measure, Region, Report


@pytest.fixture
def report(db):
    return Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="t.txt", checksum="0" * 64
    )


def make_measure(report, **fields):
    return Measure.objects.create(
        report=report,
        region=Region.objects.get(name="Skåne"),
        chapter=Chapter.objects.get(number=1),
        name=fields.pop("name", "Innovationsslussen"),
        source_key=fields.pop("source_key", "1-skane-1"),
        source_line=120,
        **fields,
    )


def test_a_shell_save_sanitizes_and_derives_the_plain_text(report):
    measure = make_measure(report, description_html="<p>Gammal</p>", description="Gammal")
    measure.description_html = '<p onclick="x()">Ny <script>alert(1)</script>text</p><p>två</p>'
    measure.save()
    measure.refresh_from_db()
    assert measure.description_html == "<p>Ny text</p><p>två</p>"
    assert measure.description == "Ny text\ntvå"
    assert not measure.curated  # a save is not an editor's change unless it says so


def test_a_new_record_gets_its_missing_plain_text(report):
    measure = make_measure(report, outputs_html="<ul><li>tre</li><li>fyra &amp; fem</li></ul>")
    assert measure.outputs == "tre\nfyra & fem"


def test_plain_text_given_with_the_html_is_kept_on_create(report):
    measure = make_measure(
        report, goals_html="<p>Mål 8</p>", goals_text="Agenda 2030: Mål 8 (som importen läste)"
    )
    assert measure.goals_text == "Agenda 2030: Mål 8 (som importen läste)"
    measure.name = "Annat namn"
    measure.save()  # the HTML did not change: neither does its text
    measure.refresh_from_db()
    assert measure.goals_text == "Agenda 2030: Mål 8 (som importen läste)"


def test_saving_only_some_fields_leaves_the_texts_alone(report):
    measure = make_measure(report, effects_html="<p>Effekt</p>")
    Measure.objects.filter(pk=measure.pk).update(effects="Ändrad i bulk")
    measure.imported = {"name": "x"}
    measure.save(update_fields=["imported"])
    measure.refresh_from_db()
    assert measure.effects == "Ändrad i bulk"


def test_save_edit_marks_curated_and_records_why(report):
    measure = make_measure(report, effects_html="<p>Effekt</p>")
    measure.effects_html = "<p>Ny <b>effekt</b></p>"
    curation.save_edit(measure, reason="Rättat i skalet")
    measure.refresh_from_db()
    assert measure.curated
    assert measure.effects == "Ny effekt"
    assert measure.history.first().history_change_reason == "Rättat i skalet"


def test_allocation_answers_follow_the_same_rules(report):
    answer = AllocationAnswer.objects.create(
        report=report,
        region=Region.objects.get(name="Gotland"),
        question=1,
        text_html="<p>Svar</p>",
        source_line=1,
    )
    assert answer.text == "Svar"
    answer.text_html = "<p>Nytt <style>p{}</style>svar</p>"
    answer.save()
    assert (answer.text_html, answer.text) == ("<p>Nytt svar</p>", "Nytt svar")


def test_accept_source_gives_the_measure_back_to_the_import(report):
    measure = make_measure(
        report,
        name="Redigerat",
        description_html="<p>Redigerat</p>",
        curated=True,
        imported={
            "name": "Källans namn",
            "description_html": "<p>Källans text</p>",
            "description": "Källans text",
            "region": "01",
            "chapter": 2,
            "goals": [],
        },
    )
    assert curation.accept_source(measure, reason="Tillbaka")
    measure.refresh_from_db()
    assert (measure.name, measure.description) == ("Källans namn", "Källans text")
    assert measure.region.code == "01" and measure.chapter.number == 2
    assert not measure.curated
    hand_made = make_measure(report, source_key="admin-1")
    assert not curation.accept_source(hand_made)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("a\u202eb\u202c", "ab"),
        ("a\u200bb\ufeff", "ab"),
        ("rad\r\nrad\u2029rad", "rad\nrad\nrad"),
        ("tab\there", "tab\there"),
        ("e\u0301 å 🚀", "e\u0301 å 🚀"),
    ],
)
def test_strip_invisible(text, clean):
    assert curation.strip_invisible(text) == clean
