"""A second edition beside view_fixtures' 2023 catalogue, with lineage links made by hand.

2024 (Rapport 0512) holds six measures:
- continued: Skåne's kompetens (outputs reworded), Gotland's landsbygd, Örebro's kompetenslyft;
- moved: Skåne's vindkraft, from chapter 7 to chapter 3;
- new: Skåne's vätgas, and Örebro's klimat (its link to 2023's klimat was rejected by an editor).
So 2023's innovation, besök and klimat ended. Gotland has 2024 chapter 8 answers and a project of
its own, and reports no measures in chapter 2 (not chapter 7, as in 2023).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from catalogue.models import (
    AllocationAnswer,
    Chapter,
    Lineage,
    Measure,
    NoMeasures,
    Project,
    Region,
    Report,
)
from tests.catalogue.view_fixtures import Catalogue, make_measure


@dataclass
class Editions:
    old: Catalogue
    report: Report  # 2024
    measures: dict[str, Measure]  # 2024's, by the same keys as 2023's where they continue


def build_second_edition(old: Catalogue) -> Editions:
    report = Report.objects.create(
        title="Tabellbilaga – Regionalt utvecklingsarbete 2024",
        year=2024,
        number="0512",
        published=datetime.date(2025, 4, 15),
        source_name="tabellbilaga-2024.txt",
        checksum="1" * 64,
    )
    skane = Region.objects.get(slug="skane")
    gotland = Region.objects.get(slug="gotland")
    orebro = Region.objects.get(slug="orebro")
    ch = {n: Chapter.objects.get(number=n) for n in (1, 2, 3, 7)}
    goals = old.goals
    measures = {
        "kompetens": make_measure(
            report,
            skane,
            ch[2],
            "Kompetensförsörjning i vården",
            line=210,
            goals=[goals["sdg8"], goals["rus_skane"]],
            outputs="Fem träffar genomfördes med vårdgivare.",
        ),
        "vindkraft": make_measure(
            report,
            skane,
            ch[3],
            "Vindkraftsetablering till havs",
            line=430,
            goals=[goals["sdg13"], goals["erdf"]],
        ),
        "vatgas": make_measure(
            report, skane, ch[7], "Vätgas i Skåne", line=950, goals=[goals["sdg13"]]
        ),
        "landsbygd": make_measure(
            report, gotland, ch[1], "Service på landsbygden", line=70, goals=[goals["sdg8"]]
        ),
        "orebro_kompetens": make_measure(
            report, orebro, ch[2], "Kompetenslyft för industrin", line=260, goals=[goals["sdg8"]]
        ),
        "klimat": make_measure(
            report, orebro, ch[7], "Klimatomställning i industrin", line=940, goals=[]
        ),
    }
    for key in ("kompetens", "vindkraft", "landsbygd", "orebro_kompetens"):
        Lineage.objects.create(
            previous=old.measures[key],
            measure=measures[key],
            confidence=0.9,
            status=Lineage.Status.CONFIRMED if key == "kompetens" else Lineage.Status.SUGGESTED,
        )
    Lineage.objects.create(
        previous=old.measures["klimat"],
        measure=measures["klimat"],
        confidence=0.4,
        status=Lineage.Status.REJECTED,
    )
    NoMeasures.objects.create(
        report=report, region=gotland, chapter=ch[2], text="Inga insatser 2024.", source_line=150
    )
    for number in AllocationAnswer.QUESTIONS:
        AllocationAnswer.objects.create(
            report=report,
            region=gotland,
            question=number,
            answer={3: "nej", 4: "ja"}.get(number),
            text=f"Svar 2024 på fråga {number}.",
            text_html=f"<p>Svar 2024 på fråga {number}.</p>",
            source_line=1200 + number,
        )
    Project.objects.create(
        report=report,
        region=gotland,
        nyps_id="20245678",
        title="Gotländsk vattenförsörjning",
        status=Project.Status.GRANTED,
        source_line=1300,
    )
    return Editions(old=old, report=report, measures=measures)
