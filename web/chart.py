"""The geometry of a horizontal bar chart, for an inline SVG drawn by a template.

No script, no style attribute (the Content-Security-Policy allows neither): the template
writes plain SVG attributes from these numbers, and kompis.css colours the classes.
Rows run top to bottom, so a long month name in any language never collides with the
next one, and a 320-pixel phone shows the chart without scrolling sideways.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# In SVG user units; the viewBox scales them to the width the page gives the chart.
WIDTH = 320
ROW_HEIGHT = 24
BAR_HEIGHT = 16
FONT_SIZE = 14
PADDING = 4
LABEL_WIDTH = 64  # the longest "MMM" month of the seven interface languages fits ("فبروری")
VALUE_WIDTH = 48  # room for "12 345" after the longest bar
GAP = 6  # between a label or a value and the bar


@dataclass(frozen=True)
class Bar:
    """One row: its bar's rectangle, its label and its value, in SVG user units."""

    label: str
    value_text: str
    x: float
    y: float
    width: float
    label_x: float
    value_x: float
    text_y: float


@dataclass(frozen=True)
class BarChart:
    """Everything the template needs to draw the chart."""

    width: int
    height: int
    bar_height: int
    font_size: int
    axis_x: float
    # Which end of a text sits at its x. The SVG sets direction="ltr", so "start" is always its left end.
    label_anchor: str
    value_anchor: str
    bars: tuple[Bar, ...]


def horizontal_bars(labels: Sequence[str], values: Sequence[int], value_texts: Sequence[str], *,
                    rtl: bool = False) -> BarChart:
    """Lay out one bar per value, the longest as wide as the chart allows; mirrored when `rtl`.

    In a right-to-left language the labels stand on the right and the bars grow leftwards,
    as the reader's eye travels.
    """
    if not len(labels) == len(values) == len(value_texts):
        raise ValueError(f"labels, values and value_texts must have one entry per bar, got "
                         f"{len(labels)}, {len(values)} and {len(value_texts)}")
    if any(value < 0 for value in values):
        raise ValueError(f"bar values must be 0 or more, got {min(values)}")
    axis = PADDING + LABEL_WIDTH
    longest = WIDTH - axis - VALUE_WIDTH - PADDING
    top = max(values, default=0)
    bars = []
    for row, (label, value, text) in enumerate(zip(labels, values, value_texts, strict=True)):
        width = longest * value / top if top else 0.0
        y = PADDING + row * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        bars.append(Bar(label=label, value_text=text, x=_mirror(axis, width, rtl), y=y, width=width,
                        label_x=_mirror(axis - GAP, 0, rtl), value_x=_mirror(axis + width + GAP, 0, rtl),
                        text_y=y + BAR_HEIGHT / 2 + FONT_SIZE * 0.35))
    return BarChart(width=WIDTH, height=2 * PADDING + len(bars) * ROW_HEIGHT, bar_height=BAR_HEIGHT,
                    font_size=FONT_SIZE, axis_x=_mirror(axis, 0, rtl),
                    label_anchor="start" if rtl else "end", value_anchor="end" if rtl else "start",
                    bars=tuple(bars))


def _mirror(x: float, width: float, rtl: bool) -> float:
    """Return where a shape starting at `x` and `width` wide starts once the chart is mirrored."""
    return WIDTH - x - width if rtl else x
