"""A chapter's page: the measure list within one chapter, with the regions' notes on it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .caching import cached_page
from .filters import chapter_name
from .list_views import MeasureListView
from .models import Chapter, NoMeasures
from .selectors import Scope


class ChapterDetailView(MeasureListView):
    template_name = "catalogue/chapter_detail.html"
    hidden_facets = frozenset({"chapter"})
    hidden_columns = ("chapter",)  # every row is this chapter

    def dispatch(self, request, *args, **kwargs):
        self.chapter = get_object_or_404(Chapter, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def scope(self) -> Scope:
        return Scope(chapter_id=self.chapter.pk)

    def scope_selection(self):
        title = chapter_name(self.chapter.number, self.chapter.title)
        return [(_("Kapitel"), f"{self.chapter.number} {title}")], [
            f"{_('kapitel')}-{self.chapter.number}"
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chapter"] = self.chapter
        notes = self.filterset.edition.filter(
            NoMeasures.objects.filter(chapter=self.chapter)
            .select_related("region", "report")
            .order_by("region__name", "-report__year")
        )
        # One query: regions that reported no measures, and those that point elsewhere.
        context["no_measures"] = [note for note in notes if not note.is_reference]
        context["references"] = [note for note in notes if note.is_reference]
        return context


chapter_detail = cached_page(ChapterDetailView.as_view())
