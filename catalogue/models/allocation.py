"""Chapter 8: how each region distributed appropriation 1:1 (its answers to the six
questions) and Gotland's funded projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from catalogue.models.report import Region, Report


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
