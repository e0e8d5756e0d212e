"""The `sim` command. Each subcommand is a thin layer over the library; user mistakes exit with status 2."""

from __future__ import annotations

import functools
import sys
import time

import click

from ..errors import UserError
from ..extras import require
from ..model.units import plural

PROGRESS_AFTER_SECONDS = 0.5  # a progress bar once a run has taken this long...
PROGRESS_LEFT_SECONDS = 1.0  # ...and is expected to take this much longer (a bar that flashes by is noise)


class _Group(click.Group):
    """Turns a UserError anywhere below into a one-paragraph message and exit status 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as err:
            click.echo(f"Error: {err}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leverage-sim", prog_name="sim")
def cli():
    """Simulate economic and military leverage between the US, Iran, Iraq and Iraq's militias."""


@cli.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.option("--worlds", type=int, help="Number of worlds in the ensemble (default: the scenario's).")
@click.option("--seed", type=int, help="Random seed (default: the scenario's).")
@click.option("--weeks", type=int, help="Horizon in weeks (default: the scenario's).")
@click.option("--out", "out", type=str, help="New folder for the results (default outputs/<scenario>/<timestamp>/).")
@click.option("--csv", is_flag=True, help="Also write the time series and events as CSV.")
@click.option("--no-figures", is_flag=True, help="Skip the PNG figures.")
@click.option("--wait-figures/--no-wait-figures", default=None,
              help="Return only once the figures are drawn, or as soon as the tables are written while the figures "
                   "follow in a few seconds (default: wait unless the output is a terminal; a shell script run from "
                   "a terminal has one too, so give --wait-figures where a script uses the figures at once).")
@click.option("--predictions", "predictions_file", help="Reveal the predictions in this file (from `sim predict`).")
def run(scenario_file, worlds, seed, weeks, out, csv, no_figures, wait_figures, predictions_file):
    """Run SCENARIO (a YAML file or the name of a shipped scenario) as a Monte Carlo ensemble, print a summary and
    write the results. In a terminal the figures are drawn in the background and appear in the run folder a few
    seconds after `sim run` returns (`sim report` waits for them); in a script `sim run` waits for them."""
    from .. import scenario as scenarios
    from ..output.run_folder import choose_folder

    spec = scenarios.load(scenario_file).with_overrides(worlds=worlds, seed=seed, weeks=weeks)
    folder = choose_folder(spec.name, out)
    guesses = None
    if predictions_file:
        from ..output import predictions

        guesses = predictions.load(predictions_file)
        if guesses["scenario"] != spec.name:
            raise UserError(f"--predictions {predictions_file}: these predictions are for scenario "
                            f"{guesses['scenario']!r}, not {spec.name!r}.")
    wait = not sys.stdout.isatty() if wait_figures is None else wait_figures  # a script may read them next
    background = None
    if not no_figures and wait:  # the figure processes lay out the figures while the model runs
        from ..output.figure_worker import BackgroundFigures

        background = BackgroundFigures(_figure_layout(spec))
    try:
        run_ = _simulate_with_progress(spec)
        figures = False
        if not no_figures:
            from ..output.figure_worker import DetachedFigures
            from ..output.figures import figure_data

            data = figure_data(run_.model, f"{spec.name}: {spec.title}")
            if background is not None:
                background.submit(data)
                figures = background
            else:  # drawn after sim run has returned, by a process started once the run folder is in place
                figures = DetachedFigures(_figure_layout(spec), data)
        _report_and_write(run_, spec, folder, csv, figures, guesses)
    finally:
        if background is not None:
            background.cancel()  # nothing left to stop once the figures are in place


def _figure_layout(spec) -> dict:
    from ..output.figures import layout, run_title

    return layout(run_title(f"{spec.name}: {spec.title}", spec.worlds, spec.seed), spec.start_date, spec.weeks)


