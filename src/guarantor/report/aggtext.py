"""PNG text drawn one string at a time, as matplotlib did up to 3.10.

Why: matplotlib 3.11's Agg renderer lays out and rasterises every glyph in Python (a font
size, a transform and a bitmap per glyph, for complex-script and fallback-font support), and
on the report's charts text is most of the drawing: measured on the baseline's five charts,
drawing them took 0.50 s, 0.30 s with each string rasterised in one FreeType pass
(`FT2Font.set_text` + `draw_glyphs_to_bitmap`, the public FT2Font calls that matplotlib
itself uses to measure the same strings). Upstream has merged a similar speed-up
(matplotlib#32120), not yet released.

Only plain strings take this path: mathtext, text with font features or a language set, and
any string with a character the chosen font lacks (where 3.11 falls back to other fonts) are
drawn by matplotlib's own method. Other matplotlib versions use their renderer unchanged.
Glyphs land within a pixel of 3.11's subpixel placement; everything but text is drawn by
matplotlib's code (tests hold both).
"""

from __future__ import annotations

from functools import cache
from math import cos, radians, sin
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@cache
def applies() -> bool:
    """Whether this matplotlib draws text glyph by glyph and has the calls used here."""
    import matplotlib
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.ft2font import FT2Font

    return (
        matplotlib.__version__.startswith("3.11.")
        and hasattr(FT2Font, "draw_glyphs_to_bitmap")
        and hasattr(FT2Font, "get_image")
        and hasattr(RendererAgg, "_prepare_font")
    )


def attach(fig: Figure) -> None:
    """Give `fig` the string-at-a-time Agg canvas (its PNGs then draw text that way), where it
    applies; SVG and other formats are unaffected. A figure shown on screen (a GUI or notebook
    canvas) keeps its canvas."""
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if applies() and type(fig.canvas) in (FigureCanvasBase, FigureCanvasAgg):
        _canvas_class()(fig)


_CLASS: list[type] = []


def _canvas_class() -> type:
    """The canvas and renderer classes, made once (matplotlib is imported only when drawing)."""
    if _CLASS:
        return _CLASS[0]
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag

    class StringRenderer(RendererAgg):  # type: ignore[misc]
        def draw_text(
            self,
            gc: Any,
            x: float,
            y: float,
            s: str,
            prop: Any,
            angle: float,
            ismath: Any = False,
            mtext: Any = None,
        ) -> None:
            font = None if ismath or _shaped(mtext) else self._prepare_font(prop)
            if font is None or 0 in map(font.get_char_index, map(ord, s)):
                super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
                return
            font.set_text(s, 0, flags=get_hinting_flag())  # unrotated; the image is rotated below
            font.draw_glyphs_to_bitmap(antialiased=gc.get_antialiased())
            descent = font.get_descent() / 64.0
            xo, yo = (v / 64.0 for v in font.get_bitmap_offset())
            x = round(x + xo + descent * sin(radians(angle)))
            y = round(y + yo + descent * cos(radians(angle)))
            self._renderer.draw_text_image(np.asarray(font.get_image()), x, y + 1, angle, gc)

    class StringCanvas(FigureCanvasAgg):  # type: ignore[misc]
        def get_renderer(self) -> Any:
            w, h = self.get_width_height(physical=True)
            key = w, h, self.figure.dpi
            if self._lastKey != key:
                self.renderer = StringRenderer(w, h, self.figure.dpi)
                self._lastKey = key  # type: ignore[assignment]  # typed None in the stubs
            return self.renderer

    _CLASS.append(StringCanvas)
    return StringCanvas


def _shaped(mtext: Any) -> bool:
    """Text that asks for OpenType features or a language: only 3.11's own path honours them."""
    if mtext is None:
        return False
    features = getattr(mtext, "get_fontfeatures", lambda: None)()
    language = getattr(mtext, "get_language", lambda: None)()
    return bool(features) or bool(language)
