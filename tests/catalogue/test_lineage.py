"""Lineage in the database: links made on import, editors' decisions kept across re-imports."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from catalogue import lineage
from catalogue.models import Lineage, Measure
from importer.loader import load_report
from importer.parser import parse_report
from tests.importer.snippets import chapter, document, row

pytestmark = pytest.mark.django_db

OLD = document(
    chapter(
        1,
        row(
            "Skåne",
            "<p>Regional exportsamverkan</p> <p>Stöd till exportföretag.</p>",
            "300 företag",
        ),
        row("Skåne", "<p>Klimatarena Skåne</p> <p>Gemensamt initiativ för klimatomställning.</p>"),
        row("Dalarna", "<p>Bredbandsforum Dalarna</p> <p>Möten om bredbandsutbyggnad.</p>"),
    ),
    chapter(
        3,
        row("Dalarna", "<p>Företagslotsen</p> <p>Lotsning av nya företag till rätt stöd.</p>"),
    ),
)
NEW = (
    document(
        chapter(
            1,
            row(
                "Skåne",
                "<p>Regional exportsamverkan</p> <p>Stöd till exportföretag.</p>",
                "410 företag",
            ),
            row(
                "Skåne",
                "<p>Klimatarena Skåne 2024</p> <p>Gemensamt initiativ för klimatomställning.</p>",
            ),
            row(
                "Skåne",
                "<p>Besöksnäringens digitala lyft</p> <p>Webbinarier för turismföretag.</p>",
            ),
            row(
                "Dalarna",
                "<p>Klimatarena Skåne</p> <p>Gemensamt initiativ för klimatomställning.</p>",
            ),
        ),
        chapter(
            4,
            row("Dalarna", "<p>Bredbandsforum Dalarna</p> <p>Möten om bredbandsutbyggnad.</p>"),
        ),
    )
    .replace("utvecklingsarbete 2023", "utvecklingsarbete 2024")
    .replace("Rapport 0480", "Rapport 0580")
)


def load(text, **kwargs):
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return load_report(parse_report(text), source_name="t.txt", checksum=checksum, **kwargs)


def pairs(**filters):
    return {
        (link.previous.name, link.measure.name, link.measure.region.name)
        for link in Lineage.objects.filter(**filters).select_related("previous", "measure__region")
    }


EXPECTED = {
    ("Regional exportsamverkan", "Regional exportsamverkan", "Skåne"),
    ("Klimatarena Skåne", "Klimatarena Skåne 2024", "Skåne"),
    ("Bredbandsforum Dalarna", "Bredbandsforum Dalarna", "Dalarna"),
}


def test_importing_the_next_edition_links_it_to_the_previous_one():
    load(OLD)
    result = load(NEW)
    assert pairs() == EXPECTED  # Dalarna's copy of Klimatarena Skåne is new there, and so is
    # Skåne's "digitala lyft"; Företagslotsen ended.
    assert result.links.pairs == [(2023, 2024)] and result.links.suggested == 3
    assert all(
        link.status == "suggested" and 0.5 < link.confidence <= 1 for link in Lineage.objects.all()
    )


def test_reimporting_the_same_file_changes_no_link():
    load(OLD)
    load(NEW)
    before = list(Lineage.objects.order_by("pk").values_list("pk", "confidence", "status"))
    history = Lineage.history.count()
    result = load(NEW)
    assert (result.links.suggested, result.links.created, result.links.removed) == (3, 0, 0)
    assert list(Lineage.objects.order_by("pk").values_list("pk", "confidence", "status")) == before
    assert Lineage.history.count() == history


def test_an_edition_imported_between_two_replaces_their_suggestions():
    later = NEW.replace("utvecklingsarbete 2024", "utvecklingsarbete 2025").replace(
        "Rapport 0580", "Rapport 0680"
    )
    load(OLD)
    load(later)
    assert {(p.report.year, m.report.year) for p, m in links()} == {(2023, 2025)}
    load(NEW)
    assert {(p.report.year, m.report.year) for p, m in links()} == {(2023, 2024), (2024, 2025)}


def links():
    return [
        (link.previous, link.measure)
        for link in Lineage.objects.select_related("previous__report", "measure__report")
    ]


def test_an_older_edition_imported_later_is_linked_to_the_next_one():
    load(NEW)
    assert not Lineage.objects.exists()
    load(OLD)
    assert pairs() == EXPECTED


def test_a_dry_run_links_nothing():
    load(OLD)
    load(NEW, dry_run=True)
    assert not Lineage.objects.exists()


def test_decided_links_survive_a_reimport_and_suggestions_are_recomputed():
    load(OLD)
    load(NEW)
    export = Lineage.objects.get(measure__name="Regional exportsamverkan")
    climate = Lineage.objects.get(measure__name="Klimatarena Skåne 2024")
    assert lineage.confirm([export]) == 1
    assert lineage.reject([climate]) == 1
    load(NEW.replace("410 företag", "420 företag"))
    export.refresh_from_db()
    climate.refresh_from_db()
    assert export.status == "confirmed" and climate.status == "rejected"
    assert pairs(status="suggested") == {
        ("Bredbandsforum Dalarna", "Bredbandsforum Dalarna", "Dalarna")
    }
    assert pairs(status="rejected") == {("Klimatarena Skåne", "Klimatarena Skåne 2024", "Skåne")}


def test_set_previous_by_hand_rejects_the_link_in_its_way():
    load(OLD)
    load(NEW)
    new = Measure.objects.get(name="Besöksnäringens digitala lyft")
    old = Measure.objects.get(name="Klimatarena Skåne", region__name="Skåne")
    link = lineage.set_previous(new, old)
    assert (link.status, link.confidence) == ("manual", None)
    assert pairs(status="rejected") == {("Klimatarena Skåne", "Klimatarena Skåne 2024", "Skåne")}
    load(NEW)  # a re-import keeps the hand-set link and does not bring the rejected one back
    assert pairs(status="manual") == {
        ("Klimatarena Skåne", "Besöksnäringens digitala lyft", "Skåne")
    }
    assert not Lineage.objects.filter(measure__name="Klimatarena Skåne 2024", status="suggested")
    lineage.set_previous(new, None)
    assert not Lineage.objects.filter(measure=new, status__in=Lineage.ACTIVE).exists()


def test_set_previous_refuses_another_region_or_a_later_edition():
    load(OLD)
    load(NEW)
    skane_new = Measure.objects.get(name="Besöksnäringens digitala lyft")
    dalarna_old = Measure.objects.get(name="Företagslotsen")
    with pytest.raises(ValidationError, match="samma region"):
        lineage.set_previous(skane_new, dalarna_old)
    skane_old = Measure.objects.get(name="Regional exportsamverkan", report__year=2023)
    with pytest.raises(ValidationError, match="tidigare utgåva"):
        lineage.set_previous(skane_old, skane_new)


def test_the_link_editions_command_relinks_on_demand():
    load(OLD)
    load(NEW, link=False)
    assert not Lineage.objects.exists()
    call_command("link_editions", "--year", "2024", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert pairs() == EXPECTED


def test_previous_and_next_for_the_json_of_a_measure(django_assert_num_queries):
    load(OLD)
    load(NEW)
    old = Measure.objects.get(name="Klimatarena Skåne", report__year=2023)
    new = Measure.objects.get(name="Klimatarena Skåne 2024")
    lonely = Measure.objects.get(name="Besöksnäringens digitala lyft")
    with django_assert_num_queries(2):
        found = lineage.previous_and_next([old.pk, new.pk, lonely.pk])
    assert found[old.pk] == {"previous": None, "next": new}
    assert found[new.pk] == {"previous": old, "next": None}
    assert found[lonely.pk] == {"previous": None, "next": None}
    assert lineage.reference(found[new.pk]["previous"]) == {
        "report_year": 2023,
        "source_line": old.source_line,
        "url": f"/insatser/{old.pk}/",
    }
    assert lineage.reference(None) is None
    lineage.reject(Lineage.objects.filter(measure=new))
    assert lineage.previous_and_next([new.pk])[new.pk]["previous"] is None
