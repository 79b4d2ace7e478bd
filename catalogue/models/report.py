"""The report's content: reports, regions, chapters, goals (and the aliases that curation
leaves behind), measures and their lineage between editions, the regions that reported no
measures in a chapter. Chapter 8's answers and projects: allocation.py."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Report(models.Model):
    """One edition of the table appendix ("Tabellbilaga"), the provenance of its records."""

    title = models.CharField(_("titel"), max_length=300)
    year = models.PositiveSmallIntegerField(_("år"), help_text=_("Året som rapporteras."))
    number = models.CharField(_("rapportnummer"), max_length=20)
    publisher = models.CharField(_("utgivare"), max_length=200, default="Tillväxtverket")
    published = models.DateField(_("publicerad"), null=True, blank=True)
    source_name = models.CharField(_("källfil"), max_length=300)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("importerad"), auto_now=True)

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="report_unique_year_number")
        ]

    def __str__(self):
        return f"Rapport {self.number} ({self.year})"


class Region(models.Model):
    """One of Sweden's 21 regions, identified by its county (län) code."""

    code = models.CharField(_("länskod"), max_length=2, unique=True)
    name = models.CharField(_("namn"), max_length=100, unique=True)
    official_name = models.CharField(_("officiellt namn"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:region-detail", kwargs={"slug": self.slug})


class Chapter(models.Model):
    """A chapter of the appendix: 1–7 are the national strategy's priorities, 8 is appropriation
    1:1."""

    ALLOCATION = 8

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    title = models.CharField(_("titel"), max_length=200)

    class Meta:
        # One Swedish word for one and many (here and on every model like it): the contexts
        # let English tell them apart.
        verbose_name = pgettext_lazy("singular", "kapitel")
        verbose_name_plural = pgettext_lazy("plural", "kapitel")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("catalogue:chapter-detail", kwargs={"number": self.number})

    @property
    def is_thematic(self) -> bool:
        return self.number != self.ALLOCATION


class Goal(models.Model):
    """A goal a measure says it serves, classified by the framework it belongs to."""

    class Framework(models.TextChoices):
        RUS = "rus", _("Regional utvecklingsstrategi (RUS)")
        AGENDA2030 = "agenda2030", _("Agenda 2030")
        REGIONALFONDEN = "regionalfonden", _("Regionalfonden (ERUF)")
        INTERREG = "interreg", _("Interreg")
        FRO = "fro", _("Fonden för en rättvis omställning")
        SMART_SPECIALISATION = "smart_specialisation", _("Smart specialisering")
        NATIONAL_STRATEGY = "national_strategy", _("Nationell strategi")
        OTHER = "other", _("Övrigt")

    key = models.CharField(
        _("nyckel"),
        max_length=255,
        unique=True,
        help_text=_("Naturlig nyckel: ramverk, region eller mål-nummer och normaliserad titel."),
    )
    framework = models.CharField(_("ramverk"), max_length=32, choices=Framework.choices)
    sdg = models.PositiveSmallIntegerField(
        _("globalt mål"), null=True, blank=True, help_text=_("Agenda 2030-målets nummer, 1–17.")
    )
    title = models.CharField(_("titel"), max_length=500)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="goals",
        help_text=_("För regionspecifika mål, t.ex. RUS-mål."),
    )
    curated = models.BooleanField(_("kurerad"), default=False)
    programme = models.CharField(
        _("program"),
        max_length=200,
        blank=True,
        db_default="",  # so that the reference data's migration (0002) can still add goals
        help_text=_("EU-programmet som nämns, t.ex. Norra Mellansverige eller Aurora."),
    )
    objective = models.CharField(
        _("målkod"),
        max_length=20,
        blank=True,
        db_default="",
        help_text=_("EU-fondernas mål: specifikt mål (t.ex. 1.3) eller politiskt mål (PO1–PO5)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("singular", "mål")
        verbose_name_plural = pgettext_lazy("plural", "mål")
        ordering = ["framework", "sdg", "title"]
        indexes = [models.Index(fields=["framework", "sdg"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sdg__isnull=True) | models.Q(sdg__gte=1, sdg__lte=17),
                name="goal_sdg_range",
            )
        ]

    def __str__(self):
        if self.sdg:
            return f"Mål {self.sdg}: {self.title}"
        return self.title

    def get_absolute_url(self):
        return reverse("catalogue:goal-detail", kwargs={"pk": self.pk})


class Measure(models.Model):
    """One measure (insats): one row of a thematic chapter's table."""

    report = models.ForeignKey(Report, verbose_name=_("rapport"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    chapter = models.ForeignKey(Chapter, verbose_name=_("kapitel"), on_delete=models.PROTECT)
    name = models.TextField(_("namn"))
    description_html = models.TextField(_("beskrivning (HTML)"), blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    outputs_html = models.TextField(_("prestationer (HTML)"), blank=True)
    outputs = models.TextField(_("prestationer"), blank=True)
    effects_html = models.TextField(_("effekter (HTML)"), blank=True)
    effects = models.TextField(_("effekter"), blank=True)
    goals_html = models.TextField(_("mål (HTML)"), blank=True)
    goals_text = models.TextField(_("mål som de skrivits"), blank=True)
    goals = models.ManyToManyField(Goal, verbose_name=_("mål"), blank=True, related_name="measures")
    source_key = models.CharField(
        _("källnyckel"),
        max_length=64,
        editable=False,
        help_text=_("Stabil nyckel ur källan (kapitel, region, importerat namn, ordningstal)."),
    )
    source_line = models.PositiveIntegerField(_("källrad"))
    imported = models.JSONField(
        _("importerat original"),
        default=dict,
        editable=False,
        help_text=_("Fälten som den senaste importen läste ur källan."),
    )
    curated = models.BooleanField(_("kurerad"), default=False, db_index=True)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True, db_index=True)
    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["chapter__number", "region__name", "source_line"]
        indexes = [
            models.Index(fields=["region", "chapter"]),
            models.Index(fields=["chapter", "region"]),
            models.Index(fields=["report", "source_line"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["report", "source_key"], name="measure_unique_source")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:measure-detail", kwargs={"pk": self.pk})


class Lineage(models.Model):
    """A link from a measure to the measure it continues in the previous edition of the same
    region. The importer's matcher suggests links with a confidence; editors confirm, reject or
    set them by hand, and a re-import keeps what they decided (catalogue.lineage)."""

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("föreslagen")
        CONFIRMED = "confirmed", _("bekräftad")
        MANUAL = "manual", _("satt för hand")
        REJECTED = "rejected", _("avvisad")

    # A rejected link is kept (so that a re-import does not suggest it again) but links nothing.
    ACTIVE = (Status.SUGGESTED, Status.CONFIRMED, Status.MANUAL)
    # Links an editor decided on: a re-import never changes them.
    DECIDED = (Status.CONFIRMED, Status.MANUAL, Status.REJECTED)

    previous = models.ForeignKey(
        Measure,
        verbose_name=_("tidigare insats"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("insats"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    confidence = models.FloatField(
        _("säkerhet"), null=True, blank=True, help_text=_("Matcharens säkerhet, 0–1.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED
    )
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("länk mellan utgåvor")
        verbose_name_plural = _("länkar mellan utgåvor")
        ordering = ["measure_id"]
        constraints = [
            models.UniqueConstraint(fields=["previous", "measure"], name="lineage_unique_pair"),
            # One predecessor and one successor at most among the active links.
            models.UniqueConstraint(
                fields=["measure"],
                condition=~models.Q(status="rejected"),
                name="lineage_one_previous",
            ),
            models.UniqueConstraint(
                fields=["previous"],
                condition=~models.Q(status="rejected"),
                name="lineage_one_next",
            ),
        ]

    def __str__(self):
        return f"{self.previous_id} → {self.measure_id} ({self.get_status_display()})"


class NoMeasuresQuerySet(models.QuerySet):
    """Templates ask a chapter's or region's notes for one kind: `notes.statements`."""

    def statements(self):
        return self.filter(kind=NoMeasures.Kind.NONE)

    def references(self):
        return self.filter(kind=NoMeasures.Kind.REFERENCE)


class NoMeasures(models.Model):
    """A region's row in a chapter that is not a measure: its statement that it reported no
    measures there, or a pointer elsewhere ("Se även tabell 2."). Kept so that nothing of the
    source disappears without a trace."""

    class Kind(models.TextChoices):
        NONE = "none", _("inga insatser redovisade")
        REFERENCE = "reference", _("hänvisning")

    report = models.ForeignKey(Report, verbose_name=_("rapport"), on_delete=models.CASCADE)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE)
    chapter = models.ForeignKey(Chapter, verbose_name=_("kapitel"), on_delete=models.CASCADE)
    text = models.TextField(_("text"), blank=True)
    source_line = models.PositiveIntegerField(_("källrad"))
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices, default=Kind.NONE)

    objects = NoMeasuresQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("singular", "inga insatser")
        verbose_name_plural = pgettext_lazy("plural", "inga insatser")
        ordering = ["chapter__number", "region__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "region", "chapter"], name="nomeasures_unique"
            )
        ]

    def __str__(self):
        return f"{self.region}: inga insatser i kapitel {self.chapter.number}"

    @property
    def is_reference(self) -> bool:
        return self.kind == self.Kind.REFERENCE


class GoalAlias(models.Model):
    """A goal key that now means another goal: left behind when an editor merges a goal into
    another, so that the next import links the measures that cite the old wording to the goal it
    was merged into instead of creating the old goal again (importer.loader.load_goals)."""

    key = models.CharField(_("nyckel"), max_length=255, unique=True)
    goal = models.ForeignKey(
        Goal, verbose_name=_("mål"), on_delete=models.CASCADE, related_name="aliases"
    )
    title = models.CharField(_("tidigare titel"), max_length=500, blank=True)
    created = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("sammanslaget mål")
        verbose_name_plural = _("sammanslagna mål")
        ordering = ["key"]

    def __str__(self):
        return f"{self.title or self.key} → {self.goal}"