def _report_and_write(run_, spec, folder, csv, figures, guesses):
    from ..output.figure_worker import FiguresFailed
    from ..output.run_folder import PENDING, RunWriter
    from ..output.story import render, tell
    from ..output.summary import summarize, text_table

    events = run_.model.event_columns()
    writer = RunWriter(run_, folder, events, csv)  # the tables, while the summary and story are made and printed
    try:
        summary = summarize(run_.model)
        story = tell(run_.model, events)
        columns = width()
        echo(f"{spec.name}: {spec.title}")
        echo(f"{spec.worlds:,} worlds x {spec.weeks} weeks from {spec.start_date}, seed {spec.seed}; simulated in "
             f"{run_.seconds:.2f} s\n")
        click.echo(text_table(run_.model, summary, columns) + "\n")
        click.echo(render(story, columns) + "\n")
        if guesses is not None:
            from ..output import predictions

            guesses["reveal"] = predictions.reveal(run_.model, guesses)
            click.echo(predictions.reveal_text(guesses["reveal"], columns) + "\n")
    except BaseException:
        writer.abandon()
        raise
    try:
        written = writer.finish(summary, story, figures, guesses)
    except FiguresFailed as err:
        echo(f"Results written to {folder}/ (timeseries.parquet, events.parquet, summary.json, summary.csv, "
             f"story.txt, manifest.json{', CSV copies' if csv else ''}).")
        click.echo(f"Error: the figures were not drawn. {err} `sim run --no-figures` skips them.", err=True)
        sys.exit(1)
    pending = (written / PENDING).exists()
    echo(f"Results written to {written}/ (timeseries.parquet, events.parquet, summary.json, summary.csv, story.txt, "
         f"manifest.json{', figures/' if figures and not pending else ''}{', CSV copies' if csv else ''})"
         + ("; figures/ follows in a few seconds (drawn in the background)." if pending else "."))


def width() -> int:
    from ..output.tables import width as terminal_width

    return terminal_width()


def echo(text: str) -> None:
    """A paragraph to the terminal, wrapped to its width (a trailing line break kept)."""
    import textwrap

    body = text.rstrip("\n")
    click.echo(textwrap.fill(body, width=width(), break_on_hyphens=False) + text[len(body):])


def _simulate_with_progress(spec):
    """Run the ensemble; show a progress bar only if it is taking more than a moment and is not nearly done."""
    from ..output.run import simulate

    started = time.perf_counter()
    state = {"bar": None, "task": None}

    def progress(week, weeks):
        if state["bar"] is None and wants_progress_bar(time.perf_counter() - started, week, weeks):
            from rich.progress import BarColumn, Progress, TimeRemainingColumn

            state["bar"] = Progress("[progress.description]{task.description}", BarColumn(),
                                    "week {task.completed}/{task.total}", TimeRemainingColumn(), transient=True,
                                    console=_stderr_console())
            state["bar"].start()
            state["task"] = state["bar"].add_task(f"{spec.name}: {spec.worlds:,} worlds", total=weeks)
        if state["bar"] is not None:
            state["bar"].update(state["task"], completed=week)

    try:
        return simulate(spec, progress=progress)
    finally:
        if state["bar"] is not None:
            state["bar"].stop()


def wants_progress_bar(elapsed: float, week: int, weeks: int) -> bool:
    """Whether a run `elapsed` seconds in, at `week` of `weeks`, is slow enough for a progress bar."""
    return elapsed > PROGRESS_AFTER_SECONDS and elapsed / max(week, 1) * (weeks - week) > PROGRESS_LEFT_SECONDS


def _stderr_console():
    from rich.console import Console

    return Console(file=sys.stderr)


@cli.command()
@click.argument("scenario_file", metavar="SCENARIO")
@click.option("--name", required=True, help="Student or group making the prediction.")
@click.option("--set", "answers", multiple=True, metavar="KEY=VALUE",
              help="A prediction without prompting (repeatable); keys: us_left_iraq, peak_parallel_rate, "
                   "mean_attacks_per_week, iran_revenue. A share of worlds may be 40%, 0.4 or 40; a rate 1,600.")
