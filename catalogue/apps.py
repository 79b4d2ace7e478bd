from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Insatskatalogen")

    def ready(self):
        from . import curation, snapshot

        snapshot.connect_signals()
        curation.connect_signals()  # the write rules every save follows
