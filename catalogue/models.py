"""The catalogue's data: reports, regions, chapters, goals, measures and chapter 8 answers."""

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


class AllocationAnswer(models.Model):
    """Chapter 8: a region's answer to one of the six questions on appropriation 1:1."""

    QUESTIONS = {
        1: "Beskrivning av varför regionen har fördelat anslaget mellan projektverksamhet, "
        "regionala företagsstöd och stöd till kommersiell service på det sätt de gjort.",
        2: "Beskrivning av hur regionen har integrerat ekonomisk, social och miljömässig "
        "hållbarhet i beslut om medel från anslaget till projektverksamhet, regionala "
        "företagsstöd och stöd till kommersiell service.",
        3: "Beskrivning av hur anslaget har bidragit till att nå målen i den regionala "
        "utvecklingsstrategin.",
        4: "Beskrivning av hur anslaget har bidragit till att nå målen i nationellt och "
        "regionala program för Regionalfonden.",
        5: "Beskrivning av hur anslaget har bidragit till att nå målen i Interreg-program.",
        6: "Beskrivning på vilket sätt olika territoriella perspektiv har beaktats och påverkat "
        "beslut om medel.",
    }

    class Answer(models.TextChoices):
        JA = "ja", _("Ja")
        NEJ = "nej", _("Nej")

    report = models.ForeignKey(Report, verbose_name=_("rapport"), on_delete=models.CASCADE)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="allocation"
    )
    question = models.PositiveSmallIntegerField(
        _("fråga"), choices=[(n, str(n)) for n in QUESTIONS]
    )
    answer = models.CharField(
        _("svar"), max_length=3, choices=Answer.choices, null=True, blank=True
    )
    text_html = models.TextField(_("text (HTML)"), blank=True)
    text = models.TextField(_("text"), blank=True)
    source_line = models.PositiveIntegerField(_("källrad"))
    imported = models.JSONField(_("importerat original"), default=dict, editable=False)
    curated = models.BooleanField(_("kurerad"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("singular", "svar om anslag 1:1")
        verbose_name_plural = pgettext_lazy("plural", "svar om anslag 1:1")
        ordering = ["region__name", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "region", "question"], name="allocation_unique_question"
            )
        ]

    def __str__(self):
        return f"{self.region}, fråga {self.question}"

    @property
    def question_text(self) -> str:
        return self.QUESTIONS[self.question]


class Project(models.Model):
    """Chapter 8: a project funded from appropriation 1:1 (Gotland lists them)."""

    class Status(models.TextChoices):
        GRANTED = "granted", _("Beviljat")
        COMPLETED = "completed", _("Avslutat")

    report = models.ForeignKey(Report, verbose_name=_("rapport"), on_delete=models.CASCADE)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="projects"
    )
    nyps_id = models.CharField(
        _("Nyps-id"), max_length=20, help_text=_("Projektets id i Nyps, bara siffror.")
    )
    title = models.CharField(_("titel"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slut"), null=True, blank=True)
    owner = models.CharField(_("projektägare"), max_length=300, blank=True)
    partners = models.JSONField(_("övriga partners"), default=list, blank=True)
    granted_sek = models.BigIntegerField(_("tilldelade medel (kr)"), null=True, blank=True)
    paid_sek = models.BigIntegerField(_("utbetalda medel (kr)"), null=True, blank=True)
    policy_objective = models.TextField(_("politiskt mål"), blank=True)
    specific_objective = models.TextField(_("specifikt mål"), blank=True)
    strategy_goals = models.TextField(_("effektmål i regional utvecklingsstrategi"), blank=True)
    description = models.TextField(_("projektbeskrivning"), blank=True)
    result = models.TextField(_("resultat"), blank=True)
    source_line = models.PositiveIntegerField(_("källrad"))
    imported = models.JSONField(_("importerat original"), default=dict, editable=False)
    curated = models.BooleanField(_("kurerad"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("singular", "projekt")
        verbose_name_plural = pgettext_lazy("plural", "projekt")
        ordering = ["region__name", "source_line"]
        constraints = [
            models.UniqueConstraint(fields=["report", "nyps_id"], name="project_unique_nyps")
        ]

    def __str__(self):
        return f"{self.title} (Nyps-id {self.nyps_id})"


class ProjectIndicator(models.Model):
    """An indicator of a funded project, with its target and outcome as written."""

    project = models.ForeignKey(
        Project, verbose_name=_("projekt"), on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    name = models.CharField(_("indikator"), max_length=300)
    target = models.CharField(_("målvärde"), max_length=200, blank=True)
    outcome = models.CharField(_("utfall"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["project", "position"]

    def __str__(self):
        return self.name


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
