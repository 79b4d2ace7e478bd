"""The admin: pages for superusers and editors, curation on save, index updates, history, roles."""

import hashlib
import importlib
from datetime import date

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from catalogue import admin as catalogue_admin
from catalogue import admin_index
from catalogue.models import (
    AllocationAnswer,
    Chapter,
    ErrorReport,
    Goal,
    Measure,
    NoMeasures,
    Project,
    ProjectIndicator,
    Region,
    Report,
)

editor_group_migration = importlib.import_module("catalogue.migrations.0003_editor_group")


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run without collectstatic: no manifest of hashed file names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def report(db):
    return Report.objects.create(
        title="Tabellbilaga, Regionalt utvecklingsarbete 2023",
        year=2023,
        number="0480",
        source_name="tabellbilaga.txt",
        checksum="0" * 64,
    )


@pytest.fixture
def measure(report):
    measure = Measure.objects.create(
        report=report,
        region=Region.objects.get(name="Skåne"),
        chapter=Chapter.objects.get(number=1),
        name="Innovationsslussen",
        description_html="<p>Stöd till små företag som vill växa.</p>",
        description="Stöd till små företag som vill växa.",
        outputs_html="<p>40 företag fick rådgivning.</p>",
        outputs="40 företag fick rådgivning.",
        source_key="1-skane-innovationsslussen-1",
        source_line=120,
        imported={
            "name": "Innovationsslussen",
            "description_html": "<p>Stöd till små företag som vill växa.</p>",
            "outputs_html": "<p>40 företag fick rådgivning.</p>",
            "outputs": "40 företag fick rådgivning.",
            "effects_html": "",
            "goals_html": "",
            "region": "12",
            "chapter": 1,
            "goals": ["agenda2030:8"],
        },
    )
    measure.goals.add(Goal.objects.get(sdg=8))
    return measure


@pytest.fixture
def catalogue_objects(measure):
    """One object of every catalogue model (regions, chapters and SDGs come from migrations)."""
    report = measure.report
    region = measure.region
    project = Project.objects.create(
        report=report,
        region=Region.objects.get(name="Gotland"),
        nyps_id="20301234",
        title="Besöksnäring året runt",
        status=Project.Status.GRANTED,
        start=date(2023, 1, 1),
        source_line=9000,
    )
    return {
        "report": report,
        "region": region,
        "chapter": measure.chapter,
        "goal": Goal.objects.get(sdg=8),
        "measure": measure,
        "nomeasures": NoMeasures.objects.create(
            report=report,
            region=region,
            chapter=Chapter.objects.get(number=2),
            text="Inga insatser.",
            source_line=300,
        ),
        "allocationanswer": AllocationAnswer.objects.create(
            report=report,
            region=region,
            question=1,
            answer="ja",
            text_html="<p>För att det behövdes.</p>",
            text="För att det behövdes.",
            source_line=8000,
        ),
        "project": project,
        "projectindicator": ProjectIndicator.objects.create(
            project=project, name="Antal nya företag", target="10", outcome="4"
        ),
        "errorreport": ErrorReport.objects.create(measure=measure, message="Fel region."),
    }


