"""Production settings: `check --deploy` is clean when configured for HTTPS, and headers are set."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECURE_SSL",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DJANGO_SETTINGS_MODULE",
}


def run_manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run manage.py in a child process: settings are read from the environment at import."""
    child_env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    child_env.update({"VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_https_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"DEBUG": "0", "SECURE_SSL": "1", "SECRET_KEY": secrets.token_urlsafe(64)},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_check_deploy_warns_without_https(tmp_path):
    """The HTTPS-only protections really are switched by SECURE_SSL (the test above can fail)."""
    result = run_manage(
        "check",
        "--deploy",
        env={"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64)},
        tmp_path=tmp_path,
    )
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


def test_check_deploy_warns_with_debug_on(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        env={"DEBUG": "1", "SECURE_SSL": "1", "SECRET_KEY": secrets.token_urlsafe(64)},
        tmp_path=tmp_path,
    )
    assert "security.W018" in result.stdout + result.stderr


def test_missing_secret_key_file_is_an_error(tmp_path):
    result = run_manage(
        "check",
        env={"DEBUG": "0", "SECRET_KEY_FILE": str(tmp_path / "nowhere")},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr


def test_local_secret_key_is_made_once_and_kept_private(tmp_path):
    first = run_manage("check", env={"DEBUG": "0"}, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text(encoding="utf-8")
    assert len(key) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
    run_manage("check", env={"DEBUG": "0"}, tmp_path=tmp_path)
    assert key_file.read_text(encoding="utf-8") == key


@pytest.mark.django_db
def test_security_headers_on_pages(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_inline_scripts_in_templates():
    """The CSP forbids inline scripts, so no template may carry one or an event attribute."""
    offenders = []
    for template in (BASE_DIR / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text, flags=re.IGNORECASE):
            if "src=" not in match.group(1):
                offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text, flags=re.IGNORECASE):
            offenders.append(f"{template}: event handler attribute")
        if re.search(r"javascript:", text, flags=re.IGNORECASE):
            offenders.append(f"{template}: javascript: URL")
    assert offenders == []


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy trusted: the header is the client's to forge
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # a forged first entry is ignored
        (2, "203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "10.0.0.9", "10.0.0.2"),  # fewer entries than proxies: not trusted
        (1, "", "10.0.0.2"),
    ],
)
def test_lockout_reads_the_client_address_behind_proxies(monkeypatch, proxies, forwarded, expected):
    from django.test import RequestFactory

    from config import settings as config

    monkeypatch.setattr(config, "PROXY_COUNT", proxies)
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert config.client_ip_address(request) == expected