@click.option("--file", "file", help="Predictions file (default predictions/<scenario>.json).")
def predict(scenario_file, name, answers, file):
    """Record predictions for SCENARIO's headline outcomes before running it (predict, then reveal). Without --set,
    asks four questions, each with today's value as an anchor, and asks again after an answer that makes no sense.
    `sim run SCENARIO --predictions FILE` and `sim compare` reveal them."""
    from pathlib import Path

    from .. import scenario as scenarios
    from ..output import predictions

    spec = scenarios.load(scenario_file)
    given = {}
    for item in answers:
        key, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not value:
            raise UserError(f"command line, option --set {item!r}: expected KEY=NUMBER, e.g. us_left_iraq=40%.")
        if key not in predictions.QUESTIONS:
            raise UserError(f"command line, option --set {item!r}: the prediction {key!r} is unknown. Expected one "
                            f"of: {', '.join(predictions.QUESTIONS)}.")
        given[key] = predictions.QUESTIONS[key].parse(value, key)
    if not given:
        echo(f"{spec.name}: {spec.title}")
        echo(f"{spec.description}\n")
        today = predictions.anchors(spec)
        echo(f"Today ({spec.start_date}, before anything happens) is given with each question as an anchor. Shares "
             f"of worlds may be typed as 40%, 0.4 or 40.\n")
        for i, (key, q) in enumerate(predictions.QUESTIONS.items(), 1):
            echo(f"{i}. {q.label}? ({q.unit}; today: {today[key]})")
            given[key] = click.prompt("   Your prediction", value_proc=functools.partial(_answer, q, key))
    target = Path(file) if file else predictions.default_file(spec.name)
    predictions.record(target, spec.name, name, given)
    found = " (`sim compare` finds this file by itself)" if target == predictions.default_file(spec.name) else ""
    echo(f"Recorded {plural(len(given), 'prediction')} by {name} in {target}. Reveal with: sim run {scenario_file} "
         f"--predictions {target}{found}.")


def _answer(question, key: str, text: str) -> float:
    """A typed answer, or click's re-prompt with the one-sentence reason."""
    try:
        return question.parse(text, key)
    except UserError as err:
        raise click.BadParameter(str(err)) from None


@cli.command()
@click.argument("baseline", metavar="BASELINE")
@click.argument("scenario_files", metavar="SCENARIO...", nargs=-1, required=True)
@click.option("--pairs", is_flag=True,
              help="Also compare the scenarios with each other, each against every one listed before it (e.g. "
                   "summer against winter), not only with BASELINE.")
@click.option("--predictions", "prediction_files", multiple=True, metavar="FILE",
              help="Reveal the predictions in FILE (from `sim predict`; repeatable, one per scenario). Default: "
                   "predictions/<scenario>.json for each scenario where it exists.")
@click.option("--no-predictions", is_flag=True, help="Do not look for predictions/<scenario>.json.")
@click.option("--worlds", type=int, help="Worlds in every scenario (default: the baseline's).")
@click.option("--seed", type=int, help="Seed for every scenario (default: the baseline's).")
@click.option("--out", "out", type=str, help="New folder (default outputs/compare/<names>/<timestamp>/).")
@click.option("--no-figures", is_flag=True, help="Skip the overlay figures.")
def compare(baseline, scenario_files, pairs, prediction_files, no_predictions, worlds, seed, out, no_figures):
    """Compare scenarios with BASELINE on the same seed and worlds (paired, common random numbers), and with each
    other with --pairs; reveal the class's predictions for them."""
    from ..comparison.runner import run_comparison

    _, text = run_comparison(baseline, scenario_files, worlds=worlds, seed=seed, out=out, figures=not no_figures,
                             pairs=pairs, prediction_files=prediction_files, default_predictions=not no_predictions,
                             columns=width())
    click.echo(text)


