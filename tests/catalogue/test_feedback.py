"""The public "report an error" form: stores reports, refuses robots, floods and forgeries."""

import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from catalogue import feedback, ratelimit
from catalogue.models import Chapter, ErrorReport, Measure, RateCounter, Region, Report

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_measure():
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


@pytest.fixture
def measure(db):
    return make_measure()


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


def test_rate_limit_is_shared_by_the_workers(measure, client):
    """The count is a database row: every worker and every node reads the same count."""
    assert post(client, measure).status_code == 302
    assert post(client, measure).status_code == 302
    assert RateCounter.objects.get(key="report-error:198.51.100.7").count == 2


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


# ---------------------------------------------------------------------------------------------
# Parallel posts, replayed tokens, what robots are told, invisible characters


# Threads share pytest's database only on PostgreSQL (SQLite's in-memory test database locks
# whole tables); on SQLite the processes of parallel_posts.py post to a database file instead.
needs_postgres = pytest.mark.skipif(
    "sqlite" in os.environ.get("DATABASE_URL", "sqlite"),
    reason="threads need PostgreSQL; SQLite is tested with processes (parallel_posts.py)",
)


def run_in_parallel(function, count: int) -> list:
    """Call function(i) in `count` threads that start together; each closes its connection."""
    barrier = threading.Barrier(count)

    def run(number):
        barrier.wait()
        try:
            return function(number)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.fixture
def reference_data():
    """Transactional tests (threads need committed rows) run after the others and flush the
    tables: the reference data (regions, chapters) are seeded again by the data migrations.
    (serialized_rollback clashed with the content types on PostgreSQL.)"""
    from tests.browser.conftest import rerun_data_migrations

    rerun_data_migrations()


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_hits_never_pass_the_limit():
    results = run_in_parallel(
        lambda _: ratelimit.hit("test:parallel", limit=10, window=timedelta(hours=1)), 20
    )
    assert results.count(True) == 10
    assert RateCounter.objects.get(key="test:parallel").count == 10


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_from_one_address_pass_the_limit_of_ten_at_most(reference_data):
    measure = make_measure()
    assert feedback.RATE_LIMIT == 10
    statuses = run_in_parallel(lambda _: post(Client(), measure).status_code, 20)
    assert statuses.count(302) == 10, statuses
    assert statuses.count(429) == 10
    assert ErrorReport.objects.count() == 10


def posts_from_processes(tmp_path, *args: str) -> dict:
    """Run parallel_posts.py in a child process on a SQLite file of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VAR_DIR")}
    env.update(VAR_DIR=str(tmp_path), DEBUG="0", DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-m", "tests.catalogue.parallel_posts", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_twenty_posts_from_processes_on_a_sqlite_file_pass_the_limit_of_ten_at_most(tmp_path):
    outcome = posts_from_processes(tmp_path, "20")
    assert outcome["statuses"] == [302] * 10 + [429] * 10
    assert outcome["stored"] == 10


def test_a_token_posted_by_processes_on_a_sqlite_file_is_used_once(tmp_path):
    outcome = posts_from_processes(tmp_path, "8", "same-token")
    assert outcome["statuses"] == [302] + [400] * 7
    assert outcome["stored"] == 1


def test_a_new_window_starts_when_the_old_one_ends(db):
    window = timedelta(hours=1)
    assert [ratelimit.hit("test:window", limit=2, window=window) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    RateCounter.objects.filter(key="test:window").update(
        expires=RateCounter.objects.get().expires - window
    )
    assert ratelimit.hit("test:window", limit=2, window=window)
    assert RateCounter.objects.get(key="test:window").count == 1


def test_a_token_is_used_once(measure, client):
    token = aged_token(measure)
    assert post(client, measure, token=token).status_code == 302
    again = post(client, measure, token=token, message="Samma nyckel igen.")
    assert again.status_code == 400
    assert str(feedback.REFUSED) in again.content.decode()
    assert ErrorReport.objects.count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_token_posted_in_parallel_is_used_once(reference_data):
    measure = make_measure()
    token = aged_token(measure)
    statuses = run_in_parallel(
        lambda n: post(Client(), measure, token=token, ip=f"198.51.100.{n}").status_code, 8
    )
    assert sorted(statuses) == [302] + [400] * 7
    assert ErrorReport.objects.count() == 1


def test_tokens_handed_out_in_the_same_second_differ(measure):
    issued = time.time() - 10
    assert feedback.make_token(measure.pk, issued_at=issued) != feedback.make_token(
        measure.pk, issued_at=issued
    )


def error_list(response) -> str:
    shown = response.content.decode().split('id="report-errors">')[1].split("</div>")[0]
    return " ".join(shown.split())


def test_robots_get_one_message_that_names_no_field_or_check(measure, client):
    honeypot = post(client, measure, website="https://spam.example")
    forged = post(client, measure, token="forged:" + "A" * 40)
    foreign = post(client, measure, token=feedback.make_token(measure.pk + 1, issued_at=1e9))
    lists = {error_list(response) for response in (honeypot, forged, foreign)}
    assert len(lists) == 1, lists
    (shown,) = lists
    assert str(feedback.REFUSED) in shown
    for telltale in ("Lämna det här fältet tomt", "website", "honeypot", "insats", "token"):
        assert telltale not in shown


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Fel \u202eeman\u202c kapitel", "Fel eman kapitel"),
        ("Fel\u200b\u200c\u200d\u2060\ufeff namn", "Fel namn"),
        ("\u2066isolerad\u2069 \u200ehöger\u200f", "isolerad höger"),
        ("rad ett\u2028rad två\r\nrad tre", "rad ett\nrad två\nrad tre"),
        ("klocka\x07 och\x1b[31m färg", "klocka och[31m färg"),
        ("Örebro län – é e\u0301 🚀", "Örebro län – é e\u0301 🚀"),  # visible text untouched
    ],
)
def test_invisible_formatting_characters_are_not_stored(measure, client, sent, stored):
    assert post(client, measure, message=sent).status_code == 302
    assert ErrorReport.objects.get().message == stored


def test_a_message_of_only_invisible_characters_is_empty(measure, client):
    assert post(client, measure, message="\u200b\u202e\u200b").status_code == 400
    assert ErrorReport.objects.count() == 0


def test_a_report_saved_from_a_shell_is_stripped_too(measure):
    report = ErrorReport.objects.create(measure=measure, message="a\u202eb")
    report.refresh_from_db()
    assert report.message == "ab"
