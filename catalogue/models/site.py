"""The site's own bookkeeping, not the report's content: visitors' error reports, the data
stamp that keys every cache, rate counters, spent tokens and the search index's change log."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalogue.models.report import Measure


class ErrorReport(models.Model):
    """A visitor's report of an error in a measure, waiting in the admin's review queue."""

    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        DONE = "done", _("Åtgärdad")
        REJECTED = "rejected", _("Avvisad")

    measure = models.ForeignKey(
        Measure, verbose_name=_("insats"), on_delete=models.CASCADE, related_name="error_reports"
    )
    message = models.TextField(_("meddelande"), max_length=5000)
    email = models.EmailField(_("e-post"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="new")
    created = models.DateTimeField(_("inkommen"), auto_now_add=True)

    class Meta:
        verbose_name = _("felrapport")
        verbose_name_plural = _("felrapporter")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.measure_id}: {self.message[:60]}"


class DataStamp(models.Model):
    """One row that counts the changes saved to the public data, so that every process (and
    every node) sees at once that its caches are stale: see catalogue.snapshot.data_version().
    Bumped by signals on each save or delete of the catalogue's records and once per import."""

    changes = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("dataändring")
        verbose_name_plural = _("dataändringar")

    def __str__(self):
        return str(self.changes)

    @classmethod
    def bump(cls, using: str | None = None) -> None:
        manager = cls.objects.db_manager(using)
        if not manager.update(changes=models.F("changes") + 1):
            manager.create(changes=1)


class RateCounter(models.Model):
    """How often one client did one rate-limited thing in the current window (e.g. posts of the
    error form from one address). A row, not a cache entry, so that one UPDATE counts and checks
    at once and parallel requests cannot all slip under the limit (catalogue.ratelimit)."""

    key = models.CharField(_("nyckel"), max_length=200, unique=True)
    count = models.PositiveIntegerField(_("antal"), default=0)
    expires = models.DateTimeField(_("gäller till"), db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "räknare")
        verbose_name_plural = pgettext_lazy("plural", "räknare")

    def __str__(self):
        return f"{self.key}: {self.count}"


class SpentToken(models.Model):
    """A signed form token that has been used: the unique digest lets each token in once, even
    when the same post arrives several times in parallel (catalogue.feedback)."""

    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    spent = models.DateTimeField(_("använd"), db_index=True)

    class Meta:
        verbose_name = _("använd formulärnyckel")
        verbose_name_plural = _("använda formulärnycklar")

    def __str__(self):
        return self.digest


class SearchChange(models.Model):
    """One entry of the search index's change log: this measure was saved or deleted.

    Written by signals in the same transaction as the change (and by every import); each web
    node's index applies the entries it has not yet applied before it answers a search
    (catalogue.search.changes), so every node is current without a scheduled rebuild."""

    measure_id = models.BigIntegerField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sökindexändring")
        verbose_name_plural = _("sökindexändringar")

    def __str__(self):
        return f"{self.pk}: {self.measure_id}"
