from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Insatskatalogen")

    def ready(self):
        from . import snapshot
        from .search import changes

        snapshot.connect_signals()
        changes.connect_signals()
