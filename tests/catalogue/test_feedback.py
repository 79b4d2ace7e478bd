"""The public "report an error" form: stores reports, refuses robots, floods and forgeries."""

import time

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from catalogue import feedback
from catalogue.models import Chapter, ErrorReport, Measure, Region, Report


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def empty_cache(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {**settings.CACHES["shared"], "LOCATION": str(tmp_path / "cache")},
    }
    caches["shared"].clear()
    yield
    caches["shared"].clear()


@pytest.fixture
def measure(db):
    report = Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="t.txt", checksum="0" * 64
    )
    return Measure.objects.create(
        report=report,
        region=Region.objects.get(name="Gotland"),
        chapter=Chapter.objects.get(number=7),
        name="Solceller på Gotland",
        source_key="7-gotland-solceller-1",
        source_line=1500,
    )


def url(measure):
    return reverse("catalogue:report-error", args=[measure.pk])


def aged_token(measure, seconds=10):
    return feedback.make_token(measure.pk, issued_at=time.time() - seconds)


def post(client, measure, *, ip="198.51.100.7", HTTP_X_FORWARDED_FOR=None, **fields):
    data = {
        "message": "Fel kapitel: det här är energi.",
        "email": "",
        "website": "",
        "token": aged_token(measure),
        **fields,
    }
    headers = {"HTTP_X_FORWARDED_FOR": HTTP_X_FORWARDED_FOR} if HTTP_X_FORWARDED_FOR else {}
    return client.post(url(measure), data, REMOTE_ADDR=ip, **headers)


def test_url_is_where_the_measure_page_links():
    assert reverse("catalogue:report-error", args=[5]) == "/insatser/5/rapportera-fel/"


def test_form_page_shows_the_form_with_a_hidden_honeypot(measure, client):
    response = client.get(url(measure))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Solceller på Gotland" in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'name="token"' in page
    assert '<div hidden aria-hidden="true">' in page
    assert 'name="website"' in page.split('<div hidden aria-hidden="true">')[1].split("</div>")[0]


def test_a_report_is_stored_and_thanked_for(measure, client):
    response = post(client, measure, email="anna@example.se")
    assert response.status_code == 302
    assert response.url == url(measure) + "?skickad=1"
    report = ErrorReport.objects.get()
    assert report.measure == measure
    assert report.message == "Fel kapitel: det här är energi."
    assert report.email == "anna@example.se"
    assert report.status == ErrorReport.Status.NEW
    thanks = client.get(response.url)
    assert "Tack för din rapport!" in thanks.content.decode()
    assert "<form" not in thanks.content.decode().split("<main")[1]


def test_email_is_optional_and_checked(measure, client):
    assert post(client, measure).status_code == 302
    assert post(client, measure, email="inte en adress").status_code == 400
    assert ErrorReport.objects.count() == 1


@pytest.mark.parametrize("message", ["", "   ", "x" * (feedback.MESSAGE_MAX_LENGTH + 1)])
def test_message_is_required_and_bounded(measure, client, message):
    response = post(client, measure, message=message)
    assert response.status_code == 400
    assert ErrorReport.objects.count() == 0
    assert 'role="alert"' in response.content.decode()


def test_honeypot_is_refused(measure, client):
    response = post(client, measure, website="https://spam.example")
    assert response.status_code == 400
    assert ErrorReport.objects.count() == 0


def test_too_fast_is_refused_and_a_fresh_token_is_given(measure, client):
    response = post(client, measure, token=feedback.make_token(measure.pk))
    assert response.status_code == 400
    assert "Vänta några sekunder" in response.content.decode()
    assert ErrorReport.objects.count() == 0
    # The visitor's text stays, so waiting and sending again is one click.
    assert "Fel kapitel: det här är energi." in response.content.decode()


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not-a-token",
        "forged:" + "A" * 40,
    ],
)
def test_missing_or_forged_token_is_refused(measure, client, token):
    assert post(client, measure, token=token).status_code == 400
    assert ErrorReport.objects.count() == 0


def test_old_token_and_other_measures_token_are_refused(measure, client):
    old = aged_token(measure, seconds=feedback.MAX_AGE_SECONDS + 60)
    assert post(client, measure, token=old).status_code == 400
    other = feedback.make_token(measure.pk + 1, issued_at=time.time() - 10)
    assert post(client, measure, token=other).status_code == 400
    assert ErrorReport.objects.count() == 0


def test_token_signed_with_another_salt_is_refused(measure, client):
    from django.core import signing

    token = signing.dumps({"m": measure.pk, "t": int(time.time()) - 10}, salt="other")
    assert post(client, measure, token=token).status_code == 400


def test_rate_limit_per_address(measure, client, monkeypatch):
    monkeypatch.setattr(feedback, "RATE_LIMIT", 3)
    for _ in range(3):
        assert post(client, measure).status_code == 302
    response = post(client, measure)
    assert response.status_code == 429
    assert "många rapporter" in response.content.decode()
    assert ErrorReport.objects.count() == 3
    # Another address is not affected.
    assert post(client, measure, ip="203.0.113.9").status_code == 302
    assert ErrorReport.objects.count() == 4


def test_rate_limit_is_shared_by_the_workers(measure, client, settings):
    """The count is kept in files: another worker's cache objects read the same count."""
    from django.core.cache.backends.filebased import FileBasedCache

    assert post(client, measure).status_code == 302
    assert post(client, measure).status_code == 302
    other_worker = FileBasedCache(settings.CACHES["shared"]["LOCATION"], {})
    assert other_worker.get("report-error:198.51.100.7") == 2


def test_failed_posts_count_towards_the_limit(measure, client, monkeypatch):
    monkeypatch.setattr(feedback, "RATE_LIMIT", 2)
    post(client, measure, website="spam")
    post(client, measure, website="spam")
    assert post(client, measure).status_code == 429
    assert ErrorReport.objects.count() == 0


def test_csrf_is_required(measure):
    client = Client(enforce_csrf_checks=True)
    response = post(client, measure)
    assert response.status_code == 403
    assert ErrorReport.objects.count() == 0


def test_with_csrf_token_from_the_page_it_works(measure):
    client = Client(enforce_csrf_checks=True)
    client.get(url(measure))
    token = client.cookies["csrftoken"].value
    response = post(client, measure, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert ErrorReport.objects.count() == 1


def test_unknown_measure_is_404(db, client):
    assert client.get("/insatser/999999/rapportera-fel/").status_code == 404


def test_reports_wait_in_the_admin_queue(measure, client, admin_client):
    post(client, measure, message="Namnet är fel stavat.")
    queue = admin_client.get(reverse("admin:catalogue_errorreport_changelist"))
    assert "Namnet är fel stavat." in queue.content.decode()


def test_message_is_shown_escaped_in_the_admin(measure, client, admin_client):
    post(client, measure, message="<script>alert(1)</script> fel")
    page = admin_client.get(reverse("admin:catalogue_errorreport_changelist")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fel" in page


def test_rate_limit_uses_the_client_address_behind_proxies(measure, client, settings, monkeypatch):
    monkeypatch.setattr(feedback, "RATE_LIMIT", 1)
    settings.AXES_CLIENT_IP_CALLABLE = lambda request: request.META.get("HTTP_X_FORWARDED_FOR")
    proxy = "10.0.0.1"
    assert post(client, measure, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
    assert post(client, measure, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 302
    assert post(client, measure, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
