"""Let the editors ("Redaktör") review links between editions: confirm, reject, set by hand.

Idempotent, like 0003_editor_group: only adds what is missing."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUP = "Redaktör"
CODENAMES = ["view_lineage", "add_lineage", "change_lineage", "delete_lineage"]


def grant(apps, schema_editor):
    catalogue = apps.get_app_config("catalogue")
    catalogue.models_module = True  # create_permissions skips app configs without models
    create_permissions(catalogue, apps=apps, verbosity=0)
    catalogue.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="catalogue", codename__in=CODENAMES)
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0006_editions_note_kind")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
