"""Deployment: the Dockerfile and docker-compose.yml say what production needs (no Docker engine
runs here, so they are parsed), and the same entry point, settings and gunicorn command serve the
site from PostgreSQL with DEBUG off (exercised for real, without Docker)."""

from __future__ import annotations

import gzip
import json
import re
import shlex
import subprocess
from pathlib import Path

import dj_database_url
import pytest
import yaml

from tests import servers

BASE_DIR = servers.BASE_DIR


# --- Dockerfile -----------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")
    logical, pending = [], ""
    for line in text.splitlines():
        if line.strip().startswith("#") or not line.strip():
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    pairs = []
    for line in logical:
        instruction, _, arguments = line.strip().partition(" ")
        pairs.append((instruction.upper(), " ".join(arguments.split())))
    return pairs


def instruction_values(name: str) -> list[str]:
    return [
        arguments for instruction, arguments in dockerfile_instructions() if instruction == name
    ]


def test_dockerfile_base_image_is_python_311_slim():
    assert instruction_values("FROM") == ["python:3.11-slim"]


def test_dockerfile_installs_only_the_pinned_runtime_requirements():
    runs = instruction_values("RUN")
    pip_runs = [run for run in runs if "pip install" in run]
    # pip and setuptools upgraded first (the base image's setuptools has known CVEs).
    assert pip_runs == ["pip install --upgrade pip setuptools && pip install -r requirements.txt"]
    # Nothing fetched from outside the package registries, no test tools in the image.
    for run in runs:
        assert not re.search(r"\b(curl|wget|git clone|apt-get)\b", run), run
        assert "requirements-dev" not in run
    for line in (BASE_DIR / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert "==" in line, f"unpinned runtime requirement: {line}"


def test_dockerfile_copies_existing_files_and_collects_static():
    for arguments in instruction_values("COPY"):
        *sources, _destination = arguments.split()
        for source in sources:
            assert (BASE_DIR / source).exists(), source
    assert any("collectstatic" in run for run in instruction_values("RUN"))


def test_dockerfile_runs_unprivileged_through_the_entry_point():
    users = instruction_values("USER")
    assert users and users[-1] not in {"root", "0"}
    (entrypoint,) = instruction_values("ENTRYPOINT")
    assert yaml.safe_load(entrypoint) == ["/app/docker/entrypoint.sh"]
    assert yaml.safe_load(instruction_values("CMD")[-1]) == ["web"]
    assert instruction_values("WORKDIR") == ["/app"]
    path = BASE_DIR / "docker" / "entrypoint.sh"
    assert path.stat().st_mode & 0o111, "docker/entrypoint.sh must be executable"


def test_dockerfile_puts_the_index_on_a_volume():
    environment = " ".join(instruction_values("ENV"))
    match = re.search(r"SEARCH_INDEX_DIR=(\S+)", environment)
    assert match
    assert match.group(1) in " ".join(instruction_values("VOLUME"))


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = {
        line.strip()
        for line in (BASE_DIR / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "var"} <= ignored


# --- docker-compose.yml ---------------------------------------------------------------------


def interpolate(value: str) -> str:
    """Compose's ${VAR:-default} and ${VAR:?message}: defaults, and a stand-in for required."""
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), value)
    return re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: f"<{m.group(1)}>", value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_database_init_and_web(compose):
    assert set(compose["services"]) == {"db", "init", "web"}


