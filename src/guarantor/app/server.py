"""The local web app behind `guarantor serve`: Starlette routes over live `Session`s.

Each page load opens its own session (its own live HiGHS model), so two tabs never share a
model; a session's requests are serialised by its lock, and endpoints are plain functions that
Starlette runs in its thread pool, so a slow solve in one session does not hold up another.
Requests name files only inside the scenarios and reports folders (`app.paths`); every asset
is served from the installed package.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from guarantor.app import paths
from guarantor.app.saving import export, save_as
from guarantor.app.session import Session
from guarantor.app.views import compare_view, control_groups, render, results_view
from guarantor.errors import InputError

STATIC = Path(__file__).parent / "static"
MAX_SESSIONS = 16
"""Sessions kept in memory (the oldest is closed first): each holds a live model."""
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class Project:
    """The folders the app may read and write, and the live sessions."""

    scenarios: Path
    reports: Path
    first: str | None = None  # the scenario named on the command line
    sessions: OrderedDict[str, Session] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, name: str) -> str:
        session = Session(paths.scenario_file(self.scenarios, name))
        sid = secrets.token_urlsafe(12)
        with self.lock:
            self.sessions[sid] = session
            while len(self.sessions) > MAX_SESSIONS:
                self.sessions.popitem(last=False)
        return sid

    def get(self, sid: str) -> Session | None:
        with self.lock:
            session = self.sessions.get(sid)
            if session is not None:
                self.sessions.move_to_end(sid)
            return session


def problem_list(error: InputError) -> list[str]:
    return [p.message if p.origin.file == "request" else str(p) for p in error.problems]


def update(session: Session, **extra: Any) -> dict[str, Any]:
    """The parts of the page that change after a request."""
    view = results_view(session)
    compare = compare_view(session)
    return {
        "ok": True,
        "results": render("results.html", **view),
        "compare": render("compare.html", compare=compare) if compare else "",
        "charts": view["charts"],
        "status": view["headline"]["status"],
        "classes_pending": session.result.decisions is not None and session.result.robustness is None,
        **extra,
    }


def create_app(
    scenarios: Path, reports: Path, first: str | None = None, hosts: list[str] | None = None
) -> Starlette:
    """The ASGI app for a project whose scenarios and reports live in these folders."""
    project = Project(scenarios, reports, first)

    def session_or_404(request: Request) -> Session:
        session = project.get(request.path_params["sid"])
        if session is None:
            raise LookupError
        return session

    def index(request: Request) -> Response:
        if project.first is not None and "list" not in request.query_params:
            return RedirectResponse(f"/open/{project.first}", status_code=303)
        return HTMLResponse(
            render(
                "index.html", scenarios=paths.scenario_files(project.scenarios), folder=project.scenarios.name
            )
        )

    def open_scenario(request: Request) -> Response:
        try:
            sid = project.open(request.path_params["name"])
        except paths.Refused as error:
            return HTMLResponse(render("refused.html", problems=problem_list(error)), status_code=403)
        except InputError as error:
            return HTMLResponse(render("refused.html", problems=problem_list(error)), status_code=422)
        return RedirectResponse(f"/s/{sid}", status_code=303)

    def page(request: Request) -> Response:
        try:
            session = session_or_404(request)
        except LookupError:
            return RedirectResponse("/?list", status_code=303)
        view = results_view(session)
        compare = compare_view(session)
        return HTMLResponse(
            render(
                "page.html",
                sid=request.path_params["sid"],
                session=session,
                scenario=session.saved_scenario.scenario,
                file=session.path.name,
                groups=control_groups(session),
                scenarios=paths.scenario_files(project.scenarios),
                compare=compare,
                **view,
            )
        )

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def action(handler: Any) -> Any:
        """An endpoint over one session: JSON in, JSON out; input problems are answers, not errors."""

        async def endpoint(request: Request) -> Response:
            from starlette.concurrency import run_in_threadpool

            if request.method == "POST" and request.headers.get("content-type") != "application/json":
                # a form or text/plain post from another site would skip the browser's CORS check
                return JSONResponse({"ok": False, "errors": ["expected application/json"]}, 415)
            data = await body(request)
            try:
                session = session_or_404(request)
            except LookupError:
                return JSONResponse({"ok": False, "errors": ["this session has ended: reload the page"]}, 404)
            try:
                return JSONResponse(await run_in_threadpool(handler, session, data))
            except paths.Refused as error:
                return JSONResponse({"ok": False, "errors": problem_list(error)}, status_code=403)
            except InputError as error:
                return JSONResponse({"ok": False, "errors": problem_list(error)}, status_code=422)

        return endpoint

    def set_value(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        updates = data.get("values") or {str(data.get("path", "")): str(data.get("value", ""))}
        problems = session.apply({str(k): str(v) for k, v in updates.items()})
        if problems:
            return {
                "ok": False,
                "errors": [p.message for p in problems],
                "where": [p.key_path for p in problems],
            }
        return update(session)

    def classes(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        session.classify()
        return update(session)

    def reset(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        session.reset()
        return update(session, reload=True)

    def pin(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        session.pin(str(data.get("label", ""))[:60])
        return update(session)

    def unpin(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        session.unpin(int(data.get("index", -1)))
        return update(session)

    def save(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        target = save_as(session, project.scenarios, str(data.get("name", "")).strip())
        shown = f"{project.scenarios.name}/{target.name}"
        return {"ok": True, "path": shown, "command": f"guarantor solve {shown}"}

    def export_run(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        folder = export(session, project.reports)
        links = {"report": f"/reports/{folder.name}/report.html"}
        if (folder / "plan.yaml").exists():
            links["plan"] = f"/reports/{folder.name}/plan.yaml"
        return {"ok": True, "folder": f"{project.reports.name}/{folder.name}", "links": links}

    def state(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        r = session.result
        return {
            "ok": True,
            "status": str(r.status),
            "total_cost_usd_m": r.metrics.total_cost_usd_m if r.metrics else None,
            "changes": session.overrides(),
        }

    def report_file(request: Request) -> Response:
        try:
            target = paths.inside(project.reports, request.path_params["path"])
        except paths.Refused as error:
            return JSONResponse({"ok": False, "errors": problem_list(error)}, status_code=403)
        if not target.is_file():
            return JSONResponse({"ok": False, "errors": ["no such file"]}, status_code=404)
        return FileResponse(target)

    routes = [
        Route("/", index),
        Route("/open/{name:path}", open_scenario),
        Route("/s/{sid}", page),
        Route("/s/{sid}/set", action(set_value), methods=["POST"]),
        Route("/s/{sid}/classes", action(classes), methods=["POST"]),
        Route("/s/{sid}/reset", action(reset), methods=["POST"]),
        Route("/s/{sid}/pin", action(pin), methods=["POST"]),
        Route("/s/{sid}/unpin", action(unpin), methods=["POST"]),
        Route("/s/{sid}/save", action(save), methods=["POST"]),
        Route("/s/{sid}/export", action(export_run), methods=["POST"]),
        Route("/s/{sid}/state", action(state), methods=["POST", "GET"]),
        Route("/reports/{path:path}", report_file),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    routes.append(Route("/favicon.ico", lambda request: Response(status_code=204)))
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts or ["127.0.0.1", "localhost", "[::1]"])
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.project = project
    return app


def serve(app: Starlette, host: str, port: int) -> None:
    """Run the app with uvicorn until Ctrl-C."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


@contextmanager
def running(app: Starlette, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `app` from a background thread on a free port; yield its base URL (tests, benchmarks)."""
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
