from django.apps import AppConfig


class ImporterConfig(AppConfig):
    """Parses the report's table appendix and loads it into the catalogue."""

    name = "importer"
