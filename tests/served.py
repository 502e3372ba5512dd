"""The web app served in-process on a free port, over a copy of the shipped scenarios and model."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    url: str
    project: Path  # holds scenarios/, models/, reports/
    app: object

    @property
    def scenarios(self) -> Path:
        return self.project / "scenarios"

    @property
    def reports(self) -> Path:
        return self.project / "reports"


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`guarantor serve` on a project copy (saved scenarios land in the copy, never in the repository)."""
    from guarantor.app.server import create_app, running

    project = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "scenarios", project / "scenarios")
    shutil.copytree(ROOT / "models", project / "models")
    (project / "reports").mkdir()
    app = create_app(project / "scenarios", project / "reports")
    with running(app) as url:
        yield Served(url, project, app)
