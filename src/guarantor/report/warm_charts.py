"""Imported by the report workers' fork server: matplotlib with its fonts loaded, and the chart code.

Drawing one tiny figure in both formats loads the font cache and the Agg and SVG back-ends,
so the first real chart of every forked worker costs what the later ones do.
"""

from matplotlib.figure import Figure

import guarantor.report.charts  # noqa: F401
from guarantor.report.rendering import render_figure

_figure = Figure(figsize=(1, 1))
_figure.subplots().set_title("warm")
render_figure(_figure, ("png", "svg"))
del _figure
