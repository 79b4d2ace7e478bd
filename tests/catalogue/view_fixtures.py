"""A small catalogue built with the ORM for the page tests (regions, chapters, SDGs are seeded)."""

from __future__ import annotations

import datetime
import sys
import types
from dataclasses import dataclass, field

from catalogue.models import (
    AllocationAnswer,
    Chapter,
    Goal,
    Measure,
    NoMeasures,
    Project,
    ProjectIndicator,
    Region,
    Report,
)


@dataclass
class FakeResult:
    ids: list[int]
    highlights: dict[int, str] = field(default_factory=dict)
    suggestion: str | None = None
    available: bool = True
    parsed_ok: bool = True


class FakeSearch:
    """Stands in for catalogue.search: a word matches a measure when its name contains it."""

    def __init__(self, *, available: bool = True, suggestion: str | None = None):
        self.available = available
        self.suggestion = suggestion
        self.calls: list[str] = []

    def search(self, query, *, limit=None):
        self.calls.append(query)
        if not self.available:
            return FakeResult(ids=[], available=False)
        words = query.lower().split()
        hits = [
            m
            for m in Measure.objects.order_by("-pk")
            if all(w in (m.name + " " + m.description).lower() for w in words)
        ]
        return FakeResult(
            ids=[m.pk for m in hits],
            highlights={m.pk: f"… <mark>{words[0]}</mark> …" for m in hits} if words else {},
            suggestion=self.suggestion,
        )

    def similar(self, measure_id, *, limit=5, other_regions=False):
        # Ignores other_regions on purpose: the view must drop same-region hits itself too.
        return list(
            Measure.objects.exclude(pk=measure_id).order_by("pk").values_list("pk", flat=True)
        )[:limit]

    def index_exists(self):
        return self.available


def install_fake_search(monkeypatch, fake: FakeSearch | None = None) -> FakeSearch:
    """Replace the search module's functions (or stand in for the module while it is missing)."""
    try:
        from catalogue import search as search_module
    except ImportError:
        import catalogue

        search_module = types.ModuleType("catalogue.search")
        monkeypatch.setitem(sys.modules, "catalogue.search", search_module)
        monkeypatch.setattr(catalogue, "search", search_module, raising=False)
    fake = fake or FakeSearch()
    monkeypatch.setattr(search_module, "search", fake.search, raising=False)
    monkeypatch.setattr(search_module, "similar", fake.similar, raising=False)
    monkeypatch.setattr(search_module, "index_exists", fake.index_exists, raising=False)
    return fake


@dataclass
class Catalogue:
    report: Report
    measures: dict[str, Measure]
    goals: dict[str, Goal]


def make_measure(report, region, chapter, name, *, line, goals=(), **fields) -> Measure:
    measure = Measure.objects.create(
        report=report,
        region=region,
        chapter=chapter,
        name=name,
        description=fields.pop("description", f"Beskrivning av {name.lower()}."),
        description_html=fields.pop("description_html", f"<p>Beskrivning av {name.lower()}.</p>"),
        outputs=fields.pop("outputs", "Tre träffar genomfördes."),
        outputs_html=fields.pop(
            "outputs_html", "<ul><li>Tre träffar</li><li>Två rapporter</li></ul>"
        ),
        effects=fields.pop("effects", ""),
        goals_text=fields.pop("goals_text", "RUS: Ett hållbart län. Agenda 2030: Mål 8"),
        source_key=f"{chapter.number}:{region.slug}:{line}",
        source_line=line,
        **fields,
    )
    measure.goals.set(goals)
    return measure


def build_catalogue() -> Catalogue:
    """Seven measures over three regions and three chapters, with goals and chapter 8 data."""
    report = Report.objects.create(
        title="Tabellbilaga – Regionalt utvecklingsarbete 2023",
        year=2023,
        number="0480",
        published=datetime.date(2024, 4, 16),
        source_name="tabellbilaga.txt",
        checksum="0" * 64,
    )
    skane = Region.objects.get(slug="skane")
    gotland = Region.objects.get(slug="gotland")
    orebro = Region.objects.get(slug="orebro")
    ch = {n: Chapter.objects.get(number=n) for n in (1, 2, 3, 7)}
    sdg8 = Goal.objects.get(framework=Goal.Framework.AGENDA2030, sdg=8)
    sdg13 = Goal.objects.get(framework=Goal.Framework.AGENDA2030, sdg=13)
    rus_skane = Goal.objects.create(
        key="rus:skane:hallbar",
        framework=Goal.Framework.RUS,
        title="Ett hållbart Skåne",
        region=skane,
    )
    erdf = Goal.objects.create(
        key="regionalfonden:skane-blekinge",
        framework=Goal.Framework.REGIONALFONDEN,
        title="Skåne-Blekinge",
    )
    measures = {
        "kompetens": make_measure(
            report,
            skane,
            ch[2],
            "Kompetensförsörjning i vården",
            line=200,
            goals=[sdg8, rus_skane],
        ),
        "vindkraft": make_measure(
            report,
            skane,
            ch[7],
            "Vindkraftsetablering till havs",
            line=900,
            goals=[sdg13, rus_skane, erdf],
        ),
        "innovation": make_measure(
            report,
            skane,
            ch[3],
            "Innovationsstöd för små företag",
            line=412,
            goals=[erdf],
        ),
        "landsbygd": make_measure(
            report,
            gotland,
            ch[1],
            "Service på landsbygden",
            line=60,
            goals=[sdg8],
        ),
        "besok": make_measure(
            report,
            gotland,
            ch[3],
            "Besöksnäring året runt",
            line=420,
            goals=[],
            curated=True,
        ),
        "orebro_kompetens": make_measure(
            report,
            orebro,
            ch[2],
            "Kompetenslyft för industrin",
            line=250,
            goals=[sdg8],
        ),
        "klimat": make_measure(
            report,
            orebro,
            ch[7],
            "Klimatomställning i näringslivet",
            line=930,
            goals=[sdg13],
            description_html='<p>Klimat <script>alert("x")</script><a href="http://x">länk</a></p>',
        ),
    }
    NoMeasures.objects.create(
        report=report,
        region=gotland,
        chapter=ch[7],
        text="Inga insatser redovisades.",
        source_line=880,
    )
    for number in AllocationAnswer.QUESTIONS:
        AllocationAnswer.objects.create(
            report=report,
            region=gotland,
            question=number,
            answer={3: "ja", 4: "nej"}.get(number),
            text=f"Svar på fråga {number}.",
            text_html=f"<p>Svar på fråga {number}.</p>",
            source_line=1000 + number,
        )
    project = Project.objects.create(
        report=report,
        region=gotland,
        nyps_id="20201234",
        title="Gotländsk mat",
        status=Project.Status.GRANTED,
        start=datetime.date(2022, 1, 1),
        end=datetime.date(2024, 12, 31),
        owner="Region Gotland",
        partners=["Almi Gotland", "Länsstyrelsen"],
        granted_sek=1_500_000,
        paid_sek=750_000,
        source_line=1100,
    )
    ProjectIndicator.objects.create(
        project=project, position=0, name="Nya företag", target="10", outcome="7"
    )
    return Catalogue(
        report=report,
        measures=measures,
        goals={"sdg8": sdg8, "sdg13": sdg13, "rus_skane": rus_skane, "erdf": erdf},
    )


PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
