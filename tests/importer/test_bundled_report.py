"""End to end: the bundled report imports whole and right.

The expected totals were counted by reading the document (and cross-checked with awk over the raw
rows, page-break repeats, continuation rows, "no measures" statements and cross-references
excluded by hand): see the counting notes in tests/importer/README.md.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from catalogue.models import AllocationAnswer, Measure, NoMeasures, Project, Region

BUNDLED = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PER_CHAPTER = {1: 81, 2: 89, 3: 94, 4: 85, 5: 47, 6: 41, 7: 86}
PER_REGION = {
    "Blekinge": 25, "Dalarna": 23, "Gotland": 28, "Gävleborg": 29, "Halland": 22,
    "Jämtland Härjedalen": 20, "Jönköping": 25, "Kalmar": 14, "Kronoberg": 25,
    "Norrbotten": 25, "Skåne": 28, "Stockholm": 27, "Sörmland": 26, "Uppsala": 33,
    "Värmland": 25, "Västerbotten": 24, "Västernorrland": 29, "Västmanland": 21,
    "Västra Götaland": 29, "Örebro": 23, "Östergötland": 22,
}  # fmt: skip
NO_MEASURES = {
    (5, "Jämtland Härjedalen"), (5, "Kalmar"), (5, "Örebro"), (6, "Jämtland Härjedalen"),
    (6, "Västmanland"), (6, "Örebro"), (6, "Östergötland"), (7, "Blekinge"),
}  # fmt: skip
REFERENCES = {(6, "Västerbotten", 795), (7, "Västerbotten", 925)}


@pytest.fixture
def imported():
    out = StringIO()
    call_command("import_report", str(BUNDLED), "--no-index", stdout=out)
    return out.getvalue()


def test_the_bundled_file_is_the_shared_seed_byte_for_byte():
    seed = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_6ff1fea56741f8c8.txt"
    if not seed.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert BUNDLED.read_bytes() == seed.read_bytes()


def test_measures_per_chapter_and_region(imported):
    assert Measure.objects.count() == 523
    per_chapter = dict(Measure.objects.values_list("chapter__number").annotate(n=Count("id")))
    assert per_chapter == PER_CHAPTER
    per_region = dict(Measure.objects.values_list("region__name").annotate(n=Count("id")))
    assert per_region == PER_REGION
    assert "Insatser: 523" in imported


def test_no_measures_records(imported):
    statements = NoMeasures.objects.filter(kind=NoMeasures.Kind.NONE)
    assert set(statements.values_list("chapter__number", "region__name")) == NO_MEASURES
    references = NoMeasures.objects.filter(kind=NoMeasures.Kind.REFERENCE)
    got = set(references.values_list("chapter__number", "region__name", "source_line"))
    assert got == REFERENCES
    assert references.get(source_line=795).text == "Se även tabell 2."


def test_chapter_8_answers_and_gotlands_projects(imported):
    assert AllocationAnswer.objects.count() == 126
    assert set(AllocationAnswer.objects.values_list("region__name", flat=True)) == set(PER_REGION)
    counts = dict(AllocationAnswer.objects.values_list("answer").annotate(n=Count("id")))
    assert counts == {"ja": 51, "nej": 8, None: 67}
    gotland = Region.objects.get(name="Gotland")
    assert gotland.allocation.get(question=5).answer == "nej"
    projects = Project.objects.filter(region=gotland)
    assert projects.count() == 9
    assert projects.filter(status="granted").count() == 4
    zero = projects.get(nyps_id="20205215")
    assert (zero.title, zero.granted_sek, zero.paid_sek) == ("Zero", 8471863, 5801341)
    platform = projects.get(nyps_id="20205415")
    assert [(i.target, i.outcome) for i in platform.indicators.all()] == [
        ("5 organisationer", "5 organisationer"),
        ("100 användare", "721 användare"),
    ]


def test_known_rows(imported):
    # Line 31 and its page-break repeat at line 34 are one measure.
    assert (
        Measure.objects.filter(name="Insatser inom politikområdet Gestaltad livsmiljö").count() == 1
    )
    # "Norrboten" (line 89) is Norrbotten.
    assert Measure.objects.get(source_line=89).region.name == "Norrbotten"
    # Line 118 (empty region cell) continues the measure of line 115.
    regexpro = Measure.objects.get(source_line=115)
    assert "CeMeWE" in regexpro.outputs
    assert not Measure.objects.filter(source_line=118).exists()
    # A goal cell citing SDGs by number and name.
    kronoberg = Measure.objects.get(source_line=81)
    assert sorted(kronoberg.goals.exclude(sdg=None).values_list("sdg", flat=True)) == [3, 9, 10, 11]
    # RUFS 2050 "Mål 1: …" is a RUS goal of Stockholm, not SDG 1.
    stockholm = Measure.objects.get(source_line=100)
    assert not stockholm.goals.filter(sdg=1).exists()
    assert stockholm.goals.filter(
        framework="rus", title="En tillgänglig region med god livsmiljö"
    ).exists()


def test_reimport_of_the_bundled_report_changes_nothing(imported):
    out = StringIO()
    call_command("import_report", str(BUNDLED), "--no-index", stdout=out)
    assert "Inget ändrades" in out.getvalue()
