"""Seed the fixed reference data: the 21 regions, the 8 chapters and the 17 global goals."""

from django.db import migrations

from catalogue.reference import CHAPTERS, REGIONS, SDGS, sdg_key


def seed(apps, schema_editor):
    Region = apps.get_model("catalogue", "Region")
    Chapter = apps.get_model("catalogue", "Chapter")
    Goal = apps.get_model("catalogue", "Goal")
    for fact in REGIONS:
        Region.objects.update_or_create(
            code=fact.code,
            defaults={"name": fact.name, "official_name": fact.official_name, "slug": fact.slug},
        )
    for number, title in CHAPTERS.items():
        Chapter.objects.update_or_create(number=number, defaults={"title": title})
    for number, title in SDGS.items():
        Goal.objects.update_or_create(
            key=sdg_key(number),
            defaults={"framework": "agenda2030", "sdg": number, "title": title},
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
