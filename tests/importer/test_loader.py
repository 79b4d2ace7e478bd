"""The loader: one transaction, idempotent, curated records kept, nothing written on failure."""

import hashlib

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from catalogue.models import (
    AllocationAnswer,
    Goal,
    Measure,
    NoMeasures,
    Project,
    ProjectIndicator,
    Report,
)
from importer.loader import load_report
from importer.parser import parse_report

from .snippets import SIX_ANSWERS, allocation, chapter, chapter8, document, row

pytestmark = pytest.mark.django_db

SMALL = document(
    chapter(
        1,
        row(
            "Skåne",
            "<p>Regional exportsamverkan</p> <p>Stöd till exportföretag.</p>",
            "300 företag",
            "Stärkt export",
            "<p>Mål i RUS: Skåne ska vara en stark hållbar tillväxtmotor</p> <p>Mål i Agenda 2030: 8 Anständiga arbetsvillkor och ekonomisk tillväxt</p>",
        ),
        row(
            "Dalarna",
            "Bredbandsforum Dalarna",
            "Sex möten",
            "",
            "Mål i RUS: Ett sammanhållet Dalarna",
        ),
    ),
    chapter(5, row("Kalmar", "Regionen redovisar inga insatser i tabellform.")),
    chapter8(allocation("## Region Skåne", SIX_ANSWERS)),
)


def load(text=SMALL, **kwargs):
    return load_report(
        parse_report(text),
        source_name="test.txt",
        checksum=hashlib.sha256(text.encode()).hexdigest(),
        **kwargs,
    )


def snapshot():
    """Everything the import writes, serialized: equal snapshots mean an unchanged database."""
    models = [Report, Measure, Goal, NoMeasures, AllocationAnswer, Project, ProjectIndicator]
    rows = []
    for model in models:
        objects = model.objects.order_by("pk")
        rows.append(serializers.serialize("json", objects))
    rows.append(str(sorted(Measure.goals.through.objects.values_list("measure_id", "goal_id"))))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def test_first_import_creates_everything():
    result = load()
    assert result.measures.created == 2
    skane = Measure.objects.get(region__name="Skåne")
    assert skane.name == "Regional exportsamverkan"
    assert skane.description == "Stöd till exportföretag."
    assert skane.chapter.number == 1 and skane.report.number == "0480"
    frameworks = sorted((g.framework, g.sdg) for g in skane.goals.all())
    assert frameworks == [("agenda2030", 8), ("rus", None)]
    assert skane.goals.get(framework="agenda2030").key == "agenda2030:8"  # the seeded SDG goal
    assert NoMeasures.objects.get().region.name == "Kalmar"
    assert AllocationAnswer.objects.filter(region__name="Skåne").count() == 6
    assert skane.imported["name"] == "Regional exportsamverkan"


def test_importing_the_same_file_again_changes_nothing_and_says_so():
    load()
    before = snapshot()
    result = load()
    assert not result.changed
    assert result.measures.unchanged == 2 and result.answers.unchanged == 6
    assert snapshot() == before


def test_a_changed_source_updates_uncurated_records():
    load()
    before = Measure.objects.get(region__name="Dalarna")
    changed = SMALL.replace("Sex möten", "Sju möten")
    result = load(changed)
    assert result.measures.updated == 1
    after = Measure.objects.get(region__name="Dalarna")
    assert after.outputs == "Sju möten"
    assert after.updated > before.updated
    assert after.history.count() == 2


def test_a_measure_gone_from_the_source_is_deleted_when_removals_are_allowed():
    load()
    without_dalarna = SMALL.replace(
        row(
            "Dalarna",
            "Bredbandsforum Dalarna",
            "Sex möten",
            "",
            "Mål i RUS: Ett sammanhållet Dalarna",
        ),
        "",
    )
    result = load(without_dalarna, allow_removals=True)
    assert result.measures.deleted == 1
    assert not Measure.objects.filter(region__name="Dalarna").exists()


