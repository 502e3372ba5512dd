"""`guarantor watch`: saves are seen, re-solved and reported; a broken save keeps the last good report."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES

from guarantor.app.watch import Outcome, live_page, watch, write_live
from guarantor.report.numbers import clean

TIMEOUT = 60.0


def _project(tmp_path: Path) -> Path:
    shutil.copy(FIXTURES / "mini-model.yaml", tmp_path / "mini-model.yaml")
    shutil.copy(FIXTURES / "mini-baseline.yaml", tmp_path / "parent.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("name: watched\nextends: parent.yaml\nrequirements:\n  ground_troops: 15000\n")
    return child


def _cost(outcome: Outcome) -> float:
    assert outcome.ok, outcome.problems
    assert outcome.result is not None and outcome.result.metrics is not None
    return outcome.result.metrics.total_cost_usd_m


def _saved_cost(folder: Path) -> float:
    return float(json.loads((folder / "results.json").read_text())["total_cost_usd"])


def _save(path: Path, text: str) -> None:
    """Save as editors do: write a new file and rename it over the old one."""
    tmp = path.with_suffix(".tmp~")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_watch_resolves_on_every_save_and_recovers_from_a_broken_one(tmp_path: Path) -> None:
    child = _project(tmp_path)
    out = tmp_path / "reports"
    outcomes: queue.Queue[Outcome] = queue.Queue()
    stop = threading.Event()

    def collect(outcome: Outcome) -> None:
        write_live(out, "watched", outcome)
        outcomes.put(outcome)

    thread = threading.Thread(target=watch, args=(child, out, collect), kwargs={"stop": stop})
    thread.start()
    try:
        first = outcomes.get(timeout=TIMEOUT)
        base = _cost(first)
        assert {f.name for f in first.files} == {"child.yaml", "parent.yaml", "mini-model.yaml"}
        folder = out / "watched"
        assert _saved_cost(folder) == clean(base * 1e6, "usd")

        time.sleep(0.5)  # let the watcher start before the first save
        _save(child, child.read_text().replace("15000", "20000"))
        bigger = outcomes.get(timeout=TIMEOUT)
        assert bigger.run == 2 and _cost(bigger) > base
        assert _saved_cost(folder) == clean(_cost(bigger) * 1e6, "usd")

        model = tmp_path / "mini-model.yaml"  # the model is watched too
        text = model.read_text()
        assert "cost_per_soldier_year_usd: {value: 150000" in text
        _save(
            model,
            text.replace(
                "cost_per_soldier_year_usd: {value: 150000", "cost_per_soldier_year_usd: {value: 300000"
            ),
        )
        dearer = outcomes.get(timeout=TIMEOUT)
        assert _cost(dearer) > _cost(bigger)
        good = (folder / "results.json").read_bytes()

        _save(child, child.read_text().replace("20000", "[oops"))
        broken = outcomes.get(timeout=TIMEOUT)
        assert not broken.ok and broken.result is None
        assert any("child.yaml:4" in str(p) for p in broken.problems), broken.problems
        assert (folder / "results.json").read_bytes() == good  # the last good report stays
        stamp = live_page(out, "watched").with_suffix(".js").read_text()
        assert '"ok": false' in stamp and "child.yaml:4" in stamp
        assert {f.name for f in broken.files} >= {"child.yaml", "parent.yaml", "mini-model.yaml"}

        _save(child, child.read_text().replace("[oops", "15000"))
        recovered = outcomes.get(timeout=TIMEOUT)
        assert recovered.ok and _cost(recovered) < _cost(dearer)
        assert _saved_cost(folder) == clean(_cost(recovered) * 1e6, "usd")
    finally:
        stop.set()
        thread.join(timeout=TIMEOUT)
    assert not thread.is_alive()


def test_watch_command_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    child = _project(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "guarantor", "watch", str(child), "--out", str(tmp_path / "reports")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + TIMEOUT
    page = tmp_path / "reports" / ".live" / "watched.js"
    while not page.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, stderr
    assert "stopped watching." in stdout
    assert "total cost" in stdout
    assert "Traceback" not in stderr


def test_the_live_page_reloads_the_report_in_a_browser(browser: Any, tmp_path: Path) -> None:
    """Opened from disk (file://), the page reloads the report after a good run and flags a broken one."""
    from guarantor.errors import Origin, Problem

    folder = tmp_path / "watched"
    folder.mkdir()
    (folder / "report.html").write_text("<p id='v'>first report</p>")
    page_path = write_live(tmp_path, "watched", Outcome(1, folder=folder))
    tab = browser.new_page()
    tab.goto(page_path.resolve().as_uri())
    report = tab.frame_locator("#report")
    assert report.locator("#v").inner_text() == "first report"
    tab.wait_for_function("document.getElementById('bar').textContent.startsWith('run 1')")
    (folder / "report.html").write_text("<p id='v'>second report</p>")
    write_live(tmp_path, "watched", Outcome(2, folder=folder))
    report.locator("#v", has_text="second report").wait_for(timeout=10_000)
    broken = Problem(Origin("child.yaml", 4, 18), "requirements.ground_troops", "YAML syntax error")
    write_live(tmp_path, "watched", Outcome(3, problems=[broken], files=()))
    tab.wait_for_function("document.getElementById('bar').className === 'broken'", timeout=10_000)
    assert "child.yaml:4:18" in tab.inner_text("#bar")
    assert report.locator("#v").inner_text() == "second report"  # the last good report stays
    tab.close()
