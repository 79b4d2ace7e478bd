"""Chapter 8 by question: each of the six questions on appropriation 1:1 with every region's
answer in one table, for one edition (`/kapitel/8/`, also as JSON).

Questions 1, 2 and 6 are free text and 3–5 usually begin with "Ja." or "Nej.": a yes/no overview
alone said "svar utan ja/nej" for half the table, so the answers' own words are shown, cut to a
readable length with the whole answer one click away (a <details>, no JavaScript).
Gotland also lists the projects the appropriation funded inside its answer; the page says so in
the row of the answer they appear in and links to the region's project list.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import Truncator
from django.views.generic import TemplateView

from .caching import cached_page, snapshot_of
from .models import AllocationAnswer, Chapter, Project
from .page_context import (
    RegionRef,
    edition_context,
    edition_json,
    edition_of,
    regions_by_name,
    wants,
    with_year,
)

EXCERPT_WORDS = 40


def question_of_lines(answer_lines: dict[int, int], line: int) -> int | None:
    """The question whose answer a line of the source belongs to: the last answer that starts
    at or before it (Gotland's project lines follow the answer they are part of)."""
    ordered = sorted((start, number) for number, start in answer_lines.items())
    position = bisect_right([start for start, _ in ordered], line)
    return ordered[position - 1][1] if position else None


def projects_by_question(
    answer_lines: dict[int, int], project_lines: Iterable[int]
) -> dict[int, int]:
    """How many of a region's projects appear in the answer to each question."""
    counts: dict[int, int] = {}
    for line in project_lines:
        number = question_of_lines(answer_lines, line)
        if number is not None:
            counts[number] = counts.get(number, 0) + 1
    return counts


@dataclass(frozen=True)
class Row:
    """One region's answer to one question (answer None: no ja/nej; missing: no answer)."""

    region: RegionRef
    answer: AllocationAnswer | None
    excerpt: str
    truncated: bool
    projects: int

    @property
    def missing(self) -> bool:
        return self.answer is None


def excerpt(text: str) -> tuple[str, bool]:
    """The answer's first words, and whether anything was cut."""
    short = Truncator(text).words(EXCERPT_WORDS, truncate="…")
    return short, short != text


class AllocationChapterView(TemplateView):
    """Chapter 8, one table per question (replaces the yes/no grid of regions × questions)."""

    template_name = "catalogue/allocation_chapter.html"

    def get(self, request, *args, **kwargs):
        self.scope = edition_of(request)
        self.chapter = get_object_or_404(Chapter, number=Chapter.ALLOCATION)
        self.questions = self.build()
        if wants(request, "json"):
            return JsonResponse(self.as_json(), json_dumps_params={"ensure_ascii": False})
        return super().get(request, *args, **kwargs)

    def build(self) -> list[dict]:
        report = self.scope.report
        regions = regions_by_name(snapshot_of(self.request))
        answers: dict[tuple[int, int], AllocationAnswer] = {
            (a.region_id, a.question): a
            for a in AllocationAnswer.objects.filter(report=report).defer("imported")
        }
        lines: dict[int, dict[int, int]] = {}
        for (region_id, number), answer in answers.items():
            lines.setdefault(region_id, {})[number] = answer.source_line
        project_lines: dict[int, list[int]] = {}
        for region_id, line in Project.objects.filter(report=report).values_list(
            "region_id", "source_line"
        ):
            project_lines.setdefault(region_id, []).append(line)
        # The regions that list projects, by slug, with how many (the JSON's "projects").
        self.project_counts = sorted(
            (region.slug, len(project_lines[region.pk]))
            for region in regions
            if region.pk in project_lines
        )
        projects = {
            region_id: projects_by_question(lines.get(region_id, {}), found)
            for region_id, found in project_lines.items()
        }
        questions = []
        for number, text in AllocationAnswer.QUESTIONS.items():
            rows = []
            for region in regions:
                answer = answers.get((region.pk, number))
                short, cut = excerpt(answer.text) if answer else ("", False)
                rows.append(
                    Row(region, answer, short, cut, projects.get(region.pk, {}).get(number, 0))
                )
            tally = {"ja": 0, "nej": 0, "none": 0, "missing": 0}
            for row in rows:
                key = "missing" if row.missing else (row.answer.answer or "none")
                tally[key] += 1
            questions.append(
                {
                    "number": number,
                    "text": text,
                    "rows": rows,
                    "tally": tally,
                    # A free-text question (no region answers ja or nej) gets no ja/nej column.
                    "yes_no": bool(tally["ja"] or tally["nej"]),
                }
            )
        return questions

    def as_json(self) -> dict:
        return {
            "edition": edition_json(self.scope),
            "questions": [
                {
                    "number": question["number"],
                    "text": question["text"],
                    "answers": [
                        {
                            "region": row.region.slug,
                            "answer": row.answer.answer if row.answer else None,
                            "text": row.answer.text if row.answer else "",
                            "answered": not row.missing,
                            "source_line": row.answer.source_line if row.answer else None,
                            "projects": row.projects,
                        }
                        for row in question["rows"]
                    ],
                }
                for question in self.questions
            ],
            "projects": [
                {
                    "region": slug,
                    "count": n,
                    "url": self.request.build_absolute_uri(
                        with_year(reverse("catalogue:region-detail", args=[slug]), self.scope)
                        + "#h-projects"
                    ),
                }
                for slug, n in self.project_counts
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(edition_context(self.scope))
        context.update(
            chapter=self.chapter,
            questions=self.questions,
            region_query=self.scope.query_value,
        )
        return context


allocation_chapter = cached_page(AllocationChapterView.as_view())
