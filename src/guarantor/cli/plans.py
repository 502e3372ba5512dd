"""`guarantor evaluate`: cost, shares and violations of a hand-made plan."""

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from guarantor import jsonlayout


def evaluation_payload(evaluation: Any, loaded: Any) -> dict[str, Any]:
    from guarantor.report.numbers import clean_tree, column_kind
    from guarantor.report.payload import decisions_payload, manifest

    m = evaluation.metrics
    data = {
        "scenario": evaluation.scenario,
        "plan": evaluation.plan_file,
        "feasible": evaluation.feasible,
        "completed_by_optimiser": evaluation.completed,
        "total_cost_usd": round(m.total_cost_usd_m * 1e6, 2),
        "annual_cost_usd": {p: round(v * 1e6, 2) for p, v in m.annual_cost_usd_m.items()},
        "shares": {
            "europe_troops": m.europe_troop_share,
            "europe_cost": m.europe_cost_share,
            "us_cost": m.us_cost_share,
        },
        "violations": [
            {
                "rule": v.rule,
                "message": v.message,
                "amount": round(v.amount, 6),
                "unit": v.unit,
                "origin": v.origin,
            }
            for v in evaluation.violations
        ],
        "added_by_optimiser": evaluation.added,
        "outside_model_bounds": evaluation.conflicts,
        "distance_from_optimum": _distance(evaluation),
        "notes": evaluation.notes,
        "decisions": decisions_payload(evaluation.decisions),
        "manifest": manifest(loaded, {}),
    }
    return {
        k: v if k in ("decisions", "manifest") else clean_tree(v, kind=column_kind(k))
        for k, v in data.items()
    }


def _distance(evaluation: Any) -> dict[str, Any] | None:
    """How far the plan is from the scenario's optimum: cost and who moved."""
    optimum, above = evaluation.optimum_cost_usd_m, evaluation.cost_above_optimum_usd_m
    if optimum is None:
        return None
    return {
        "optimum_total_cost_usd": round(optimum * 1e6, 2),
        "above_optimum_usd": round(above * 1e6, 2),
        "above_optimum_pct": round(100 * above / optimum, 2) if optimum > 1e-9 else None,
        "moved": evaluation.moved,
    }


def evaluation_markdown(data: dict[str, Any]) -> str:
    from guarantor.answer.explain import money

    lines = [f"# Plan evaluation: {data['plan']} against {data['scenario']}", ""]
    verdict = "satisfies every constraint" if data["feasible"] else "violates the scenario"
    lines.append(
        f"The plan {verdict}. Total cost: {money(data['total_cost_usd'] / 1e6)}. "
        f"Europe pays {data['shares']['europe_cost']:.1%} and deploys "
        f"{data['shares']['europe_troops']:.1%} of the troops."
    )
    for note in data.get("notes", []):
        lines += ["", f"> {note}"]
    distance = data.get("distance_from_optimum")
    if distance is not None:
        above = distance["above_optimum_usd"] / 1e6
        pct = (
            f" ({distance['above_optimum_pct']:+.1f} %)" if distance["above_optimum_pct"] is not None else ""
        )
        compared = "more than" if above > 1e-6 else "less than" if above < -1e-6 else "the same as"
        amount = f"{money(abs(above))} " if compared != "the same as" else ""
        lines += [
            "",
            "## Distance from the optimum",
            "",
            f"The plan costs {amount}{compared} the optimum of "
            f"{money(distance['optimum_total_cost_usd'] / 1e6)}{pct}.",
        ]
        if distance["moved"]:
            lines += ["", "Compared with the optimum:", ""] + [f"- {m}" for m in distance["moved"]]
        else:
            lines += ["", "It makes the same decisions as the optimum."]
    if data["violations"]:
        lines += ["", "## Violations", "", "| rule | by how much | where set | detail |", "|---|---|---|---|"]
        lines += [
            f"| {v['rule']} | {v['amount']:,.6g} {v['unit']} | {v['origin']} | {v['message']} |"
            for v in data["violations"]
        ]
    if data["outside_model_bounds"]:
        lines += ["", "## Decisions outside what the model allows", ""]
        lines += [f"- {item}" for item in data["outside_model_bounds"]]
    if data["added_by_optimiser"]:
        lines += ["", "## Completed by the optimiser", ""] + [f"- {a}" for a in data["added_by_optimiser"]]
    return "\n".join(lines) + "\n"


def register(app: typer.Typer, guarded: Callable[[Callable[[], int]], None]) -> None:
    from guarantor.cli.common import GapOption, OutOption, SetOption, SolverOption, TimeOption

    @app.command()
    def evaluate(
        scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
        plan: Annotated[Path, typer.Option("--plan", help="Plan YAML fixing some or all decisions.")],
        out: OutOption = Path("reports"),
        solver: SolverOption = None,
        time_limit: TimeOption = None,
        gap: GapOption = None,
        set_: SetOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the evaluation as JSON.")] = False,
    ) -> None:
        """Evaluate a hand-made plan: cost, shares, violations (traced to YAML), optimal completion."""

        def run() -> int:
            from guarantor.api import options_for
            from guarantor.atomic import report_folder, safe_name, write_json, write_text
            from guarantor.model.params import build_params
            from guarantor.plans.evaluate import evaluate_plan
            from guarantor.plans.plan import load_plan
            from guarantor.report.index import write_index
            from guarantor.report.sheets import evaluation_sheets
            from guarantor.report.xlsx import write_workbook
            from guarantor.scenario.loading import load_scenario

            loaded = load_scenario(scenario, set_ or [])
            the_plan = load_plan(plan, build_params(loaded.scenario))
            options = options_for(loaded, solver=solver, time_limit=time_limit, gap=gap)
            evaluation = evaluate_plan(loaded, the_plan, options)
            data = evaluation_payload(evaluation, loaded)
            text = evaluation_markdown(data)
            name = f"{loaded.scenario.name}-plan-{plan.stem}"
            with report_folder(out, name) as folder:
                write_json(folder / "evaluation.json", data)
                write_text(folder / "evaluation.md", text)
                write_workbook(
                    folder / "report.xlsx", evaluation_sheets(data), data["manifest"]["created_at"]
                )
            write_index(out)
            target = out / safe_name(name)
            for note in evaluation.notes:
                if "written for scenario" in note:
                    typer.echo(f"warning: {note}", err=True)
            typer.echo(jsonlayout.dumps(data) if as_json else text, nl=not as_json)
            if not as_json:
                typer.echo(f"report: {target}")
            return 0 if evaluation.feasible else 3

        guarded(run)