def test_compose_database_is_postgresql_on_a_named_volume_with_a_healthcheck(compose):
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    volume = db["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data"
    assert volume[0] in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_web_connects_to_that_database_in_production_mode(compose):
    db = compose["services"]["db"]
    for name in ("web", "init"):
        service = compose["services"][name]
        environment = {
            key: interpolate(str(value)) for key, value in service["environment"].items()
        }
        config = dj_database_url.parse(environment["DATABASE_URL"])
        assert config["ENGINE"] == "django.db.backends.postgresql"
        assert config["HOST"] == "db"
        assert config["NAME"] == db["environment"]["POSTGRES_DB"]
        assert config["USER"] == db["environment"]["POSTGRES_USER"]
        assert config["PASSWORD"] == interpolate(db["environment"]["POSTGRES_PASSWORD"])
        assert environment["DEBUG"] == "0"
        # The secret key must be given: compose refuses to start without it.
        assert environment["SECRET_KEY"] == "<SECRET_KEY>"
        assert int(environment["WEB_CONCURRENCY"]) >= 1


def test_compose_web_runs_gunicorn_with_the_index_on_a_volume(compose):
    web = compose["services"]["web"]
    assert web["command"] == ["web"]
    assert web.get("build") == "."
    index_dir = web["environment"]["SEARCH_INDEX_DIR"]
    mounts = dict(reversed(volume.split(":")[:2]) for volume in web["volumes"])
    assert mounts[index_dir] in compose["volumes"]
    assert any(port.endswith(":8000") for port in web["ports"])
    assert web["healthcheck"]["test"][0] == "CMD"


def test_compose_init_runs_once_before_web(compose):
    services = compose["services"]
    assert services["init"]["command"] == ["init"]
    assert services["init"]["restart"] == "no"
    assert services["init"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["web"]["depends_on"]["init"]["condition"] == "service_completed_successfully"


# --- the entry point ----------------------------------------------------------------------


def test_entrypoint_is_valid_bash_and_serves_with_the_documented_gunicorn_flags():
    path = BASE_DIR / "docker" / "entrypoint.sh"
    subprocess.run(["bash", "-n", str(path)], check=True)
    text = path.read_text()
    gunicorn = text[text.index("exec gunicorn") :].split("\n        ;;")[0]
    words = shlex.split(gunicorn.replace("\\\n", " "))
    assert words[:3] == ["exec", "gunicorn", "config.wsgi"]
    assert "--no-control-socket" in words
    assert words[words.index("--workers") + 1] == "${WEB_CONCURRENCY:-3}"
    # `make run` serves through the same entry point.
    assert "docker/entrypoint.sh web" in (BASE_DIR / "Makefile").read_text()


# --- the same in real life: PostgreSQL, DEBUG off, gunicorn ------------------------------


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """The bundled report imported into a fresh PostgreSQL database by `entrypoint.sh init`."""
    servers.require_postgres()
    folder = tmp_path_factory.mktemp("deploy")
    with servers.postgres_database() as database_url:
        env = servers.production_environment(folder, database_url, SECURE_SSL="1")
        servers.prepare_site(env)
        yield env


@pytest.mark.slow
def test_init_imports_into_an_empty_database_only(production_site):
    again = servers.run([str(servers.ENTRYPOINT), "init"], production_site)
    assert "already holds a report" in again.stdout


@pytest.mark.slow
def test_gunicorn_serves_pages_from_postgresql_with_production_settings(production_site):
    https = {"X-Forwarded-Proto": "https"}
    with servers.gunicorn(production_site) as base_url:
        # Plain HTTP is sent to HTTPS (SECURE_SSL), as behind a TLS-terminating proxy.
        redirect = servers.fetch(base_url + "/")
        assert redirect.status == 301
        assert redirect.headers["Location"].startswith("https://")

        home = servers.fetch(base_url + "/", headers=https)
        assert home.status == 200, home.text[:2000]
        assert "max-age=31536000" in home.headers["Strict-Transport-Security"]
        assert "default-src 'self'" in home.headers["Content-Security-Policy"]
        assert home.headers["X-Frame-Options"] == "DENY"

        listing = servers.fetch(base_url + "/insatser/?format=json", headers=https)
        assert listing.status == 200, listing.text[:2000]
        data = json.loads(listing.body)
        assert data["count"] > 500
        first = data["results"][0]
        detail = servers.fetch(base_url + f"/insatser/{first['id']}/", headers=https)
        assert detail.status == 200
        assert first["name"].split()[0] in detail.text

        # Unknown pages are a plain 404, never a debug page.
        missing = servers.fetch(base_url + "/insatser/999999999/", headers=https)
        assert missing.status == 404
        assert "Traceback" not in missing.text and "DEBUG = True" not in missing.text

        # Static files come from whitenoise, compressed, with far-future caching on hashed names.
        links = re.findall(r'(?:href|src)="(/static/[^"]+)"', home.text)
        assert links, "the home page links no static file"
        asset = servers.fetch(base_url + links[0], headers={**https, "Accept-Encoding": "gzip"})
        assert asset.status == 200
        assert "max-age=315360000" in asset.headers.get("Cache-Control", "")
        if asset.headers.get("Content-Encoding") == "gzip":
            assert gzip.decompress(asset.body)


def test_static_root_of_the_image_is_separate_from_the_source():
    """Static files are collected apart from static/ (whitenoise serves the collected copy)."""
    environment = " ".join(instruction_values("ENV"))
    static_root = re.search(r"STATIC_ROOT=(\S+)", environment).group(1)
    assert Path(static_root) != Path("/app/static")


def test_make_run_migrates_imports_collects_and_serves():
    """The README's first command does every step, in order, through the shared entry point."""
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    steps = [
        "manage.py migrate",
        "manage.py collectstatic",
        "manage.py import_report fixtures/tabellbilaga-regionalt-utvecklingsarbete-2023.txt "
        "--if-changed",
        "BIND=127.0.0.1:8123",
        "docker/entrypoint.sh web",
    ]
    positions = [result.stdout.find(step) for step in steps]
    assert -1 not in positions, result.stdout
    assert positions == sorted(positions), result.stdout