@pytest.fixture
def editor(db):
    user = User.objects.create_user("redaktor", password="not-used-here-8472", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktör"))
    return user


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def index_calls(monkeypatch):
    """Record the admin's calls to the search module (the real one is tested separately)."""
    calls = []

    class FakeSearch:
        @staticmethod
        def record_changes(ids):  # the change log, in the save's transaction
            calls.append(("log", sorted(ids)))

        @staticmethod
        def catch_up():  # this node applies the log after the commit
            calls.append(("apply",))

    monkeypatch.setattr(admin_index, "_search_module", lambda: FakeSearch)
    return calls


def admin_url(obj, view="change"):
    name = f"admin:catalogue_{obj._meta.model_name}_{view}"
    return reverse(name, args=[obj.pk] if view in {"change", "delete", "history"} else [])


def changeform_data(response) -> dict:
    """The POST data a browser would send for the change form as rendered."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    inlines = response.context.get("inline_admin_formsets", [])  # none on a revert form
    for inline in inlines:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value not in (None, False):
                    data[subform.add_prefix(name)] = value
    return data


def save_measure(client, measure, **changes):
    response = client.get(admin_url(measure))
    assert response.status_code == 200
    data = {**changeform_data(response), **changes}
    response = client.post(admin_url(measure), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# ---------------------------------------------------------------------------------------------
# Every page opens, for a superuser and for an editor

MODELS = [
    "report",
    "region",
    "chapter",
    "goal",
    "measure",
    "nomeasures",
    "allocationanswer",
    "project",
    "projectindicator",
    "errorreport",
]
EDITOR_ADDS = {"goal", "measure", "allocationanswer", "project", "projectindicator"}
EDITOR_CHANGES = EDITOR_ADDS | {"errorreport"}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_admin_pages_open(who, model, catalogue_objects, admin_client, editor_client):
    client = admin_client if who == "superuser" else editor_client
    obj = catalogue_objects[model]

    changelist = client.get(admin_url(obj, "changelist"))
    assert changelist.status_code == 200
    change = client.get(admin_url(obj))
    assert change.status_code == 200
    add = client.get(admin_url(obj, "add"))
    may_add = model != "errorreport" and (who == "superuser" or model in EDITOR_ADDS)
    assert add.status_code == (200 if may_add else 403)
    if who == "editor":
        # View-only models render without a save button.
        assert (b'name="_save"' in change.content) == (model in EDITOR_CHANGES)


@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_history_pages_open(who, catalogue_objects, admin_client, editor_client):
    client = admin_client if who == "superuser" else editor_client
    for model in ("measure", "goal", "allocationanswer", "project"):
        obj = catalogue_objects[model]
        if not obj.history.exists():  # reference data seeded by a migration has no history yet
            obj.save()
        assert client.get(admin_url(obj, "history")).status_code == 200
        record = obj.history.first()
        url = reverse(f"admin:catalogue_{model}_simple_history", args=[obj.pk, record.pk])
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "q=företag",
        "goals__framework__exact=agenda2030",
        "goals__sdg=8",
        "curated__exact=0",
        "chapter__id__exact=1",
        "updated__year=2026&updated__month=1",
        "o=-6",
    ],
)
def test_measure_changelist_filters_and_search(query, measure, editor_client):
    response = editor_client.get(admin_url(measure, "changelist") + "?" + query)
    assert response.status_code == 200  # an unknown filter would redirect with ?e=1


def test_measure_changelist_search_finds_text(measure, editor_client):
    url = admin_url(measure, "changelist")
    assert b"Innovationsslussen" in editor_client.get(url + "?q=rådgivning").content
    assert b"Innovationsslussen" not in editor_client.get(url + "?q=tandvård").content


def test_autocomplete_for_region_chapter_and_goals(measure, editor_client):
    base = reverse("admin:autocomplete")
    for model, field, term, expected in [
        ("measure", "region", "Skå", "Skåne"),
        ("measure", "chapter", "kompetens", "2 Kompetensförsörjning"),
        ("measure_goals", "goal", "Anständiga", "Mål 8"),
    ]:
        response = editor_client.get(
            base,
            {"app_label": "catalogue", "model_name": model, "field_name": field, "term": term},
        )
        assert response.status_code == 200, (model, field)
        texts = [result["text"] for result in response.json()["results"]]
        assert any(expected in text for text in texts), (field, texts)


def test_editor_cannot_open_users_or_groups(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = editor_client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:auth_user_changelist").encode() not in index.content
    assert reverse("admin:catalogue_measure_changelist").encode() in index.content


def test_editor_group_migration_is_idempotent(db):
    group = Group.objects.get(name="Redaktör")
    before = set(group.permissions.values_list("codename", flat=True))
    editor_group_migration.create_editor_group(global_apps, None)
    editor_group_migration.create_editor_group(global_apps, None)
    assert Group.objects.filter(name="Redaktör").count() == 1
    assert set(group.permissions.values_list("codename", flat=True)) == before
    assert {"change_measure", "change_goal", "change_project", "change_errorreport"} <= before
    assert not group.permissions.exclude(content_type__app_label="catalogue").exists()
    assert "change_region" not in before


# ---------------------------------------------------------------------------------------------
# Saving and deleting


def test_saving_marks_curated_and_derives_plain_text(measure, admin_client, index_calls):
    assert not measure.curated
    save_measure(
        admin_client,
        measure,
        name="Innovationsslussen  Skåne",
        outputs_html="<p>Ett</p><p>två</p><ul><li>tre</li><li>fyra &amp; fem</li></ul>",
    )
    measure.refresh_from_db()
    assert measure.curated
    assert measure.name == "Innovationsslussen Skåne"
    assert measure.outputs == "Ett\ntvå\ntre\nfyra & fem"
    assert measure.imported["name"] == "Innovationsslussen"  # provenance untouched


def test_hostile_html_is_sanitized(measure, admin_client, index_calls):
    hostile = (
        '<p onclick="steal()">Bra <script>alert("x")</script><b>text</b>'
        '<a href="javascript:alert(1)">länk</a><img src=x onerror="alert(2)">'
        "<style>body{display:none}</style><iframe src=//evil></iframe></p>"
    )
    save_measure(admin_client, measure, description_html=hostile)
    measure.refresh_from_db()
    assert measure.description_html == "<p>Bra <b>text</b>länk</p>"
    assert measure.description == "Bra textlänk"
    page = admin_client.get(admin_url(measure)).content.decode()
    assert "alert(" not in page and "onerror" not in page and "steal()" not in page


def test_save_updates_the_index_after_commit(
    measure, admin_client, index_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        save_measure(admin_client, measure, name="Nytt namn")
        assert index_calls == [("log", [measure.pk])]  # the index is not touched before commit
    assert len(callbacks) == 1
    assert index_calls == [("log", [measure.pk]), ("apply",)]


def test_delete_removes_from_the_index(
    measure, admin_client, index_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_url(measure, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not Measure.objects.filter(pk=measure.pk).exists()
    assert index_calls == [("log", [measure.pk]), ("apply",)]


def test_bulk_delete_removes_all_from_the_index(
    measure, admin_client, index_calls, django_capture_on_commit_callbacks
):
    other = Measure.objects.create(
        report=measure.report,
        region=measure.region,
        chapter=measure.chapter,
        name="Andra",
        source_key="x",
        source_line=1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            admin_url(measure, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [measure.pk, other.pk],
                "post": "yes",
            },
        )
    assert Measure.objects.count() == 0
    assert index_calls == [("log", sorted([measure.pk, other.pk])), ("apply",)]


def test_index_failure_keeps_the_save_and_tells_the_editor(measure, admin_client, monkeypatch):
    class BrokenSearch:
        @staticmethod
        def record_changes(ids):
            pass

        @staticmethod
        def catch_up():
            raise OSError("index locked")

    monkeypatch.setattr(admin_index, "_search_module", lambda: BrokenSearch)
    # In production the callback runs as the admin view's transaction commits, inside the
    # request; the test's outer transaction never commits, so run it at once instead.
    monkeypatch.setattr(admin_index.transaction, "on_commit", lambda func, **kw: func())
    save_measure(admin_client, measure, name="Sparas ändå")
    measure.refresh_from_db()
    assert measure.name == "Sparas ändå"
    page = admin_client.get(admin_url(measure, "changelist")).content.decode()
    assert "sökindexet kunde inte uppdateras" in page


def test_goal_inline_edits_links_and_history_records_them(measure, admin_client, index_calls):
    response = admin_client.get(admin_url(measure))
    data = changeform_data(response)
    prefix = response.context["inline_admin_formsets"][0].formset.prefix
    climate = Goal.objects.get(sdg=13)
    data[f"{prefix}-TOTAL_FORMS"] = 2
    data[f"{prefix}-1-goal"] = climate.pk
    data[f"{prefix}-1-measure"] = measure.pk
    response = admin_client.post(admin_url(measure), data)
    assert response.status_code == 302
    assert set(measure.goals.values_list("sdg", flat=True)) == {8, 13}
    latest = measure.history.first()
    assert {row.goal_id for row in latest.goals.all()} == {Goal.objects.get(sdg=8).pk, climate.pk}
    previous = latest.prev_record
    changed = {change.field for change in latest.diff_against(previous).changes}
    assert "goals" in changed


# ---------------------------------------------------------------------------------------------
# History, revert and the imported original


def test_history_shows_who_when_and_what(measure, editor_client, editor, index_calls):
    save_measure(editor_client, measure, name="Innovationsslussen i Skåne")
    page = editor_client.get(admin_url(measure, "history")).content.decode()
    assert editor.username in page
    assert "Innovationsslussen i Skåne" in page
    assert measure.history.first().history_user == editor


def test_revert_restores_the_earlier_text(
    measure, editor_client, index_calls, django_capture_on_commit_callbacks
):
    original = measure.history.earliest()
    save_measure(editor_client, measure, description_html="<p>Fel text.</p>")
    measure.refresh_from_db()
    assert measure.description == "Fel text."

    url = reverse("admin:catalogue_measure_simple_history", args=[measure.pk, original.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, changeform_data(response))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.description_html == "<p>Stöd till små företag som vill växa.</p>"
    assert measure.description == "Stöd till små företag som vill växa."
    assert measure.curated
    assert str(measure.history.first().history_change_reason).startswith("Återställd")
    assert index_calls[-2:] == [("log", [measure.pk]), ("apply",)]


def test_revert_restores_the_goal_links_too(measure, editor_client, index_calls):
    sdg8, sdg13 = Goal.objects.get(sdg=8), Goal.objects.get(sdg=13)
    save_measure(editor_client, measure)  # a version that links SDG 8 only
    version = measure.history.first()
    assert [link.goal_id for link in version.goals.all()] == [sdg8.pk]
    measure.goals.set([sdg13])
    save_measure(editor_client, measure, name="Innovationsslussen (klimat)")
    assert list(measure.history.first().goals.values_list("goal_id", flat=True)) == [sdg13.pk]

    url = reverse("admin:catalogue_measure_simple_history", args=[measure.pk, version.pk])
    response = editor_client.post(url, changeform_data(editor_client.get(url)))
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.name == "Innovationsslussen"
    assert list(measure.goals.all()) == [sdg8]
    assert list(measure.history.first().goals.values_list("goal_id", flat=True)) == [sdg8.pk]


def test_revert_keeps_the_latest_imported_original(measure, editor_client, index_calls):
    original = measure.history.earliest()
    # A later import refreshed what the source says.
    measure.imported = {**measure.imported, "name": "Innovationsslussen 2.0"}
    measure.save()
    url = reverse("admin:catalogue_measure_simple_history", args=[measure.pk, original.pk])
    editor_client.post(url, changeform_data(editor_client.get(url)))
    measure.refresh_from_db()
    assert measure.imported["name"] == "Innovationsslussen 2.0"


def test_change_page_shows_the_source_diff_and_the_original(measure, admin_client, index_calls):
    save_measure(admin_client, measure, name="Innovationsslussen Syd")
    page = admin_client.get(admin_url(measure)).content.decode()
    assert "<ins>Syd</ins>" in page
    assert "källan säger" in page
    original = page.split('<dl class="imported-original">')[1].split("</dl>")[0]
    assert "<p>40 företag fick rådgivning.</p>" in original  # the HTML rendered as text
    assert "&lt;p&gt;" not in original
    assert "<dt>outputs</dt>" not in original  # the plain twin of outputs_html is not repeated


def test_the_original_names_goals_region_and_chapter_as_readers_know_them(measure, admin_client):
    """The imported JSON holds goal keys, a region code and a chapter number: the page shows
    the goal's title, the region's name and the chapter's title instead (a key whose goal is
    gone stays a key), and no JSON."""
    measure.imported = {**measure.imported, "goals": ["agenda2030:8", "rus:12:borttaget:abc"]}
    measure.save()
    page = admin_client.get(admin_url(measure)).content.decode()
    original = page.split('<dl class="imported-original">')[1].split("</dl>")[0]
    goals = original.split("<dt>Mål</dt>")[1].split("</dd>")[0]
    assert (
        "<p>Mål 8: Anständiga arbetsvillkor och ekonomisk tillväxt<br>"
        "rus:12:borttaget:abc (finns inte längre)</p>"
    ) in goals
    assert "agenda2030:8" not in goals
    assert "<dt>Region</dt><dd>Skåne</dd>" in original
    assert f"<dt>Kapitel</dt><dd>{measure.chapter}</dd>" in original
    assert "<pre>" not in original


def test_a_projects_original_shows_labels_and_lists(catalogue_objects, admin_client):
    project = catalogue_objects["project"]
    project.imported = {"status": "granted", "partners": ["Tillväxt Gotland"], "region": "09"}
    project.save()
    page = admin_client.get(admin_url(project)).content.decode()
    original = page.split('<dl class="imported-original">')[1].split("</dl>")[0]
    assert "<dd>Beviljat</dd>" in original
    assert "<dd><p>Tillväxt Gotland</p></dd>" in original
    assert "<dd>Gotland</dd>" in original


def test_change_page_says_when_nothing_differs(measure, admin_client):
    page = admin_client.get(admin_url(measure)).content.decode()
    assert "Texten är densamma som i källan." in page


# ---------------------------------------------------------------------------------------------
# Bulk actions


def post_action(client, measure, action, ids, **extra):
    return client.post(
        admin_url(measure, "changelist"),
        {"action": action, "_selected_action": ids, **extra},
    )


def test_mark_and_unmark_curated(
    measure, editor_client, index_calls, django_capture_on_commit_callbacks
):
    versions = measure.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        post_action(editor_client, measure, "mark_curated", [measure.pk])
    measure.refresh_from_db()
    assert measure.curated
    assert index_calls == [("log", [measure.pk]), ("apply",)]
    post_action(editor_client, measure, "unmark_curated", [measure.pk])
    measure.refresh_from_db()
    assert not measure.curated
    assert measure.history.count() == versions + 2  # each change is recorded


def test_reassign_chapter_asks_then_moves(
    measure, editor_client, index_calls, django_capture_on_commit_callbacks
):
    response = post_action(editor_client, measure, "reassign_chapter", [measure.pk])
    assert response.status_code == 200
    assert b"Nytt kapitel" in response.content
    # Chapter 8 (appropriation 1:1) holds no measures, so it is not offered.
    assert list(response.context["form"].fields["chapter"].queryset) == list(
        Chapter.objects.exclude(number=8)
    )
    chapter3 = Chapter.objects.get(number=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(
            editor_client,
            measure,
            "reassign_chapter",
            [measure.pk],
            chapter=chapter3.pk,
            apply="1",
        )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.chapter == chapter3
    assert measure.curated
    assert index_calls == [("log", [measure.pk]), ("apply",)]


def test_reindex_selection(measure, editor_client, index_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_action(editor_client, measure, "reindex", [measure.pk])
    assert index_calls == [("log", [measure.pk]), ("apply",)]


def test_accept_source_version(measure, editor_client, index_calls):
    save_measure(editor_client, measure, name="Redigerat namn", outputs_html="<p>Annat.</p>")
    measure.refresh_from_db()
    assert measure.curated
    post_action(editor_client, measure, "accept_source_version", [measure.pk])
    measure.refresh_from_db()
    assert measure.name == "Innovationsslussen"
    assert measure.outputs_html == "<p>40 företag fick rådgivning.</p>"
    assert measure.outputs == "40 företag fick rådgivning."
    assert not measure.curated


def test_accept_source_version_leaves_hand_made_measures(measure, editor_client, index_calls):
    measure.imported = {}
    measure.name = "Skapad för hand"
    measure.save()
    response = post_action(editor_client, measure, "accept_source_version", [measure.pk])
    measure.refresh_from_db()
    assert measure.name == "Skapad för hand"
    assert response.status_code == 302


def test_add_measure_by_hand(report, admin_client, index_calls):
    response = admin_client.get(reverse("admin:catalogue_measure_add"))
    data = changeform_data(response)
    data.update(
        name="Ny insats",
        region=Region.objects.get(name="Gotland").pk,
        chapter=Chapter.objects.get(number=2).pk,
        report=report.pk,
        source_line=1,
        description_html="<p>Text</p>",
    )
    response = admin_client.post(reverse("admin:catalogue_measure_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Measure.objects.get(name="Ny insats")
    assert created.curated and created.description == "Text"
    assert created.source_key.startswith("admin-")


# ---------------------------------------------------------------------------------------------
# Other curated models and the review queue


def test_allocation_answer_save_sanitizes_and_curates(catalogue_objects, editor_client):
    answer = catalogue_objects["allocationanswer"]
    response = editor_client.get(admin_url(answer))
    data = changeform_data(response)
    data["text_html"] = "<p>Svar<script>x()</script></p><p>två</p>"
    assert editor_client.post(admin_url(answer), data).status_code == 302
    answer.refresh_from_db()
    assert answer.text_html == "<p>Svar</p><p>två</p>"
    assert answer.text == "Svar\ntvå"
    assert answer.curated


def test_goal_edit_reindexes_its_measures(
    measure, editor_client, index_calls, django_capture_on_commit_callbacks
):
    goal = Goal.objects.get(sdg=8)
    response = editor_client.get(admin_url(goal))
    data = changeform_data(response)
    data["title"] = "Anständiga arbetsvillkor och ekonomisk tillväxt (redigerad)"
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_client.post(admin_url(goal), data).status_code == 302
    goal.refresh_from_db()
    assert goal.curated
    assert index_calls == [("log", [measure.pk]), ("apply",)]


def test_error_report_queue(catalogue_objects, editor_client):
    report = catalogue_objects["errorreport"]
    page = editor_client.get(admin_url(report, "changelist") + "?status__exact=new")
    assert b"Fel region." in page.content
    editor_client.post(
        admin_url(report, "changelist"),
        {"action": "mark_done", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == ErrorReport.Status.DONE


# ---------------------------------------------------------------------------------------------
# Unit: sanitizing and diffing


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<p>Hej</p>", "<p>Hej</p>"),
        ('<p class="x" style="color:red">Hej</p>', "<p>Hej</p>"),
        ("<div><span>Hej</span></div>", "Hej"),
        (
            "<b>a</b><strong>b</strong><i>c</i><em>d</em><br>",
            "<b>a</b><strong>b</strong><i>c</i><em>d</em><br>",
        ),
        ("<ul><li>x</li></ul><ol><li>y</li></ol>", "<ul><li>x</li></ul><ol><li>y</li></ol>"),
        ("<script>alert(1)</script>Text", "Text"),
        ("<p>a < b & c</p>", "<p>a &lt; b &amp; c</p>"),
        ("<p>Öppen", "<p>Öppen</p>"),
        ("", ""),
    ],
)
def test_sanitize_html(raw, clean):
    assert catalogue_admin.sanitize_html(raw) == clean


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<p>ett</p><p>två</p>", "ett\ntvå"),
        ("<ul><li>tre</li><li>fyra</li></ul>", "tre\nfyra"),
        ("rad<br>rad<br/>rad", "rad\nrad\nrad"),
        ("<p>a &amp; b &lt;c&gt;</p>", "a & b <c>"),
        ("<p>  mycket   luft </p>", "mycket luft"),
        ("<b>fet</b>text", "fettext"),
    ],
)
def test_html_to_text(raw, text):
    assert catalogue_admin.html_to_text(raw) == text


def test_word_diff_marks_removed_and_added_words_and_escapes():
    old, new = catalogue_admin.word_diff("Stöd till <små> företag", "Stöd till stora företag")
    assert old == "Stöd till <del>&lt;små&gt;</del> företag"
    assert new == "Stöd till <ins>stora</ins> företag"


def test_user_admin_still_works_for_superuser(admin_client):
    assert admin_client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert Permission.objects.filter(codename="change_measure").exists()


def test_source_diff_covers_region_chapter_and_goals(measure, admin_client, index_calls):
    gotland = Region.objects.get(name="Gotland")
    save_measure(admin_client, measure, region=gotland.pk, chapter=Chapter.objects.get(number=2).pk)
    measure.goals.set([Goal.objects.get(sdg=13)])
    page = admin_client.get(admin_url(measure)).content.decode()
    assert "<del>Skåne</del>" in page and "<ins>Gotland</ins>" in page
    assert "<del>1 Likvärdiga" in page  # chapter 1 in the source
    assert "<del>8: Anständiga" in page and "<ins>13: Bekämpa" in page

    post_action(admin_client, measure, "accept_source_version", [measure.pk])
    measure.refresh_from_db()
    assert measure.region.name == "Skåne"
    assert measure.chapter.number == 1
    assert list(measure.goals.values_list("sdg", flat=True)) == [8]
    assert (
        "Texten är densamma som i källan." in admin_client.get(admin_url(measure)).content.decode()
    )


# ---------------------------------------------------------------------------------------------
# The real search index: the public search finds an admin's wording at once


@pytest.fixture
def search_index(measure, tmp_path, settings):
    from catalogue import search

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    search.reset()
    assert search.rebuild() == 1
    yield search
    search.reset()


def test_public_search_finds_the_new_wording_at_once(
    measure, search_index, admin_client, client, django_capture_on_commit_callbacks
):
    assert search_index.search("Vätgasdalen").ids == []
    with django_capture_on_commit_callbacks(execute=True):
        save_measure(admin_client, measure, name="Vätgasdalen i Skåne")
    assert search_index.search("Vätgasdalen").ids == [measure.pk]
    page = client.get(reverse("catalogue:measure-list"), {"q": "Vätgasdalen"})
    assert page.status_code == 200
    assert "Vätgasdalen i Skåne" in page.content.decode()
    assert search_index.search("Innovationsslussen").ids == []  # the old name is gone


def test_deleted_measure_leaves_the_index(
    measure, search_index, admin_client, django_capture_on_commit_callbacks
):
    assert search_index.search("Innovationsslussen").ids == [measure.pk]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(admin_url(measure, "delete"), {"post": "yes"})
    assert search_index.search("Innovationsslussen").ids == []


# ---------------------------------------------------------------------------------------------
# Login protection (django-axes)

LOGIN_LIMIT = 5


@pytest.fixture
def chef(db):
    return User.objects.create_superuser("chef", password="rätt-lösenord-4711")


def login(client, password, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": "chef", "password": password, "next": "/admin/"},
        **extra,
    )


def test_login_works_with_the_right_password(chef, client):
    response = login(client, "rätt-lösenord-4711")
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_login_lockout_after_repeated_failures(chef, client, settings):
    assert settings.AXES_FAILURE_LIMIT == LOGIN_LIMIT
    for attempt in range(1, LOGIN_LIMIT):
        assert login(client, f"gissning-{attempt}").status_code == 200  # the form, with an error
    assert login(client, "gissning-5").status_code == 429  # the limit is reached
    # Now even the right password is refused, and no session is made.
    response = login(client, "rätt-lösenord-4711")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # to the login page
    # The lock is for this username from this address: the editor elsewhere still gets in.
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert login(elsewhere, "rätt-lösenord-4711").status_code == 302


def test_success_before_the_limit_resets_the_count(chef, client):
    for attempt in range(LOGIN_LIMIT - 1):
        login(client, f"fel-{attempt}")
    assert login(client, "rätt-lösenord-4711").status_code == 302
    client.logout()
    for attempt in range(LOGIN_LIMIT - 1):
        assert login(client, f"fel-igen-{attempt}").status_code == 200
    assert login(client, "rätt-lösenord-4711").status_code == 302


# ---------------------------------------------------------------------------------------------
# Re-import after curation: the admin's text stays, the admin sees what the source says now


def import_source(effects: str):
    from importer.loader import load_report
    from importer.parser import parse_report
    from tests.importer.snippets import chapter, document, row

    text = document(
        chapter(
            1,
            row(
                "Skåne",
                "<p>Regional exportsamverkan</p> <p>Stöd till exportföretag.</p>",
                "300 företag",
                effects,
                "Mål i Agenda 2030: 8 Anständiga arbetsvillkor och ekonomisk tillväxt",
            ),
        )
    )
    checksum = hashlib.sha256(text.encode()).hexdigest()
    return load_report(parse_report(text), source_name="test.txt", checksum=checksum)


def test_reimport_keeps_the_curated_text_and_the_admin_can_take_the_new_source(
    db, admin_client, index_calls
):
    import_source("Stärkt export")
    measure = Measure.objects.get()
    assert not measure.curated
    save_measure(admin_client, measure, effects_html="<p>Stärkt export till Tyskland.</p>")

    result = import_source("Stärkt export och fler jobb")
    measure.refresh_from_db()
    assert measure.curated
    assert measure.effects == "Stärkt export till Tyskland."  # the admin's work survives
    assert any(str(measure.pk) in line for line in result.measures.kept)  # and is reported

    page = admin_client.get(admin_url(measure)).content.decode()
    diff = page.split('<table class="source-diff">')[1].split("</table>")[0]
    assert "<del>och fler jobb</del>" in diff  # the source now says ...
    assert "<ins>till Tyskland.</ins>" in diff  # ... and this is the admin's text

    post_action(admin_client, measure, "accept_source_version", [measure.pk])
    measure.refresh_from_db()
    assert measure.effects == "Stärkt export och fler jobb"
    assert not measure.curated
    # Not curated any more: the next import may update it again.
    import_source("Stärkt export, fler jobb och nya marknader")
    measure.refresh_from_db()
    assert measure.effects == "Stärkt export, fler jobb och nya marknader"


def test_changelist_queries_do_not_grow_with_the_rows(measure, admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(admin_url(measure, "changelist")).status_code == 200
        return len(queries)

    few = count_queries()
    for number in range(20):
        extra = Measure.objects.create(
            report=measure.report,
            region=Region.objects.get(name="Gotland"),
            chapter=Chapter.objects.get(number=2),
            name=f"Insats {number}",
            source_key=f"extra-{number}",
            source_line=1000 + number,
        )
        extra.goals.add(Goal.objects.get(sdg=number % 17 + 1))
    assert count_queries() == few


# ---------------------------------------------------------------------------------------------
# Query-string lookups: only those the admin's own filters use (catalogue.admin_site)

HOSTILE_LOOKUPS = [
    "name__regex=(.*){3}QZ",
    "name__iregex=[",
    "pk__regex=(.*){3}QZ",
    "id__iregex=[",
    "imported__contains=x",
    "imported__has_key=name",
    "imported__name__icontains=a",
    "imported__name=x",
    "region__name__regex=(.*){3}QZ",
    "measure__name__iregex=[",
    "password__startswith=pbkdf2",
    "user__password__startswith=pbkdf2",
    "curated__regex=1",
    "chapter__id__in=1,2",
]


def registered_admins():
    from django.contrib import admin

    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize(
    ("model", "model_admin"), registered_admins(), ids=lambda x: getattr(x, "__name__", "")
)
def test_hand_written_lookups_answer_400_on_every_admin(model, model_admin, measure, admin_client):
    from catalogue.admin_site import SafeLookupsMixin

    assert isinstance(model_admin, SafeLookupsMixin)
    assert admin_client.get(changelist_url(model)).status_code == 200
    for lookup in HOSTILE_LOOKUPS:
        response = admin_client.get(changelist_url(model) + "?" + lookup)
        assert response.status_code == 400, (model, lookup)


@pytest.mark.parametrize(
    "query",
    [
        "updated__year=9999",
        "updated__year=9998&updated__month=12&updated__day=99",
        "updated__year=0",
        "updated__year=-1",
        "updated__year=2026&updated__month=13",
        "updated__year=99999999999999999999",
        "updated__year=x",
    ],
)
def test_date_hierarchy_values_out_of_range_answer_400(query, measure, editor_client):
    assert editor_client.get(admin_url(measure, "changelist") + "?" + query).status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "created__gte=0001-01-01&created__lt=9999-12-31",
        "created__gte=x",
        "created__gte=2026-01-01+00:00:00%2B99:00",
        "status__exact=" + "x" * 5000,
        "created__isnull=maybe",
    ],
)
def test_odd_values_of_allowed_filters_are_not_errors(query, catalogue_objects, editor_client):
    url = admin_url(catalogue_objects["errorreport"], "changelist") + "?" + query
    assert editor_client.get(url).status_code in (200, 302, 400)  # 302: Django's "?e=1"


def test_filters_and_links_the_admin_writes_still_work(catalogue_objects, editor_client):
    measure = catalogue_objects["measure"]
    for url in (
        admin_url(measure, "changelist") + f"?region__id__exact={measure.region_id}",
        admin_url(measure, "changelist")
        + f"?report__id__exact={measure.report_id}&curated__exact=1",
        admin_url(measure, "changelist") + "?goals__framework__exact=agenda2030&goals__sdg=8",
        admin_url(measure, "changelist") + "?updated__year=2026&updated__month=1&updated__day=2",
        admin_url(measure, "changelist") + "?q=(.*){3}QZ",  # the search box: plain text
        admin_url(catalogue_objects["errorreport"], "changelist")
        + f"?measure__id__exact={measure.pk}",
        admin_url(catalogue_objects["errorreport"], "changelist") + "?status__exact=new",
        reverse("admin:auth_user_changelist") + "?is_staff__exact=1&groups__id__exact=1",
    ):
        assert editor_client.get(url).status_code in (200, 403), url


@pytest.mark.parametrize("language", ["sv", "en"])
def test_model_names_have_a_singular_and_a_plural(language):
    """In English every model's singular and plural differ (Swedish "kapitel", "mål" and
    "projekt" are both; their English plural needs its own message): the admin's index lists
    plurals and its change forms say "Add <singular>"."""
    from django.utils import translation

    with translation.override(language):
        names = {
            model.__name__: (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))
            for model in global_apps.get_app_config("catalogue").get_models()
            if not model.__name__.startswith("Historical")
        }
    if language == "en":
        assert [name for name, (one, many) in names.items() if one == many] == []
        assert names["Chapter"] == ("chapter", "chapters")
        assert names["Goal"] == ("goal", "goals")
        assert names["Project"] == ("project", "projects")
    else:
        assert names["Chapter"] == ("kapitel", "kapitel")
        assert names["Goal"] == ("mål", "mål")


def test_admin_index_in_english_lists_plurals(admin_client):
    admin_client.cookies["django_language"] = "en"
    response = admin_client.get(reverse("admin:index"))
    text = response.content.decode()
    for plural in ("Chapters", "Goals", "Projects", "Answers on appropriation 1:1"):
        assert f">{plural}<" in text
    for singular in (">Chapter<", ">Project<"):
        assert singular not in text
