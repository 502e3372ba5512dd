"""How charts become files: one layout for every format, and PNG text drawn a string at a time.

`render_figure` lays a figure out once instead of matplotlib's usual twice-per-save; these
tests hold that it gives the very bytes of saving the default way, and that `aggtext`'s PNG
text lands where matplotlib's own renderer puts it (within a pixel), drawing everything but
text identically and leaving the cases it does not handle to matplotlib.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from guarantor.api import solve_scenario
from guarantor.model.params import build_params
from guarantor.report import aggtext, solvejobs
from guarantor.report.payload import manifest, report_fields
from guarantor.report.rendering import DPI, METADATA, PNG_COMPRESSION, RC, ChartJob, render_figure
from guarantor.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parent.parent
needs_aggtext = pytest.mark.skipif(not aggtext.applies(), reason="this matplotlib draws text its own way")


def chart_jobs(scenario: Path) -> list[ChartJob]:
    """The charts of a solve report on `scenario`, as the report workers build them."""
    loaded = load_scenario(scenario)
    result = solve_scenario(loaded)
    params = build_params(loaded.scenario)
    made = manifest(loaded, result.options, result.solver, result.solver_version)
    bundle = solvejobs.Bundle(result, loaded, report_fields(result, loaded, params, made), ("png",), "png")
    token = f"test-{scenario.stem}"
    solvejobs.adopt(token, bundle)
    return solvejobs.report_chart_jobs(solvejobs.prepared(token, None))


@pytest.fixture(scope="module")
def jobs() -> list[ChartJob]:
    return chart_jobs(ROOT / "scenarios" / "baseline.yaml") + chart_jobs(
        ROOT / "scenarios" / "phased_handover.yaml"
    )


def saved_the_default_way(fig: Figure, formats: tuple[str, ...]) -> dict[str, bytes]:
    """What `savefig` gives without the single layout: each save lays the figure out itself."""
    out = {}
    if "png" in formats:
        aggtext.attach(fig)
    with matplotlib.rc_context(RC):
        for n, fmt in enumerate(formats):
            buffer = io.BytesIO()
            extra = {"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}
            fig.savefig(buffer, format=fmt, dpi=DPI, metadata=METADATA[fmt], **extra)
            out[fmt] = buffer.getvalue()
            if n == 0:
                fig.set_layout_engine("none")
    return out


@pytest.mark.parametrize("formats", [("png", "svg"), ("png",), ("svg",)])
def test_one_layout_gives_the_bytes_of_the_default_saves(
    jobs: list[ChartJob], formats: tuple[str, ...]
) -> None:
    assert len(jobs) == 13  # five solve charts for each scenario, three over time for the horizon
    for job in jobs if formats == ("png", "svg") else jobs[:2]:
        assert render_figure(job.figure(), formats) == saved_the_default_way(job.figure(), formats), job.name


def pixels(fig: Figure, canvas: Callable[[Figure], object]) -> np.ndarray:
    canvas(fig)
    with matplotlib.rc_context(RC):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI)
    return np.asarray(Image.open(buffer)).astype(np.int16)


@needs_aggtext
def test_png_text_lands_within_a_pixel_of_matplotlibs_and_nothing_else_changes(jobs: list[ChartJob]) -> None:
    for job in jobs[:5] + jobs[-3:]:  # the five solve charts, the three over time
        ours, theirs = pixels(job.figure(), aggtext.attach), pixels(job.figure(), FigureCanvasAgg)
        assert ours.shape == theirs.shape
        changed = np.abs(ours - theirs).max(axis=2) > 0
        assert 0 < changed.mean() < 0.05, job.name  # text differs by subpixel placement only
        # a pixel's worth of shift: every changed pixel of ours has an equal one within a pixel in theirs
        near = np.zeros_like(changed)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                shifted = np.roll(theirs, (dy, dx), axis=(0, 1))
                near |= np.abs(ours - shifted).max(axis=2) <= 96
        assert near[changed].mean() > 0.97, job.name

        hidden = [job.figure(), job.figure()]
        for fig in hidden:
            for text in fig.findobj(Text):
                text.set_alpha(0.0)
        ours, theirs = pixels(hidden[0], aggtext.attach), pixels(hidden[1], FigureCanvasAgg)
        assert np.array_equal(ours, theirs), job.name  # without text: identical images


@needs_aggtext
@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_text_it_does_not_handle_is_drawn_by_matplotlib() -> None:
    def figure() -> Figure:
        fig = Figure(figsize=(3, 2))
        ax = fig.subplots()
        ax.set_title(r"$\alpha^2 + \beta$")  # mathtext
        ax.text(0.1, 0.5, "漢字 and ∯")  # characters DejaVu Sans lacks (font fallback)
        ax.text(0.1, 0.2, "ffi ligature", fontfeatures=["-liga"])
        ax.text(0.5, 0.8, "text", language="tr")
        ax.set_xticks([])
        ax.set_yticks([])
        return fig

    assert np.array_equal(pixels(figure(), aggtext.attach), pixels(figure(), FigureCanvasAgg))


@needs_aggtext
def test_rotated_text_is_drawn_rotated() -> None:
    def figure() -> Figure:
        fig = Figure(figsize=(3, 3))
        ax = fig.subplots()
        ax.set_ylabel("Troops deployed")
        ax.text(0.2, 0.3, "Türkiye 5,000", rotation=30)
        return fig

    ours, theirs = pixels(figure(), aggtext.attach), pixels(figure(), FigureCanvasAgg)
    changed = np.abs(ours - theirs).max(axis=2) > 0
    assert changed.mean() < 0.02
    dark = (ours[..., :3].sum(axis=2) < 200) & (theirs[..., :3].sum(axis=2) < 200)
    assert dark.sum() > 0.7 * (theirs[..., :3].sum(axis=2) < 200).sum()  # the same ink, mostly in place


def test_render_figure_draws_png_text_a_string_at_a_time() -> None:
    fig = Figure(figsize=(2, 2))
    fig.subplots().set_title("title")
    render_figure(fig, ("png", "svg"))
    expected = aggtext.applies()
    assert (type(fig.canvas).__name__ == "StringCanvas") is expected


def test_a_figure_on_screen_keeps_its_canvas_and_resolution() -> None:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    fig = Figure(figsize=(2, 2), dpi=72)
    fig.subplots().set_title("title")
    canvas = FigureCanvasSVG(fig)  # stands for a GUI or notebook canvas: not one render_figure made
    render_figure(fig, ("png",))
    assert fig.canvas is canvas
    assert fig.get_dpi() == 72