@cli.command()
@click.option("--port", type=int, default=8765, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (127.0.0.1: this machine only).")
def dashboard(port, host):
    """Start the classroom dashboard (a Solara page over the Mesa model) and open it at http://HOST:PORT."""
    require("dashboard", "sim dashboard")
    from .dashboard import serve

    click.echo(f"Classroom dashboard on http://{host}:{port} (Ctrl-C to stop)")
    serve(port=port, host=host)


@cli.command()
@click.argument("folder", metavar="DIR")
@click.option("--out", "out", help="HTML file or folder to write (default DIR/report.html; never overwritten).")
def report(folder, out):
    """Turn a run or comparison folder into one self-contained HTML debrief."""
    from .report import build

    click.echo(f"Report written to {build(folder, out)}")


@cli.command()
@click.argument("sweep_file", metavar="SWEEP")
@click.option("--out", "out", type=str, help="Folder for the results (default outputs/sweeps/<name>/<timestamp>/).")
@click.option("--workers", type=int, help="Local worker processes (default: all cores).")
@click.option("--scheduler", metavar="ADDRESS", help="Run on an existing Dask cluster, e.g. tcp://host:8786.")
@click.option("--local-cluster", type=int, metavar="N", help="Start a local Dask cluster of N workers for this run.")
@click.option("--resume", is_flag=True, help="Finish an interrupted sweep in --out without redoing finished chunks.")
@click.option("--chunk-worlds", type=int, help="Worlds per chunk (default: the sweep file's, else 10,000).")
@click.option("--worker-timeout", type=float, metavar="SECONDS",
              help="Dask only: stop (saving the finished chunks) when no worker has been alive this long "
                   "(default 60).")
def sweep(sweep_file, out, workers, scheduler, local_cluster, resume, chunk_worlds, worker_timeout):
    """Run the parameter sweep in SWEEP (a YAML file or the name of a shipped one, see configs/sweeps/), saving each
    chunk as it finishes."""
    require("sweeps", "sim sweep")
    from ..shipped import find_sweep
    from .sweep_command import run_sweep_command

    code = run_sweep_command(str(find_sweep(sweep_file)), out, workers, scheduler, local_cluster, resume, chunk_worlds,
                             worker_timeout)
    sys.exit(code)


@cli.command()
@click.argument("sweep_dir", metavar="SWEEP_DIR")
@click.option("--method", type=click.Choice(["summary", "sobol", "morris", "prim"]), default="summary",
              show_default=True, help="Summary by design point, Sobol indices, Morris screening or PRIM boxes.")
@click.option("--outcome", help="Outcome to analyse (default: the sweep's first).")
@click.option("--threshold", type=float, help="PRIM only: an outcome above this counts as a case (default 0.5).")
@click.option("--out", "out", help="Folder for tables and figures (default SWEEP_DIR/analysis/).")
def analyze(sweep_dir, method, outcome, threshold, out):
    """Analyse the results of a sweep: tables to the terminal and CSV, figures as PNG."""
    require("sweeps", "sim analyze")
    from ..analysis import analyze as run_analysis

    text, _ = run_analysis(sweep_dir, method=method, outcome=outcome, threshold=threshold, out_dir=out)
    click.echo(text)


@cli.command()
@click.argument("scenario_files", metavar="SCENARIO...", nargs=-1, required=True)
def validate(scenario_files):
    """Check scenario files without running them."""
    from .. import scenario as scenarios

    for path in scenario_files:
        spec = scenarios.load(path)
        click.echo(f"{path}: OK ({spec.name}: {plural(len(spec.events), 'event')}, "
                   f"{plural(len(spec.parameters), 'parameter override')}, {spec.worlds:,} worlds x {spec.weeks} "
                   f"weeks)")


@cli.command("scenarios")
def list_scenarios():
    """List the shipped scenarios by name (use a name wherever a SCENARIO file is expected)."""
    from .. import shipped
    from ..scenario.yaml_source import YamlSource

    for name in shipped.scenario_names():
        data = YamlSource(shipped.shipped_scenario(name)).data
        title = data.get("title", "") if isinstance(data, dict) else ""
        click.echo(f"{name:<28} {str(title).strip()}")
    click.echo(f"\n(files in {shipped.scenarios_dir()})")


@cli.command()
@click.option("--markdown", is_flag=True, help="Print the table as Markdown (the text of docs/parameters.md).")
@click.option("--actor", type=click.Choice(["us", "iran", "iraq", "pmu", "militia", "world"]), help="Only this actor.")
def params(markdown, actor):
    """List every parameter with its unit, default, range and provenance."""
    from ..model.parameters import registry, to_markdown

    if markdown:
        click.echo(to_markdown(), nl=False)
        return
    for p in registry().values():
        if actor and p.actor != actor:
            continue
        click.echo(f"{p.name}  [{p.unit}]  default {p.default:g}, range {p.low:g} to {p.high:g}")
        click.echo(f"    {p.description}")
        click.echo(f"    source: {p.cite()}")


def main():
    cli(prog_name="sim")
