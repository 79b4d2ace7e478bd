"""Charts drawn on the server: the geometry of horizontal bar charts and the shading of heat
tables, as plain data for the templates (templates/catalogue/includes/bar_chart.html draws the
SVG). No JavaScript: the pages work without it, and every chart stands beside a table with the
same numbers, which is what screen readers read (the SVG is hidden from them).

Bars are horizontal with the category's label above them, so that long chapter titles wrap
instead of squeezing the bars, and the drawing stays legible when a phone scales it down.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH = 440  # the drawing's width in SVG units (scaled down to narrow screens)
FONT = 14
LINE = 17  # label line height
LABEL_CHARS = 50  # characters per label line at FONT on WIDTH
BAR = 14
BAR_GAP = 3
GROUP_GAP = 12
VALUE_ROOM = 40  # room right of the longest bar for its number
NAME_ROOM = 140  # ... and for the series' name, when there are several series
HEAT_LEVELS = 4


@dataclass(frozen=True)
class Line:
    text: str
    y: int


@dataclass(frozen=True)
class Bar:
    series: int  # the series' position: its colour (CSS class series-N) and legend entry
    name: str  # the series' name, written beside the number when there are several
    value: int
    x: int
    y: int
    width: int
    height: int
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Group:
    key: object
    lines: tuple[Line, ...]
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    groups: tuple[Group, ...]
    series: tuple[str, ...]
    highest: int

    @property
    def several(self) -> bool:
        return len(self.series) > 1


def bar_chart(
    categories: Sequence[tuple[object, str]],
    series: Sequence[tuple[str, Mapping]],
    *,
    width: int = WIDTH,
) -> BarChart:
    """Horizontal bars: for each category (key, label) one bar per series (name, {key: value}).

    Every bar is scaled to the highest value of the whole chart, so that bars compare across
    categories and series; a zero draws no bar but still writes its 0.
    """
    highest = max((values.get(key, 0) for _, values in series for key, _ in categories), default=0)
    several = len(series) > 1
    room = VALUE_ROOM + (NAME_ROOM if several else 0)
    span = max(1, width - room)
    groups = []
    y = 0
    for key, label in categories:
        lines = []
        for text in textwrap.wrap(str(label), LABEL_CHARS) or [""]:
            y += LINE
            lines.append(Line(text, y - 4))
        y += 2
        bars = []
        for position, (name, values) in enumerate(series):
            value = int(values.get(key, 0))
            length = round(span * value / highest) if highest else 0
            bars.append(
                Bar(
                    series=position,
                    name=name,
                    value=value,
                    x=0,
                    y=y,
                    width=length,
                    height=BAR,
                    text_x=length + 4,
                    text_y=y + BAR - 2,
                )
            )
            y += BAR + BAR_GAP
        y += GROUP_GAP
        groups.append(Group(key, tuple(lines), tuple(bars)))
    return BarChart(
        width=width,
        height=max(y, 1),
        groups=tuple(groups),
        series=tuple(name for name, _ in series),
        highest=highest,
    )


def heat_level(value: int, highest: int) -> int:
    """The shade 0–4 of a heat table's cell: 0 for nothing, else in four equal steps of the
    table's highest value (the highest is always 4)."""
    if value <= 0 or highest <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, -(-value * HEAT_LEVELS // highest)))