def test_curated_records_are_never_overwritten_and_are_reported():
    load()
    measure = Measure.objects.get(region__name="Dalarna")
    measure.name = "Bredbandsforum i Dalarna (rättat)"
    measure.curated = True
    measure.save()
    answer = AllocationAnswer.objects.get(question=1)
    answer.text = "Rättad text"
    answer.curated = True
    answer.save()

    result = load(
        SMALL.replace("Sex möten", "Åtta möten").replace(
            "Fördelningen följer", "Fördelningen avviker från"
        )
    )

    measure.refresh_from_db()
    assert measure.name == "Bredbandsforum i Dalarna (rättat)"
    assert measure.outputs == "Sex möten"  # the admin's version stays
    assert measure.imported["outputs"] == "Åtta möten"  # what the source says now, for the admin
    answer.refresh_from_db()
    assert answer.text == "Rättad text"
    assert "avviker" in answer.imported["text"]
    assert any(f"insats {measure.pk}" in line for line in result.kept)
    assert any("fråga 1" in line for line in result.kept)


def test_a_curated_measure_gone_from_the_source_is_kept():
    load()
    measure = Measure.objects.get(region__name="Dalarna")
    measure.curated = True
    measure.save()
    load(SMALL.replace("Bredbandsforum Dalarna", "Helt ny insats"))
    assert Measure.objects.filter(pk=measure.pk).exists()


def test_dry_run_writes_nothing():
    before = snapshot()
    result = load(dry_run=True)
    assert result.measures.created == 2
    assert snapshot() == before
    assert not Measure.objects.exists()


def test_a_failure_midway_leaves_the_database_unchanged(monkeypatch):
    load()
    before = snapshot()
    from importer import loader

    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader._Loader, "load_projects", boom)
    with pytest.raises(RuntimeError):
        load(SMALL.replace("Sex möten", "Nio möten").replace("Kalmar", "Halland"))
    assert snapshot() == before


# The command.


def write(tmp_path, content, name="rapport.txt"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_report", *map(str, args), "--no-index", stdout=out)
    return out.getvalue()


def test_command_prints_a_summary_a_person_can_check(tmp_path):
    output = run(write(tmp_path, SMALL))
    assert "Insatser: 2" in output
    assert "kapitel 1:    2" in output
    assert "Kalmar, kapitel 5" in output
    assert "Kapitel 8: 6 svar från 1 regioner (ja 2, nej 1, ej angivet 3)" in output
    again = run(write(tmp_path, SMALL))
    assert "Inget ändrades" in again


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (SMALL.encode("utf-16"), "binary"),
        (SMALL.encode("latin-1"), "not UTF-8"),
        (
            SMALL.replace(
                row(
                    "Dalarna",
                    "Bredbandsforum Dalarna",
                    "Sex möten",
                    "",
                    "Mål i RUS: Ett sammanhållet Dalarna",
                ),
                "Dalarna\tBredband\tSex möten",
            ),
            "5 tab-separated cells",
        ),
        (
            SMALL.replace("Dalarna\tBredbandsforum", "Narnia\tBredbandsforum"),
            "unknown region 'Narnia'",
        ),
        (SMALL[: SMALL.index("## 8")].replace("Rapport 0480", "Rapport"), "report header"),
    ],
)
def test_bad_files_stop_with_a_clear_message_and_change_nothing(tmp_path, content, message):
    run(write(tmp_path, SMALL, "ok.txt"))
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, content))
    assert message in str(error.value)
    assert snapshot() == before


def test_crlf_and_bom_import_like_the_plain_file(tmp_path):
    run(write(tmp_path, SMALL))
    before = sorted(Measure.objects.values_list("name", "outputs", "source_line"))
    Measure.objects.all().delete()
    run(write(tmp_path, b"\xef\xbb\xbf" + SMALL.replace("\n", "\r\n").encode("utf-8")))
    assert sorted(Measure.objects.values_list("name", "outputs", "source_line")) == before


def test_if_changed_skips_a_file_already_imported(tmp_path):
    path = write(tmp_path, SMALL)
    run(path)
    assert "redan importerad" in run(path, "--if-changed")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="ingen sådan fil"):
        run(tmp_path / "finns-inte.txt")


def test_imported_goal_links_are_recorded_in_the_history():
    load()
    measure = Measure.objects.get(region__name="Skåne")
    first = measure.history.earliest()
    assert sorted(g.goal_id for g in first.goals.all()) == sorted(
        measure.goals.values_list("id", flat=True)
    )
    load(
        SMALL.replace(
            "Mål i RUS: Skåne ska vara en stark hållbar tillväxtmotor", "Mål i RUS: Ny formulering"
        )
    )
    newest = measure.history.latest()
    assert newest.history_id != first.history_id
    assert {g.goal.title for g in newest.goals.all()} >= {"Ny formulering"}
