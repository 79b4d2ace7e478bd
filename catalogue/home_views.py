"""The home page: the measures per region and chapter, and the tile map of Sweden's regions."""

from __future__ import annotations

from django.views.generic import TemplateView

from . import selectors
from .caching import cached_page, snapshot_of
from .models import Chapter, Region
from .page_context import EditionMixin
from .selectors import swedish_key

# Tile labels with soft hyphens where long names may break (screen readers ignore them).
TILE_LABELS = {
    "norrbotten": "Norr\u00adbotten",
    "vasterbotten": "Väster\u00adbotten",
    "vasternorrland": "Väster\u00adnorrland",
    "jamtland-harjedalen": "Jämt\u00adland Härje\u00addalen",
    "vastmanland": "Väst\u00adman\u00adland",
    "varmland": "Värm\u00adland",
    "sormland": "Sörm\u00adland",
    "jonkoping": "Jön\u00adköping",
    "blekinge": "Ble\u00adkinge",
    "ostergotland": "Öster\u00adgötland",
    "vastra-gotaland": "Västra Göta\u00adland",
    "stockholm": "Stock\u00adholm",
    "kronoberg": "Krono\u00adberg",
    "gavleborg": "Gävle\u00adborg",
}

# The tile map: (row, column) of each region on a 4-column grid, north to south.
TILE_POSITIONS = {
    "norrbotten": (1, 3),
    "vasterbotten": (2, 3),
    "jamtland-harjedalen": (3, 2),
    "vasternorrland": (3, 3),
    "dalarna": (4, 2),
    "gavleborg": (4, 3),
    "varmland": (5, 1),
    "orebro": (5, 2),
    "vastmanland": (5, 3),
    "uppsala": (5, 4),
    "vastra-gotaland": (6, 1),
    "ostergotland": (6, 2),
    "sormland": (6, 3),
    "stockholm": (6, 4),
    "halland": (7, 1),
    "jonkoping": (7, 2),
    "kalmar": (7, 3),
    "gotland": (7, 4),
    "skane": (8, 1),
    "kronoberg": (8, 2),
    "blekinge": (8, 3),
}


def shade_bins(counts: list[int]) -> list[tuple[int, int, int]]:
    """Four equal steps between the lowest and the highest non-zero count, as (shade, from, to);
    the map's legend. Regions without measures get shade 0."""
    present = [c for c in counts if c > 0]
    if not present:
        return []
    low, high = min(present), max(present)
    width = max(1, -(-(high - low + 1) // 4))
    ranges = []
    for step in range(4):
        start = low + step * width
        if start > high:
            break
        ranges.append((start, min(high, start + width - 1)))
    # Fewer than four steps (few distinct counts): the highest is still the darkest.
    first = 4 - len(ranges) + 1
    return [(first + i, start, end) for i, (start, end) in enumerate(ranges)]


def shade(count: int, bins: list[tuple[int, int, int]]) -> int:
    """The tile's shade 0–4 for its count."""
    for number, start, end in bins:
        if start <= count <= end:
            return number
    return 0


class HomeView(EditionMixin, TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.edition.report
        matrix = selectors.region_chapter_counts(
            snapshot_of(self.request), report.pk if report else None
        )
        regions = sorted(Region.objects.all(), key=lambda r: swedish_key(r.name))
        chapters = list(Chapter.objects.exclude(number=Chapter.ALLOCATION))
        for region in regions:
            region.count = sum(matrix.get((region.pk, c.pk), 0) for c in chapters)
            region.cells = [(c, matrix.get((region.pk, c.pk), 0)) for c in chapters]
        for chapter in chapters:
            chapter.count = sum(matrix.get((r.pk, chapter.pk), 0) for r in regions)
        bins = shade_bins([r.count for r in regions])
        tiles = []
        for region in regions:
            row, column = TILE_POSITIONS.get(region.slug, (9, 1))
            tiles.append(
                {
                    "region": region,
                    "label": TILE_LABELS.get(region.slug, region.name),
                    "row": row,
                    "column": column,
                    "shade": shade(region.count, bins),
                }
            )
        tiles.sort(key=lambda tile: (tile["row"], tile["column"]))
        context.update(
            regions=regions,
            chapters=chapters,
            tiles=tiles,
            total=sum(r.count for r in regions),
            shade_bins=bins,
        )
        return context


home = cached_page(HomeView.as_view())
