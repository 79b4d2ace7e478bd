"""Two web nodes on one PostgreSQL database, each with its own index folder: a measure saved by
a third process (a shell, not the admin) is found by the search of both, without a rebuild."""

from __future__ import annotations

import sys
from urllib.parse import quote

import pytest

from tests import servers

pytestmark = pytest.mark.slow


def test_a_save_from_a_third_process_reaches_both_nodes(tmp_path):
    servers.require_postgres()
    with servers.postgres_database("insatser_nodes") as database_url:
        first = servers.production_environment(
            tmp_path / "a", database_url, PAGE_CACHE_SECONDS="0", WEB_CONCURRENCY="2"
        )
        second = servers.production_environment(
            tmp_path / "b", database_url, PAGE_CACHE_SECONDS="0", WEB_CONCURRENCY="2"
        )
        servers.prepare_site(first)  # migrate, import, index on the first node
        servers.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], second)
        word = "Kvantsprångsvägen"
        url = f"/insatser/?q={quote(word)}"
        with servers.gunicorn(first) as node_a, servers.gunicorn(second) as node_b:
            for node in (node_a, node_b):
                page = servers.fetch(node + url)
                assert page.status == 200 and f"Etablering av {word}" not in page.text
            code = (
                "from catalogue.models import Measure; m = Measure.objects.order_by('pk').first(); "
                f"m.name = 'Etablering av {word}'; m.save()"
            )
            servers.run([sys.executable, "manage.py", "shell", "-v0", "-c", code], first)
            for node in (node_a, node_b):
                page = servers.fetch(node + url)
                assert page.status == 200
                assert f"Etablering av {word}" in page.text, servers.server_log(first)
