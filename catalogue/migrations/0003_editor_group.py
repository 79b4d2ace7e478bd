"""Create the "Redaktör" (editor) group: curates the catalogue's content, not users or settings.

Idempotent: running it again (or on a database where the group exists) only adds missing
permissions. Permissions are normally created after all migrations (post_migrate), so this
migration creates the catalogue's own first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_GROUP = "Redaktör"

# model -> actions the editors may take on it
EDITOR_PERMISSIONS = {
    "measure": ("view", "add", "change", "delete"),
    "goal": ("view", "add", "change", "delete"),
    "project": ("view", "add", "change", "delete"),
    "projectindicator": ("view", "add", "change", "delete"),
    "allocationanswer": ("view", "add", "change", "delete"),
    "errorreport": ("view", "change", "delete"),
    # Reference data and provenance: looked up (autocomplete, filters), not edited.
    "region": ("view",),
    "chapter": ("view",),
    "report": ("view",),
    "nomeasures": ("view",),
}


def create_editor_group(apps, schema_editor):
    catalogue = apps.get_app_config("catalogue")
    catalogue.models_module = True  # create_permissions skips app configs without models
    create_permissions(catalogue, apps=apps, verbosity=0)
    catalogue.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="catalogue", codename__in=codenames
    )
    missing = set(codenames) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions not found: {sorted(missing)}")
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editor_group, migrations.RunPython.noop)]
