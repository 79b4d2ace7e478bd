"""Hostile input: odd query strings never cause a server error, and markup from the content never
reaches a page unescaped (no script, no event attribute, no javascript: link)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db.models import Sum

from catalogue.models import Chapter, Measure, Region, Report
from tests import servers

HOSTILE_TEXT = (
    '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(2)">klicka</a><svg onload=alert(3)>'
)

LONG = "energi " * 3000
HOSTILE_QUERIES = [
    # very long
    LONG,
    "a" * 20000,
    # odd Unicode, invalid UTF-8 and control characters (percent-encoded as a browser would)
    "Örebro 🚀 ﷽ \u202eevil\u202c e\u0301 \u200b",
    "%00",
    "%FF%FE%FD",
    "%ED%A0%80",
    "%C0%AF",
    "\t\r\n",
    # Whoosh query syntax, broken and expensive
    "energi AND (",
    '"unclosed phrase',
    "name:",
    "*",
    "?",
    "*a*b*c*d*e*",
    "[a TO",
    "{x TO y}",
    "energi^999999",
    "((((((((((((((((((((energi",
    "NOT",
    "AND OR NOT",
    "~",
    "energi~99",
    "\\",
    "nonexistentfield:foo",
    # SQL-like
    "' OR 1=1 --",
    "1; DROP TABLE catalogue_measure; --",
    '" OR ""="',
    "%' UNION SELECT password FROM auth_user --",
    # markup
    HOSTILE_TEXT,
]

HOSTILE_PARAMETERS = [
    "page=999999999999999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "page=1e9",
    "page=NaN",
    "region=doesnotexist",
    "region=" + "&region=".join(["skane"] * 200),
    "chapter=99",
    "chapter=abc",
    "chapter=-1",
    "chapter=99999999999999999999999",
    "sdg=0",
    "sdg=18",
    "sdg=99999999999999999999999",
    "framework=%3Cscript%3E",
    "year=abc",
    "year=99999999999999999999",
    "curated=maybe",
    "sort=-nonexistent",
    "sort=__class__",
    "sort=" + "x" * 5000,
    "per_page=1000000000",
    "per_page=-5",
    "format=xml",
    "format=..%2F..%2Fetc%2Fpasswd",
    "format=json&q=%22unclosed",
    "format=csv&q=energi+AND+(",
    "format=xlsx&page=999999999",
    "q=energi&region=doesnotexist&chapter=abc&page=999999999",
]

# Static files are not collected for tests: plain storage instead of the production manifest.
PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LIST_PATHS = ["/insatser/", "/kapitel/3/", "/"]

HOSTILE_PATHS = [
    "/insatser/99999999999999999999999/",
    "/insatser/0/",
    "/regioner/doesnotexist/",
    "/regioner/" + "a" * 300 + "/",
    "/kapitel/99999999999999999999999/",
    "/kapitel/0/",
    "/mal/99999999999999999999999/",
    "/regioner/doesnotexist/?format=json",
    "/insatser/1/?format=json",
]


@pytest.fixture
def catalogue(db, settings, tmp_path):
    """A few measures, one carrying hostile markup in every plain-text field, and an index."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.STORAGES = PLAIN_STORAGES
    report = Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="test.txt", checksum="0" * 64
    )
    regions = list(Region.objects.order_by("code")[:3])
    chapters = list(Chapter.objects.filter(number__lte=7).order_by("number")[:3])
    measures = []
    for index, (region, chapter) in enumerate(zip(regions, chapters, strict=True)):
        measures.append(
            Measure.objects.create(
                report=report,
                region=region,
                chapter=chapter,
                name=f"Energiomställning {index} {HOSTILE_TEXT}",
                description=f"Beskrivning av energi {HOSTILE_TEXT}",
                description_html="<p>Beskrivning av energi</p>",
                outputs=f"Prestationer {HOSTILE_TEXT}",
                outputs_html="<p>Prestationer</p>",
                effects=f"Effekter {HOSTILE_TEXT}",
                effects_html="<p>Effekter</p>",
                goals_text=f"Mål 7 {HOSTILE_TEXT}",
                goals_html="<p>Mål 7</p>",
                source_key=f"key-{index}",
                source_line=100 + index,
            )
        )
    from catalogue import search

    search.rebuild()
    return measures


