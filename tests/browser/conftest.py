"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's
live_server, with a small catalogue and a real search index in a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an event loop running in the main thread while it is open, and
    the tests' ORM calls are synchronous: Django's async-safety check is relaxed for exactly that
    time (and never for other modules, whose subprocesses would inherit it).
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, settings, tmp_path):
    """The live server's URL, with the small catalogue imported and indexed."""
    from catalogue import search

    settings.STORAGES = PLAIN_STORAGES
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    search.reset()
    rerun_data_migrations()
    catalogue = build_catalogue()
    search.rebuild()
    live_server.catalogue = catalogue
    yield live_server
    search.reset()


def rerun_data_migrations(app_label: str = "catalogue") -> None:
    """Run the app's data migrations again (the reference data, the editor group): a
    transactional test's flush empties the tables they filled. They run with the models of the
    latest migration, not their own historical ones: the tables have today's columns, and a
    column added since (Goal.objective, NOT NULL) gets its default only from today's model. They
    are idempotent."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    names = [
        name
        for app, name in loader.graph.forwards_plan(
            max(node for node in loader.graph.leaf_nodes() if node[0] == app_label)
        )
        if app == app_label
    ]
    state = loader.project_state()
    for name in names:
        migration = loader.get_migration(app_label, name)
        operations = [op for op in migration.operations if isinstance(op, RunPython)]
        if not operations:
            continue
        with connection.schema_editor() as schema_editor:
            for operation in operations:
                operation.code(state.apps, schema_editor)


def _new_page(browser, *, width=1280, locale="sv-SE"):
    # bypass_csp: the site's Content-Security-Policy forbids injected scripts such as axe-core.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale=locale, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context, page = _new_page(browser, width=390)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (vendored) on the page; return its violations, simplified for messages."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                 'best-practice']},
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }"""
    )
    return result
