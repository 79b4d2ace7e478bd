"""A short, bounded load test on loopback: gunicorn with production settings on this run's database
(SQLite by default, PostgreSQL with DATABASE_URL) answers every request, also while a new import
of the report is committed; readers see the old data or the new, never a mix.

The long version (64 clients × 60 s, with latency figures) is bench/run.py; nothing here is timed.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings

from bench.loadgen import run_load
from tests import servers

pytestmark = pytest.mark.slow

CLIENTS = 16
SECONDS = 10


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The bundled report imported by `entrypoint.sh init` into a database of this run's kind."""
    folder = tmp_path_factory.mktemp("load")
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        servers.require_postgres()
        with servers.postgres_database("insatser_load") as database_url:
            env = servers.production_environment(folder, database_url)
            servers.prepare_site(env)
            yield env
    else:
        env = servers.production_environment(folder, f"sqlite:///{folder / 'db.sqlite3'}")
        servers.prepare_site(env)
        yield env


def catalogue_json(base_url: str) -> dict:
    response = servers.fetch(base_url + "/insatser/?format=json")
    assert response.status == 200, response.text[:1000]
    return json.loads(response.body)


def page_paths(base_url: str) -> list[str]:
    """Home, a search with facets, a filtered list, measure pages and the CSV export."""
    measures = catalogue_json(base_url)["results"]
    regions = json.loads(servers.fetch(base_url + "/regioner/?format=json").body)
    regions = regions["results"] if isinstance(regions, dict) else regions
    slug = regions[0]["slug"]
    return [
        "/",
        "/insatser/?q=energi",
        f"/insatser/?region={slug}&chapter=3",
        f"/insatser/{measures[0]['id']}/",
        f"/insatser/{measures[len(measures) // 2]['id']}/",
        "/insatser/?format=csv",
        "/regioner/",
    ]


def test_load_on_loopback_ends_without_errors(site):
    with servers.gunicorn(site) as base_url:
        paths = page_paths(base_url)
        for path in paths:
            assert servers.fetch(base_url + path).status == 200, path
        result = run_load(
            base_url, paths, clients=CLIENTS, duration=SECONDS, max_requests=50_000, timeout=30
        )
    assert result.requests > CLIENTS, result.summary()
    assert result.errors == 0, (result.summary(), result.error_samples, servers.server_log(site))
    assert set(result.statuses) == {200}, result.summary()


def report_with_one_more_measure(folder: Path) -> Path:
    """The bundled report with one extra measure row: a real row of chapter 1 under a new name."""
    lines = servers.REPORT.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("Blekinge\t"))
    cells = lines[index].split("\t")
    cells[1] = "Lasttestets tillagda insats"
    path = folder / "report-plus-one.txt"
    path.write_text("\n".join([*lines[: index + 1], "", "\t".join(cells), *lines[index + 1 :]]))
    return path


def test_import_during_load_fails_no_request_and_readers_see_old_or_new(site, tmp_path):
    with servers.gunicorn(site) as base_url:
        before = catalogue_json(base_url)["count"]
        paths = page_paths(base_url)
        seen_counts: list[int] = []
        reader_errors: list[str] = []
        stop = threading.Event()

        def read_counts() -> None:
            while not stop.is_set():
                try:
                    seen_counts.append(catalogue_json(base_url)["count"])
                except (AssertionError, OSError, ValueError) as error:
                    reader_errors.append(repr(error)[:300])

        reader = threading.Thread(target=read_counts, daemon=True)
        outcome = {}
        loader = threading.Thread(
            target=lambda: outcome.update(
                result=run_load(base_url, paths, clients=8, duration=SECONDS, timeout=30)
            ),
            daemon=True,
        )
        reader.start()
        loader.start()
        imported = servers.run(
            [
                sys.executable,
                "manage.py",
                "import_report",
                str(report_with_one_more_measure(tmp_path)),
            ],
            site,
        )
        loader.join(SECONDS + 60)
        stop.set()
        reader.join(60)
        after = catalogue_json(base_url)["count"]

    result = outcome["result"]
    assert result.errors == 0, (result.summary(), result.error_samples, imported.stdout)
    assert after == before + 1, imported.stdout
    assert reader_errors == []
    assert seen_counts and set(seen_counts) <= {before, after}, sorted(set(seen_counts))