class ActiveMarkupFinder(HTMLParser):
    """Collects what a browser would run: inline scripts, event attributes, javascript: URLs."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in self.URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.found.append(f"<{tag} {name}={value[:40]}>")

    handle_startendtag = handle_starttag


def assert_no_active_markup(html: str, where: str) -> None:
    """Fail if the page carries an inline script, an event attribute or a javascript: link."""
    finder = ActiveMarkupFinder()
    finder.feed(html)
    finder.close()
    assert finder.found == [], f"{where}: {finder.found[:5]}"


def response_json(response):
    if response.streaming:
        return json.loads(b"".join(response.streaming_content))
    return response.json()


def get(client, url: str):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
    return response


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: repr(q[:30]))
def test_hostile_search_queries_never_fail(client, catalogue, path, query):
    from urllib.parse import quote

    encoded = query if query.startswith("%") else quote(query)
    response = get(client, f"{path}?q={encoded}")
    if response.status_code == 302:  # a blank query: the same page without it (clean links)
        assert "q=" not in response["Location"]
        return
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_no_active_markup(response.content.decode(), f"{path}?q={query[:40]}")


@pytest.mark.parametrize("path", LIST_PATHS[:2])
@pytest.mark.parametrize("parameters", HOSTILE_PARAMETERS, ids=lambda p: p[:40])
def test_hostile_parameters_never_fail(client, catalogue, path, parameters):
    response = get(client, f"{path}?{parameters}")
    if response.status_code == 302:  # a page out of range: the one that exists (clean links)
        assert "page=" in parameters and response["Location"].startswith(path)
        response = get(client, response["Location"])
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.content, "a 400 answer says what was wrong"


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_are_not_found_not_errors(client, catalogue, path):
    response = get(client, path)
    assert response.status_code in (200, 400, 404), response.status_code


def test_content_markup_is_escaped_on_every_page(client, catalogue):
    measure = catalogue[0]
    pages = [
        "/",
        "/insatser/",
        "/insatser/?q=energi",
        "/insatser/?q=alert",
        "/insatser/?q=script",
        "/insatser/?q=onerror",
        f"/insatser/{measure.pk}/",
        f"/kapitel/{measure.chapter.number}/",
        f"/regioner/{measure.region.slug}/",
        "/regioner/",
        "/mal/",
    ]
    for page in pages:
        response = get(client, page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert_no_active_markup(html, page)
    detail = get(client, f"/insatser/{measure.pk}/").content.decode()
    # The text is shown, escaped, not dropped.
    assert "&lt;script&gt;" in detail


def test_json_export_keeps_markup_as_inert_text(client, catalogue):
    response = get(client, "/insatser/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response_json(response)["count"] == len(catalogue)


@pytest.mark.slow
def test_hostile_cells_in_an_imported_report_never_reach_a_page(client, db, settings, tmp_path):
    """Through the real importer: cells with script, event attributes and javascript: links."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.STORAGES = PLAIN_STORAGES
    lines = servers.REPORT.read_text(encoding="utf-8").split("\n")
    hostile_rows = 0
    for index, line in enumerate(lines):
        cells = line.split("\t")
        if len(cells) == 5 and cells[0] in {"Blekinge", "Dalarna", "Gotland"}:
            cells[1] = cells[1] + HOSTILE_TEXT
            cells[2] = f"<p>{HOSTILE_TEXT}</p>" + cells[2]
            cells[4] = cells[4] + '<a href="javascript:alert(4)" onclick="alert(5)">mål</a>'
            lines[index] = "\t".join(cells)
            hostile_rows += 1
    assert hostile_rows > 5
    path = tmp_path / "hostile.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("import_report", str(path))

    hostile = Measure.objects.filter(region__name__in=["Blekinge", "Dalarna", "Gotland"])
    assert hostile.exists()
    for field in ("description_html", "outputs_html", "effects_html", "goals_html"):
        for value in hostile.values_list(field, flat=True):
            assert_no_active_markup(value, field)
    pages = ["/", "/insatser/", "/insatser/?q=alert", "/insatser/?q=klicka"]
    pages += [m.get_absolute_url() for m in hostile[:10]]
    pages += ["/regioner/blekinge/", "/regioner/gotland/", "/kapitel/1/"]
    for page in pages:
        response = get(client, page)
        assert response.status_code == 200, page
        assert_no_active_markup(response.content.decode(), page)


# ---------------------------------------------------------------------------------------------
# Editors: lockout per address too, sessions that end when idle and at browser close

BASE_DIR = servers.BASE_DIR


@pytest.fixture
def chef(db, settings):
    from django.contrib.auth.models import User

    settings.STORAGES = PLAIN_STORAGES

    return User.objects.create_superuser("chef", password="rätt-lösenord-4711")


def login(client, username, password):
    from django.urls import reverse

    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def test_many_usernames_from_one_address_lock_the_address(chef, client, settings):
    from django.test import Client

    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT) == (5, 20)
    # 19 failures over ten usernames, none of them near the per-username limit of 5.
    for attempt in range(19):
        assert login(client, f"redaktor{attempt % 10}", "gissning").status_code == 200
    assert login(client, "chef", "rätt-lösenord-4711").status_code == 302  # still allowed
    client.logout()
    assert login(client, "ny-gissning", "gissning").status_code == 429  # the 20th failure
    # Now every username is refused from this address, the right password too ...
    assert login(client, "chef", "rätt-lösenord-4711").status_code == 429
    # ... while the editor from another address gets in.
    assert login(Client(REMOTE_ADDR="192.0.2.44"), "chef", "rätt-lösenord-4711").status_code == 302


