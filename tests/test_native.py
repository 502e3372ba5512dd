"""Deferred work starts when the main thread first waits in HiGHS, or when it is asked for."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from guarantor.native import Deferred, released


def test_deferred_work_waits_for_a_native_section() -> None:
    ran: list[str] = []
    work = Deferred(lambda: ran.append(threading.current_thread().name) or 42, "probe")
    time.sleep(0.05)  # time enough for a thread that started on its own
    assert ran == []
    with released():
        pass
    assert work.result() == 42
    assert ran == ["probe"]  # on its own thread


def test_asking_for_it_runs_it_at_once_and_errors_reach_the_caller() -> None:
    assert Deferred(lambda: "now").result() == "now"

    def broken() -> None:
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        Deferred(broken).result()


def test_settling_unstarted_work_cancels_it() -> None:
    ran: list[int] = []
    work = Deferred(lambda: ran.append(1))
    assert work.settle() is False
    with released():  # a later native section does not start it either
        pass
    assert ran == []


def test_the_solve_path_opens_a_native_section(mini_baseline: Path) -> None:
    from guarantor.answer.assemble import solve_scenario
    from guarantor.scenario.loading import load_scenario

    loaded = load_scenario(mini_baseline)
    work = Deferred(lambda: None)
    solve_scenario(loaded)
    assert work.settle() is True  # started by the solve's HiGHS run, not cancelled
