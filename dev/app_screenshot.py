"""Take the README's screenshot of `guarantor serve` (docs/img/serve.png) with Playwright and Chromium.

Run from the repository root:  .venv/bin/python dev/app_screenshot.py
It serves a copy of scenarios/ and models/ in-process, moves the ground-troop requirement to
30,000, pins the baseline for comparison and photographs the page (Debian's Chromium, nothing
downloaded).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img" / "serve.png"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright
    from tests.browser import ARGS, CHROMIUM

    from guarantor.app.server import create_app, running

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copytree(ROOT / "scenarios", project / "scenarios")
        shutil.copytree(ROOT / "models", project / "models")
        app = create_app(project / "scenarios", project / "reports")
        with running(app) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1080})
            page.goto(f"{url}/open/baseline.yaml")
            page.wait_for_selector("#total-cost")
            page.fill("#pin-label", "baseline as saved")
            page.click("#pin")
            page.wait_for_selector("#compare table")
            before = page.inner_text("#total-cost")
            page.fill("#c-requirements-ground_troops", "30000")
            page.dispatch_event("#c-requirements-ground_troops", "change")
            page.wait_for_function("t => document.getElementById('total-cost').innerText !== t", arg=before)
            page.wait_for_function("document.querySelector('#allocation .pending') === null")
            OUT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT))
            browser.close()
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
