"""Charts as inline SVG (pygal), with no script and no external resource, so a
page or a report renders the same offline, in a browser or a PDF. Pygal builds
the SVG as an XML tree, so titles, labels and series names are escaped; the
result is `Markup` that templates insert as it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pygal
from markupsafe import Markup
from pygal.style import Style

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#ccc",
    colors=("#1f5fa8", "#e0822a", "#3c9a4b", "#b03a48", "#6b4fa3"),
    font_family="DejaVu Sans, sans-serif",
)


def bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float]], height: int = 320) -> Markup:
    """A grouped bar chart: one group per label, one bar per series."""
    chart = pygal.Bar(
        title=title,
        style=_STYLE,
        height=height,
        width=760,
        js=[],
        disable_xml_declaration=True,
        legend_at_bottom=True,
        print_values=True,
        print_zeroes=False,
        x_label_rotation=0 if len(labels) < 6 else 30,
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, [float(v) for v in values])
    svg: str = chart.render(is_unicode=True)
    return Markup(svg)
