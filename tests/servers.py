"""Helpers for tests that run the site as production does: a database of its own, the bundled
report imported with the real command, and gunicorn started through docker/entrypoint.sh.

Used by tests/test_deploy.py and tests/test_load.py. Everything runs on loopback.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
REPORT = BASE_DIR / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
ENTRYPOINT = BASE_DIR / "docker" / "entrypoint.sh"
POSTGRES_ADMIN_URL = os.environ.get(
    "POSTGRES_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
# Settings read from the environment; the parent's values must not leak into a child server.
SETTINGS_VARIABLES = {
    "DATABASE_URL",
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "SECURE_SSL",
    "ALLOWED_HOSTS",
    "SEARCH_INDEX_DIR",
    "STATIC_ROOT",
    "VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
    "WEB_CONCURRENCY",
    "BIND",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(_libpq_url(POSTGRES_ADMIN_URL), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def require_postgres() -> None:
    """Skip without a PostgreSQL server, except in CI, where it is a failure."""
    if postgres_available():
        return
    message = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _libpq_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@contextlib.contextmanager
def postgres_database(prefix: str = "insatser_test") -> Iterator[str]:
    """Create an empty PostgreSQL database for one test module; drop it afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq_url(POSTGRES_ADMIN_URL), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(_libpq_url(POSTGRES_ADMIN_URL), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_environment(folder: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production process: DEBUG off, a real key, its own folders."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "VAR_DIR": str(folder / "var"),
            "STATIC_ROOT": str(folder / "static"),
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "WEB_CONCURRENCY": "2",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result


def prepare_site(env: dict[str, str]) -> None:
    """Collect static files, migrate and import the bundled report, as the image's init does."""
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    run([str(ENTRYPOINT), "init"], env)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> Response:
    """GET without following redirects; HTTP errors are returned, not raised."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Response(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers.items()), error.read())


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, startup_timeout: float = 120) -> Iterator[str]:
    """Serve with `docker/entrypoint.sh web` (the production command) on a free loopback port."""
    port = free_port()
    env = {**env, "BIND": f"127.0.0.1:{port}"}
    log_path = Path(env["VAR_DIR"]).parent / f"gunicorn-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(ENTRYPOINT), "web"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"gunicorn exited {process.returncode}:\n{log_path.read_text()}"
                )
            try:
                fetch(base_url + "/", headers={"X-Forwarded-Proto": "https"}, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"gunicorn did not answer in {startup_timeout} s:\n{log_path.read_text()}"
                    ) from None
                time.sleep(0.3)
        yield base_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def server_log(env: dict[str, str]) -> str:
    """Everything the test's gunicorn servers wrote (to show on failure)."""
    folder = Path(env["VAR_DIR"]).parent
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.glob("gunicorn-*.log")))
