"""Safe imports: truncated files and shrinking re-imports are refused, the database unchanged."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalogue.models import Lineage, Measure, NoMeasures
from importer.loader import load_report
from importer.parser import parse_report
from importer.safety import IncompleteFile, RemovalsRefused, missing_parts

from .snippets import SIX_ANSWERS, allocation, chapter, chapter8, document, row
from .test_bundled_report import BUNDLED
from .test_loader import SMALL, load, snapshot

pytestmark = pytest.mark.django_db

WITHOUT_DALARNA = SMALL.replace(
    row(
        "Dalarna", "Bredbandsforum Dalarna", "Sex möten", "", "Mål i RUS: Ett sammanhållet Dalarna"
    ),
    "",
)


def test_a_complete_document_has_no_missing_parts():
    assert missing_parts(parse_report(SMALL)) == []


def test_missing_chapters_are_named():
    text = document(chapter(1, row("Skåne", "A")), complete=False)
    (problem,) = missing_parts(parse_report(text))
    assert problem.startswith("kapitel 2, 3, 4, 5, 6, 7, 8 saknas")


def test_a_region_cut_off_inside_chapter_8_is_named():
    cut = allocation("## Region Skåne", SIX_ANSWERS).rsplit("\n<p>", 2)[0] + "\n"
    text = document(chapter(1, row("Skåne", "A")), chapter8(cut))
    assert missing_parts(parse_report(text)) == ["kapitel 8: Skåne har 4 av 6 svar"]


def test_an_incomplete_file_is_refused_before_anything_is_written():
    load()
    before = snapshot()
    text = document(chapter(1, row("Skåne", "A")), complete=False)
    with pytest.raises(IncompleteFile, match="kapitel 2, 3, 4, 5, 6, 7, 8 saknas"):
        load(text, allow_removals=True)
    assert snapshot() == before


def test_a_shrinking_reimport_stops_and_lists_the_measures():
    load()
    before = snapshot()
    with pytest.raises(RemovalsRefused) as refused:
        load(WITHOUT_DALARNA)
    assert [r.name for r in refused.value.removals] == ["Bredbandsforum Dalarna"]
    assert "Bredbandsforum Dalarna" in str(refused.value)
    assert "--allow-removals" in str(refused.value)
    assert snapshot() == before


def test_a_dry_run_lists_the_same_removals_and_writes_nothing():
    load()
    before = snapshot()
    result = load(WITHOUT_DALARNA, dry_run=True)
    assert [(r.region, r.chapter, r.name) for r in result.removals] == [
        ("Dalarna", 1, "Bredbandsforum Dalarna")
    ]
    assert snapshot() == before


def test_a_reimport_that_removes_nothing_needs_no_flag():
    load()
    result = load(SMALL.replace("Sex möten", "Sju möten"))
    assert result.measures.updated == 1 and result.removals == []


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_command_refuses_removals_and_names_them(tmp_path):
    call_command("import_report", write(tmp_path, "a.txt", SMALL), "--no-index", stdout=StringIO())
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_report", write(tmp_path, "b.txt", WITHOUT_DALARNA), "--no-index")
    message = str(error.value)
    assert "1 insatser" in message and "Bredbandsforum Dalarna" in message
    assert "Databasen är oförändrad" in message
    assert snapshot() == before


def test_the_command_dry_run_lists_removals_and_allow_removals_removes(tmp_path):
    call_command("import_report", write(tmp_path, "a.txt", SMALL), "--no-index", stdout=StringIO())
    path = write(tmp_path, "b.txt", WITHOUT_DALARNA)
    out = StringIO()
    call_command("import_report", path, "--no-index", "--dry-run", stdout=out)
    assert "Insatser som skulle tas bort (1):" in out.getvalue()
    assert "Bredbandsforum Dalarna" in out.getvalue()
    assert Measure.objects.filter(name="Bredbandsforum Dalarna").exists()
    out = StringIO()
    call_command("import_report", path, "--no-index", "--allow-removals", stdout=out)
    assert "Borttagna insatser (1):" in out.getvalue()
    assert not Measure.objects.filter(name="Bredbandsforum Dalarna").exists()


@pytest.mark.slow
def test_the_first_60_percent_of_the_bundled_report_is_refused(tmp_path):
    call_command("import_report", str(BUNDLED), "--no-index", stdout=StringIO())
    before = snapshot(), Measure.objects.count()
    data = BUNDLED.read_bytes()
    truncated = tmp_path / "truncated.txt"
    truncated.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(CommandError) as error:
        call_command("import_report", str(truncated), "--no-index", "--allow-removals")
    assert "ofullständig" in str(error.value) and "kapitel" in str(error.value)
    assert (snapshot(), Measure.objects.count()) == before == (before[0], 523)


@pytest.mark.slow
def test_the_bundled_reports_cross_references_are_kept_as_notes():
    text = BUNDLED.read_text(encoding="utf-8")
    load_report(
        parse_report(text), source_name="r.txt", checksum=hashlib.sha256(text.encode()).hexdigest()
    )
    notes = NoMeasures.objects.filter(region__name="Västerbotten").order_by("source_line")
    assert [(n.chapter.number, n.kind, n.source_line) for n in notes] == [
        (6, "reference", 795),
        (7, "reference", 925),
    ]
    assert not Lineage.objects.exists()  # one edition: nothing to link
