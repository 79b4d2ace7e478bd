from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Insatskatalogen")

    def ready(self):
        from . import curation, snapshot

        snapshot.connect_signals()
        curation.connect_signals()  # the write rules every save follows
        # django-axes calls its admin section "Axes", in no language: say what it holds.
        from django.apps import apps

        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Inloggningsspärr")
        from .search import changes

        changes.connect_signals()