def test_one_username_still_locks_at_its_own_lower_limit(chef, client):
    for attempt in range(4):
        assert login(client, "chef", f"fel-{attempt}").status_code == 200
    assert login(client, "chef", "fel-5").status_code == 429
    assert login(client, "annan", "fel").status_code == 200  # the address is not locked


def test_a_success_resets_only_its_own_username(chef, client):
    from axes.models import AccessAttempt

    for attempt in range(6):
        login(client, f"annan{attempt % 3}", "fel")
    login(client, "chef", "fel")
    assert login(client, "chef", "rätt-lösenord-4711").status_code == 302
    remaining = AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"]
    assert remaining == 6  # the other usernames' failures from this address are kept


def test_admin_session_ends_at_browser_close_and_after_idle_time(chef, client, settings):
    from django.contrib.sessions.models import Session
    from django.urls import reverse
    from django.utils import timezone

    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    response = login(client, "chef", "rätt-lösenord-4711")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes
    session = Session.objects.get()
    first_end = session.expire_date
    assert abs((first_end - timezone.now()).total_seconds() - 8 * 3600) < 60
    # Each request pushes the end forward: the limit is idle time, not session length.
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(minutes=5))
    assert client.get(reverse("admin:index")).status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timezone.timedelta(hours=7)
    # Idle past the end: logged out.
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/login/" in response.url


def settings_in_child(tmp_path, env: dict[str, str], *names: str) -> dict:
    """Settings as a fresh process reads them from this environment."""
    from tests.test_settings import run_manage

    code = "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in %r}))"
    result = run_manage("shell", "-v0", "-c", code % (names,), env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_idle_time_and_lockout_limits_come_from_the_environment(tmp_path):
    values = settings_in_child(
        tmp_path,
        {"SESSION_IDLE_HOURS": "0.5", "AXES_ADDRESS_FAILURE_LIMIT": "50", "DEBUG": "0"},
        "SESSION_COOKIE_AGE",
        "AXES_ADDRESS_FAILURE_LIMIT",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SESSION_SAVE_EVERY_REQUEST",
    )
    assert values == {
        "SESSION_COOKIE_AGE": 1800,
        "AXES_ADDRESS_FAILURE_LIMIT": 50,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "SESSION_SAVE_EVERY_REQUEST": True,
    }


# ---------------------------------------------------------------------------------------------
# Cookies


@pytest.mark.parametrize(("secure_ssl", "secure"), [("1", True), ("0", False)])
def test_language_cookie_follows_secure_ssl(tmp_path, secure_ssl, secure):
    import secrets

    values = settings_in_child(
        tmp_path,
        {"SECURE_SSL": secure_ssl, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)},
        "LANGUAGE_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SAMESITE",
        "SESSION_COOKIE_SECURE",
    )
    assert values == {
        "LANGUAGE_COOKIE_SECURE": secure,
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
    }


def test_language_switch_sets_a_lax_httponly_cookie(client, settings):
    settings.STORAGES = PLAIN_STORAGES
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


# ---------------------------------------------------------------------------------------------
# Files: private to the app user


def mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_database_secret_key_and_index_folder_are_created_private(tmp_path):
    from tests.test_settings import run_manage

    folder = tmp_path / "var"
    env = {"DEBUG": "0", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
    result = run_manage("migrate", "-v0", env=env, tmp_path=folder)
    assert result.returncode == 0, result.stderr
    assert mode(folder / "db.sqlite3") == 0o600
    assert mode(folder / "secret_key") == 0o600
    assert mode(folder / "index") == 0o700
    assert mode(folder) == 0o700


def test_an_existing_readable_database_is_made_private(tmp_path):
    from tests.test_settings import run_manage

    env = {"DEBUG": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    first = run_manage("migrate", "-v0", env=env, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    (tmp_path / "db.sqlite3").chmod(0o644)
    assert run_manage("check", env=env, tmp_path=tmp_path).returncode == 0
    assert mode(tmp_path / "db.sqlite3") == 0o600


def test_the_entry_point_creates_files_private():
    import subprocess

    result = subprocess.run(
        [str(servers.ENTRYPOINT), "sh", "-c", "umask"], capture_output=True, text=True, timeout=30
    )
    assert result.stdout.strip() == "0077"


def test_the_image_keeps_its_data_folders_private_and_upgrades_pip_and_setuptools():
    dockerfile = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    assert "chmod 0700 /data/index /app/var" in dockerfile
    assert "pip install --upgrade pip setuptools" in dockerfile
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --upgrade pip setuptools" in makefile
