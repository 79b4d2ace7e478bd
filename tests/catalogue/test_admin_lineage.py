"""The admin of links between editions: review list, confirm and reject, set a link by hand."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from catalogue.models import Lineage, Measure

from .test_lineage import NEW, OLD, load


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def editions(db):
    load(OLD)
    load(NEW)


@pytest.fixture
def editor_client(db):
    user = User.objects.create_user("redaktor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktör"))
    client = Client()
    client.force_login(user)
    return client


def test_the_review_list_shows_both_measures_confidence_and_status(editions, editor_client):
    response = editor_client.get(reverse("admin:catalogue_lineage_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Klimatarena Skåne 2024" in html and "Bredbandsforum Dalarna" in html
    assert "Dalarna · 2023 · kapitel 1" in html and "Dalarna · 2024 · kapitel 4" in html
    link = Lineage.objects.get(measure__name="Klimatarena Skåne 2024")
    assert f"{link.confidence:.2f}" in html
    for query in ("status=suggested", "confidence=certain", "confidence=none"):
        page = editor_client.get(reverse("admin:catalogue_lineage_changelist") + "?" + query)
        assert page.status_code == 200


def test_confirm_and_reject_actions(editions, editor_client):
    url = reverse("admin:catalogue_lineage_changelist")
    export = Lineage.objects.get(measure__name="Regional exportsamverkan")
    climate = Lineage.objects.get(measure__name="Klimatarena Skåne 2024")
    for action, link in (("confirm_links", export), ("reject_links", climate)):
        response = editor_client.post(
            url, {"action": action, "_selected_action": [link.pk]}, follow=True
        )
        assert response.status_code == 200
    export.refresh_from_db()
    climate.refresh_from_db()
    assert (export.status, climate.status) == ("confirmed", "rejected")


def test_a_links_change_page_compares_the_two_measures(editions, editor_client):
    link = Lineage.objects.get(measure__name="Klimatarena Skåne 2024")
    response = editor_client.get(reverse("admin:catalogue_lineage_change", args=[link.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>Gemensamt initiativ för klimatomställning.</p>" in html
    assert "&lt;p&gt;" not in html


def test_set_previous_by_hand_from_the_measure_page(editions, editor_client):
    measure = Measure.objects.get(name="Besöksnäringens digitala lyft")
    page = editor_client.get(reverse("admin:catalogue_measure_change", args=[measure.pk]))
    url = reverse("admin:catalogue_lineage_set_previous", args=[measure.pk])
    assert url in page.content.decode()
    form = editor_client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Klimatarena Skåne" in html and "Företagslotsen" not in html  # Skåne's, 2023 only
    previous = Measure.objects.get(name="Klimatarena Skåne", report__year=2023)
    response = editor_client.post(url, {"previous": previous.pk})
    assert response.status_code == 302
    link = Lineage.objects.get(measure=measure, status="manual")
    assert link.previous == previous
    page = editor_client.get(reverse("admin:catalogue_measure_change", args=[measure.pk]))
    assert "satt för hand" in page.content.decode()


def test_set_previous_refuses_a_measure_of_another_region(editions, editor_client):
    measure = Measure.objects.get(name="Besöksnäringens digitala lyft")
    other = Measure.objects.get(name="Företagslotsen")
    url = reverse("admin:catalogue_lineage_set_previous", args=[measure.pk])
    response = editor_client.post(url, {"previous": other.pk})
    assert response.status_code == 200  # the form again, with its error
    assert not Lineage.objects.filter(measure=measure).exists()


def test_changing_a_links_previous_measure_marks_it_set_by_hand(editions, editor_client):
    link = Lineage.objects.get(measure__name="Klimatarena Skåne 2024")
    url = reverse("admin:catalogue_lineage_change", args=[link.pk])
    export = Lineage.objects.get(measure__name="Regional exportsamverkan")
    freed = export.previous
    # Another region's measure is refused.
    other = Measure.objects.get(name="Företagslotsen")
    data = {"previous": other.pk, "measure": link.measure_id, "status": "suggested"}
    response = editor_client.post(url, data)
    assert response.status_code == 200 and "samma region" in response.content.decode()
    # Skåne's other 2023 measure, free once its own link is rejected: saved as set by hand.
    export.status = "rejected"
    export.save()
    data["previous"] = freed.pk
    response = editor_client.post(url, data)
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.previous, link.status) == (freed, "manual")
