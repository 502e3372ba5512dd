"""The web app over real HTTP: validation as YAML, files only inside scenarios/ and reports/, sessions."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.served import Served

from guarantor.api import load_scenario, solve_file
from guarantor.app.session import Session


def request(
    served: Served, method: str, path: str, body: Any = None, host: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request: the path is sent exactly as given (no client-side normalisation)."""
    parts = urlsplit(served.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if host is not None:
        headers["Host"] = host
    conn.request(method, path, None if body is None else json.dumps(body), headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), data


def open_session(served: Served, name: str = "baseline.yaml") -> str:
    status, headers, _ = request(served, "GET", f"/open/{name}")
    assert status == 303, status
    return headers["location"].rsplit("/", 1)[1]


def post(served: Served, sid: str, action: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    status, _, data = request(served, "POST", f"/s/{sid}/{action}", body or {})
    return status, json.loads(data)


def project_session(served: Served, sid: str) -> Session:
    return served.app.state.project.sessions[sid]  # type: ignore[attr-defined]


def test_a_change_is_validated_as_yaml_is_and_solved(served: Served) -> None:
    sid = open_session(served)
    status, answer = post(served, sid, "set", {"path": "requirements.ground_troops", "value": "-5"})
    assert status == 200 and not answer["ok"]
    assert answer["errors"] == ["requirement 'ground_troops' must be a finite number >= 0, got -5"]
    status, answer = post(served, sid, "set", {"path": "contributors.germany.stance", "value": "maybe"})
    assert "expected one of 'willing', 'open', 'conditional' or 'ruled_out'" in answer["errors"][0]
    status, answer = post(served, sid, "set", {"path": "requirements.ground_troops", "value": "30000"})
    assert answer["ok"] and "total-cost" in answer["results"]
    expected = solve_file(served.scenarios / "baseline.yaml", ["requirements.ground_troops=30000"])
    _, state = post(served, sid, "state")
    assert expected.metrics is not None
    assert state["total_cost_usd_m"] == expected.metrics.total_cost_usd_m
    assert state["changes"] == ["requirements.ground_troops=30000"]


@pytest.mark.parametrize(
    "path",
    [
        "/open/..%2Fmodels%2Fcoalition-2025.yaml",
        "/open/../models/coalition-2025.yaml",
        "/open/%2Fetc%2Fpasswd",
        "/open//etc/passwd",
        "/open/..%5C..%5Cmodels%5Ccoalition-2025.yaml",
        "/reports/../scenarios/baseline.yaml",
        "/reports/..%2Fscenarios%2Fbaseline.yaml",
        "/reports/%2Fetc%2Fpasswd",
        "/static/..%2F..%2Fapp%2Fserver.py",
    ],
)
def test_no_request_reads_outside_the_scenarios_and_reports_folders(served: Served, path: str) -> None:
    status, _, data = request(served, "GET", path)
    assert status in (403, 404), (status, data[:200])
    assert b"root:" not in data and b"contributors:" not in data and b"def create_app" not in data


def test_symbolic_links_out_of_the_folders_are_refused(served: Served, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("name: secret\n")
    (served.scenarios / "linked.yaml").symlink_to(outside)
    (served.reports / "linked").symlink_to(tmp_path, target_is_directory=True)
    try:
        status, _, data = request(served, "GET", "/open/linked.yaml")
        assert status == 403 and b"only files inside scenarios/" in data
        status, _, data = request(served, "GET", "/reports/linked/secret.yaml")
        assert status == 403 and b"secret" not in data.replace(b"linked/secret.yaml", b"")
        status, _, page = request(served, "GET", "/?list")
        assert b"linked.yaml" not in page
    finally:
        (served.scenarios / "linked.yaml").unlink()
        (served.reports / "linked").unlink()


@pytest.mark.parametrize("name", ["../evil", "/tmp/evil", "..", "a/b", "evil.yaml", "", "x" * 65, "baseline"])
def test_save_as_writes_only_new_files_inside_the_scenarios_folder(served: Served, name: str) -> None:
    sid = open_session(served)
    post(served, sid, "set", {"path": "requirements.ground_troops", "value": "27000"})
    before = sorted(p.name for p in served.project.rglob("*"))
    status, answer = post(served, sid, "save", {"name": name})
    assert status == 403 and not answer["ok"], answer
    assert sorted(p.name for p in served.project.rglob("*")) == before
    assert not Path("/tmp/evil.yaml").exists()


def test_save_as_extends_the_original_with_only_the_changed_keys(served: Served) -> None:
    sid = open_session(served)
    changes = {
        "requirements.ground_troops": "32000",
        "contributors.germany.troop_cap": "2000",
        "model.contributors.france.cost_per_soldier_year_usd.value": "250000",
        "us_air_support.allowed": "[none, air_defence_supply]",
    }
    status, answer = post(served, sid, "set", {"values": changes})
    assert answer["ok"], answer
    status, saved = post(served, sid, "save", {"name": "what_if_http"})
    assert status == 200 and saved["path"] == "scenarios/what_if_http.yaml"
    text = (served.scenarios / "what_if_http.yaml").read_text()
    assert "extends: baseline.yaml" in text and "model_overrides:" in text
    assert "coalition-2025" not in text and "europe_min_troop_share" not in text  # only the changed keys
    _, state = post(served, sid, "state")
    again = solve_file(served.scenarios / "what_if_http.yaml")
    assert again.metrics is not None and again.metrics.total_cost_usd_m == state["total_cost_usd_m"]


def test_export_writes_the_report_and_a_plan_inside_reports(served: Served) -> None:
    sid = open_session(served)
    post(served, sid, "set", {"path": "requirements.ground_troops", "value": "26000"})
    status, answer = post(served, sid, "export")
    assert status == 200, answer
    folder = served.project / answer["folder"]
    assert (folder / "report.html").is_file() and (folder / "plan.yaml").is_file()
    status, _, data = request(served, "GET", answer["links"]["plan"])
    assert status == 200 and b"contributions:" in data
    from guarantor.model.params import build_params
    from guarantor.plans.evaluate import evaluate_plan
    from guarantor.plans.plan import load_plan
    from guarantor.solve.pipeline import options_for

    scenario = load_scenario(folder / "scenario.yaml")  # the changed scenario, extending the original
    assert "requirements.ground_troops=26000" in scenario.scenario.description
    assert f"guarantor evaluate {folder.name}" not in data.decode()  # the plan names scenario.yaml
    assert "scenario.yaml --plan " in data.decode() and "/plan.yaml\n" in data.decode()
    plan = load_plan(folder / "plan.yaml", build_params(scenario.scenario))
    assert evaluate_plan(scenario, plan, options_for(scenario)).feasible


def test_another_host_header_is_refused(served: Served) -> None:
    status, _, _ = request(served, "GET", "/", host="evil.example:80")
    assert status == 400


def test_concurrent_requests_do_not_corrupt_the_live_models(served: Served) -> None:
    """Two tabs (sessions) and many requests at once: each answer is the one its own values give."""
    tabs = [open_session(served), open_session(served)]
    values = [str(v) for v in range(20000, 36000, 2000)]

    def change(job: tuple[int, str]) -> None:
        tab, value = job
        post(served, tabs[tab], "set", {"path": "requirements.ground_troops", "value": value})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(change, [(i % 2, v) for i, v in enumerate(values * 2)]))
    for sid in tabs:
        _, state = post(served, sid, "state")
        expected = solve_file(served.scenarios / "baseline.yaml", state["changes"])
        assert expected.metrics is not None
        assert state["total_cost_usd_m"] == expected.metrics.total_cost_usd_m
    first, second = (project_session(served, sid) for sid in tabs)
    assert first.engine is not second.engine  # one live model per session


def test_a_slow_solve_does_not_block_other_sessions(served: Served) -> None:
    slow, other = open_session(served), open_session(served)
    lock = project_session(served, slow).lock
    lock.acquire()  # the slow session is busy solving
    finished = threading.Event()

    def blocked() -> None:
        post(served, slow, "set", {"path": "requirements.ground_troops", "value": "31000"})
        finished.set()

    thread = threading.Thread(target=blocked)
    thread.start()
    try:
        time.sleep(0.2)
        status, answer = post(served, other, "set", {"path": "requirements.ground_troops", "value": "29000"})
        assert status == 200 and answer["ok"]
        assert not finished.is_set()  # the other session answered while this one still waits
    finally:
        lock.release()
    thread.join(timeout=60)
    assert finished.is_set()


def test_assets_come_from_the_package(served: Served) -> None:
    sid = open_session(served)
    _, _, page = request(served, "GET", f"/s/{sid}")
    assert b"http://" not in page and b"https://" not in page  # no CDN
    for asset in ("/static/app.js", "/static/app.css", "/static/vendor/chart.umd.min.js"):
        status, _, data = request(served, "GET", asset)
        assert status == 200 and data
    licence = Path(__file__).parent.parent / "src/guarantor/app/static/vendor/chart.js-LICENSE.md"
    assert os.path.getsize(licence) > 0


def test_a_result_renders_in_jupyter_and_the_readme_notebook_cell_runs() -> None:
    import re

    import matplotlib

    matplotlib.use("Agg")
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    cell = re.search(r"<!-- notebook cell -->\n```python\n(.*?)```", readme, re.S)
    assert cell is not None
    scope: dict[str, Any] = {}
    exec(cell.group(1), scope)
    costs = scope["costs"]
    assert len(costs) == 4 and costs == sorted(costs)  # a larger force never costs less
    html = scope["results"][-1]._repr_html_()
    assert "<b>baseline</b>" in html and "total cost: <b>USD" in html and "what binds" in html
    import matplotlib.pyplot as plt

    plt.close("all")
    infeasible = solve_file("scenarios/baseline.yaml", ["requirements.ground_troops=200000"])
    assert "Smallest change that makes it feasible" in infeasible._repr_html_()


def test_a_post_that_is_not_json_is_refused(served: Served) -> None:
    """A form or text/plain post from another site (no CORS preflight) cannot save or change anything."""
    sid = open_session(served)
    parts = urlsplit(served.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    conn.request("POST", f"/s/{sid}/save", '{"name": "csrf"}', {"Content-Type": "text/plain"})
    assert conn.getresponse().status == 415
    conn.close()
    assert not (served.scenarios / "csrf.yaml").exists()


def test_serve_warns_off_loopback_and_explains_a_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from typer.testing import CliRunner

    import guarantor.app.server as server
    from guarantor.cli.app import app as cli

    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(server, "serve", lambda app, host, port: calls.append((host, port)))
    local = CliRunner().invoke(cli, ["serve", "scenarios/baseline.yaml"])
    assert local.exit_code == 0 and "warning" not in local.output and calls[-1] == ("127.0.0.1", 8765)
    remote = CliRunner().invoke(cli, ["serve", "scenarios", "--host", "0.0.0.0", "--port", "9000"])
    assert remote.exit_code == 0 and "warning: serving on 0.0.0.0" in remote.output
    assert calls[-1] == ("0.0.0.0", 9000)
    bad = CliRunner().invoke(cli, ["serve", "README.md"])
    assert bad.exit_code == 2 and "expected a scenario file or a folder of scenarios" in bad.output
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "uvicorn" else real(name))
    missing = CliRunner().invoke(cli, ["serve", "scenarios"])
    assert missing.exit_code == 2 and "pip install 'guarantor[app]'" in missing.output
