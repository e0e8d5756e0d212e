"""Figures people read (issue 10, item 5) and `sim run`'s figures drawn in the background (item 6).

Each figure property is checked on the matplotlib Axes of a really drawn figure: whole-number ticks on counts,
thousands separators, a minimum y span per unit, every dashed line named in a legend, legends clear of the data.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS, SIM, sim
from PIL import Image

from simulator.model import units
from simulator.model.metrics import METRICS
from simulator.output import axes as axis_rules
from simulator.output import figure_worker, figures

FILES = sorted(figures.FIGURES)


@cache
def _model(name="withdrawal", worlds=60):
    from simulator import scenario
    from simulator.output.run import simulate

    return simulate(scenario.load(SCENARIOS / f"{name}.yaml").with_overrides(worlds=worlds)).model


@cache
def _drawn():
    """The run figures of a withdrawal run, drawn (PNGs written), as {(file, metric): Axes} and the Drawing."""
    import tempfile

    data = figures.figure_data(_model(), "withdrawal: US forces leave Iraq")
    drawing = figures.Drawing(data)
    drawing.finish(data, tempfile.mkdtemp(prefix="test-figures-"))
    panels = {}
    for filename, (_, axes) in drawing.figures.items():
        for ax, name in zip(axes.flat, figures.FIGURES[filename][0]):
            panels[name] = ax
    return panels, drawing


def _dashed_verticals(ax):
    """The event lines of a panel: dashed and vertical (an overlay's band edges are dashed too, but not vertical)."""
    return [line for line in ax.get_lines() if line.get_linestyle() not in ("-", "None")
            and len({str(x) for x in line.get_xdata()}) == 1]


def _tick_texts(ax):
    return [t.get_text() for t in ax.get_yticklabels() if t.get_text()]


def _visible_yticks(ax):
    low, high = ax.get_ylim()
    return [v for v in ax.get_yticks() if low <= v <= high]


# ------------------------------------------------------------------------------------------------ units and axes
def test_every_unit_a_figure_shows_has_a_minimum_span_in_one_place():
    shown = {METRICS[n].unit for names, _ in figures.FIGURES.values() for n in names}
    assert shown <= set(units.MIN_SPAN), shown - set(units.MIN_SPAN)
    assert all(units.min_span(u) > 0 for u in units.MIN_SPAN)


@pytest.mark.parametrize("value, unit, step, text", [
    (240000, "fighters", 20000, "240,000"), (2500, "troops", 500, "2,500"), (1550, "IQD per USD", 25, "1,550"),
    (0.3, "share of demand", 0.1, "30%"), (0.975, "share", 0.025, "97.5%"), (0.4, "index 0-1", 0.1, "0.4"),
    (0.325, "index 0-1", 0.025, "0.325"), (3, "attacks per week", 1, "3"), (12.5, "USD bn per year", 2.5, "12.5"),
    (-0.0, "index 0-1", 0.2, "0.0"),
])
def test_tick_labels_read_as_numbers_for_the_unit(value, unit, step, text):
    assert units.fmt_tick(value, unit, step) == text


def test_a_share_is_never_zoomed_into_noise():
    bottom, top = axis_rules.y_range(0.99, 1.0, "share")
    assert top - bottom >= units.min_span("share") and bottom >= -0.05 and top <= 1.05
    assert bottom <= 0.99 and top >= 1.0
    bottom, top = axis_rules.y_range(0.0, 0.48, "share of demand")  # real movement keeps its own scale
    assert top - bottom < 0.6 and bottom < 0 < 0.48 < top


def test_counts_never_go_below_zero_and_span_a_few_whole_things():
    bottom, top = axis_rules.y_range(0, 2, "casualties per week")
    assert -0.5 < bottom <= 0 and top - bottom >= units.min_span("casualties per week")
    assert axis_rules.y_range(0, 0, "troops")[0] > -10


# ------------------------------------------------------------------------------------------------ drawn figures
@pytest.mark.parametrize("name", ["us_troops_iraq", "attacks_per_week", "us_casualties_per_week",
                                  "us_strikes_per_week", "attacks_kataib_hezbollah", "pmu_fighters"])
def test_counts_tick_at_whole_numbers(name):
    ax = _drawn()[0][name]
    ticks = _visible_yticks(ax)
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
    assert all("." not in t for t in _tick_texts(ax)), _tick_texts(ax)


def test_large_numbers_have_thousands_separators():
    texts = _tick_texts(_drawn()[0]["pmu_fighters"])
    assert texts and all("," in t for t in texts if abs(float(t.replace(",", ""))) >= 1000), texts
    assert any("," in t for t in texts)


@pytest.mark.parametrize("name", ["salary_coverage", "power_shortfall"])
def test_shares_show_as_percentages_with_a_minimum_span(name):
    ax = _drawn()[0][name]
    low, high = ax.get_ylim()
    assert high - low >= units.min_span(METRICS[name].unit) - 1e-9 and low >= -0.05 and high <= 1.05
    assert all(t.endswith("%") for t in _tick_texts(ax))


def test_every_dashed_line_is_named_in_a_legend():
    _, drawing = _drawn()
    marks = figures.event_marks(_model())
    assert marks, "withdrawal has a scheduled event"
    for filename, (fig, axes) in drawing.figures.items():
        named = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
        for ax in axes.flat:
            dashed = _dashed_verticals(ax)
            assert len(dashed) == len(marks)
            for line in dashed:
                assert line.get_label() in named, (filename, line.get_label())
        for week, label in marks:
            assert any(f"week {week} " in text and label in text for text in named), (filename, named)


def test_legends_are_clear_of_the_data():
    _, drawing = _drawn()
    for filename, (fig, axes) in drawing.figures.items():
        renderer = fig.canvas.get_renderer()
        assert not any(ax.get_legend() for ax in axes.flat), "no legend inside a panel"
        for legend in fig.legends:
            box = legend.get_window_extent(renderer)
            for ax in axes.flat:
                assert not box.overlaps(ax.get_window_extent(renderer)), filename


def test_overlays_name_each_scenarios_dashed_lines(tmp_path):
    models = {"baseline": _model("baseline", 30), "withdrawal": _model("withdrawal", 30),
              "iran_gas_cutoff": _model("iran_gas_cutoff", 30)}
    data = figures.overlay_data(models, "three")
    drawing = figures.Drawing(data)
    written = drawing.finish(data, tmp_path)
    assert [p.name for p in written] == ["compare_key_metrics.png", "compare_leverage.png"]
    fig, axes = drawing.figures["compare_key_metrics.png"]
    named = {t.get_text() for legend in fig.legends for t in legend.get_texts()}
    assert any(t.startswith("withdrawal: week 4 ") for t in named)
    assert any(t.startswith("iran_gas_cutoff: week ") for t in named)
    colours = {line.get_color() for line in axes.flat[0].get_lines() if line.get_label().startswith("withdrawal:")}
    assert colours == {"C1"}, "an overlay's event lines take their scenario's colour"
    events = _dashed_verticals(axes.flat[0])
    medians = [line for line in axes.flat[0].get_lines() if line not in events and line.get_linewidth() >= 2]
    pattern = lambda line: str(line._dash_pattern[1])  # the dash sequence (None for a solid line)
    assert len(medians) == 3 and {pattern(line) for line in events}.isdisjoint(map(pattern, medians)), \
        "an event line is drawn like a scenario's median"


# ------------------------------------------------------------------------------------------------ sim run, item 6
def _pngs_valid(folder):
    for name in FILES:
        path = folder / "figures" / name
        assert figure_worker.valid_png(path), path
        with Image.open(path) as image:
            image.verify()


def test_run_folder_is_complete_when_sim_run_returns(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run([str(SIM), "run", "withdrawal", "--worlds", "50", "--out", str(out)], capture_output=True,
                          text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (out / "figures").iterdir()) == FILES
    _pngs_valid(out)
    assert "figures/" in proc.stdout and "Note:" not in proc.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["run"], "no staging or figure folders left behind"


@pytest.mark.parametrize("groups", [figure_worker.ONE_GROUP, figure_worker.TWO_GROUPS])
def test_background_figures_are_the_same_pixels_as_drawn_here(tmp_path, groups):
    model = _model()
    data = figures.figure_data(model, "withdrawal: US forces leave Iraq")
    background = figure_worker.BackgroundFigures(figures.layout(data["title"], model.calendar.start, model.weeks),
                                                 groups)
    background.submit(data)
    background.finish(tmp_path / "background")
    figures.draw_figures(data, tmp_path / "here")
    for name in FILES:
        with Image.open(tmp_path / "background" / name) as a, Image.open(tmp_path / "here" / name) as b:
            assert np.array_equal(np.asarray(a), np.asarray(b)), name


def test_a_failed_figure_process_is_reported_and_the_figures_drawn_here(tmp_path, monkeypatch):
    monkeypatch.setattr(figure_worker, "worker_command",
                        lambda: [sys.executable, "-c", "import sys; sys.stderr.write('boom'); sys.exit(3)"])
    result = sim("run", "withdrawal", "--worlds", 30, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "Note: the process drawing key_metrics.png" in result.stderr
    assert "failed (exit status 3): boom" in result.stderr and "Drawing the figures in this process" in result.stderr
    _pngs_valid(tmp_path / "run")


def test_figures_that_cannot_be_drawn_are_reported_and_the_tables_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(figure_worker, "worker_command", lambda: [sys.executable, "-c", "import sys; sys.exit(1)"])

    def broken(data, folder):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(figures, "draw_figures", broken)
    result = sim("run", "withdrawal", "--worlds", 30, "--out", tmp_path / "run")
    assert result.exit_code == 1
    assert "the figures were not drawn" in result.stderr and "RuntimeError: no fonts" in result.stderr
    out = tmp_path / "run"
    assert (out / "timeseries.parquet").exists() and (out / "manifest.json").exists()
    assert not (out / "figures").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def _run_in_a_terminal(args, cwd) -> tuple[int, str]:
    """`sim ARGS` as a student runs it: stdout and stderr a terminal (a pseudo-terminal here); exit status, output."""
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([str(SIM), *map(str, args)], stdout=follower, stderr=follower, cwd=cwd,
                            env={**os.environ, "COLUMNS": "100"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end closed when sim exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=300), b"".join(chunks).decode(errors="replace")


def test_in_a_terminal_sim_run_returns_with_the_tables_and_the_figures_follow_whole(tmp_path):
    from simulator.output.run_folder import FAILED, PENDING, read_run, wait_for_figures

    out = tmp_path / "run"
    status, output = _run_in_a_terminal(["run", "withdrawal", "--worlds", 50, "--out", out], tmp_path)
    assert status == 0, output
    names = {p.name for p in out.iterdir()}
    assert {"manifest.json", "summary.json", "timeseries.parquet", "events.parquet", "story.txt"} <= names
    assert PENDING in names or "figures" in names, f"neither the figures nor the pending mark: {names}"
    if PENDING in names:
        assert "figures/ follows in a few seconds" in " ".join(output.split()), output
    assert wait_for_figures(out, timeout=120) is None
    assert sorted(p.name for p in (out / "figures").iterdir()) == FILES
    _pngs_valid(out)
    names = {p.name for p in out.iterdir()}
    assert PENDING not in names and FAILED not in names and not any(n.startswith(".") for n in names), names
    assert sorted(read_run(out).figures) == FILES
    assert [p.name for p in tmp_path.iterdir()] == ["run"], "no staging or figure folders left behind"


def test_readers_wait_for_figures_still_being_drawn(tmp_path):
    from simulator.interfaces.report import build
    from simulator.output.run_folder import read_run

    result = sim("run", "withdrawal", "--worlds", 30, "--no-wait-figures", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    run = read_run(tmp_path / "run")  # at once: it waits for the figure process
    assert sorted(run.figures) == FILES and run.figures_problem is None
    _pngs_valid(tmp_path / "run")
    page = build(tmp_path / "run").read_text()
    assert page.count("data:image/png;base64") >= 3 and "figures are missing" not in page


# a figure process that takes the run folder over and then exits without placing the figures (it removes the
# folder it was to draw into, as a real one that dies leaves it behind in the temporary directory)
_QUITTER = ("import pickle, shutil, sys; s = sys.stdin.buffer; pickle.load(s); data, drawn = pickle.load(s); "
            "pickle.load(s); shutil.rmtree(drawn)")


def _worker_without_matplotlib(fake) -> list[str]:
    """The real figure process, on a machine whose matplotlib cannot be imported."""
    (fake / "matplotlib").mkdir(parents=True)
    (fake / "matplotlib" / "__init__.py").write_text("raise ImportError('no fonts')\n")
    return [sys.executable, "-P", "-c", f"import sys; sys.path[:0] = [{str(fake)!r}, {str(ROOT)!r}]; "
            "from simulator.output.figure_worker import main; main()"]


@pytest.mark.parametrize("child, reason", [("quits", "stopped before it had finished"),
                                           ("fails", "drawing the figures failed: ImportError: no fonts")])
def test_figures_lost_after_sim_run_returned_are_explained_to_readers(tmp_path, monkeypatch, child, reason):
    from simulator.interfaces.report import build
    from simulator.output.run_folder import FAILED, PENDING, read_run

    command = [sys.executable, "-c", _QUITTER] if child == "quits" else _worker_without_matplotlib(tmp_path / "fake")
    monkeypatch.setattr(figure_worker, "worker_command", lambda: command)
    result = sim("run", "withdrawal", "--worlds", 30, "--no-wait-figures", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "figures/ follows in a few seconds" in " ".join(result.output.split())
    run = read_run(tmp_path / "run")
    assert run.figures == {} and reason in run.figures_problem, run.figures_problem
    if child == "fails":
        assert (tmp_path / "run" / FAILED).is_file() and not (tmp_path / "run" / PENDING).exists()
    page = " ".join(build(tmp_path / "run").read_text().split())
    assert "This run's figures are missing: " in page and reason in page


def test_a_figure_process_that_cannot_start_leaves_the_drawing_to_sim_run(tmp_path, monkeypatch):
    monkeypatch.setattr(figure_worker, "worker_command", lambda: [str(tmp_path / "no-such-python")])
    result = sim("run", "withdrawal", "--worlds", 30, "--no-wait-figures", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "could not start a figure process" in result.stderr and "Drawing the figures in this process" in \
        result.stderr
    assert "follows in a few seconds" not in " ".join(result.output.split())
    _pngs_valid(tmp_path / "run")
    assert sorted(p.name for p in (tmp_path / "run").iterdir() if "figures" in p.name) == ["figures"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_sim_run_does_not_import_all_of_mesa_but_mesa_stays_whole():
    code = ("import sys\n"
            "from simulator import LeverageModel\n"
            "m = LeverageModel(worlds=3, seed=1, weeks=2).run()\n"
            "assert 'scipy' not in sys.modules and 'networkx' not in sys.modules, 'the core only'\n"
            "import mesa\n"
            "from mesa import DataCollector, batch_run\n"
            "assert isinstance(m, mesa.Model) and isinstance(m.us, mesa.Agent) and mesa.__version__\n"
            "assert mesa.space.MultiGrid and batch_run and isinstance(m.datacollector, DataCollector)\n"
            "assert mesa.model._mesa_logger.name == 'MESA.mesa.model', 'the logger Mesa would name itself'\n"
            "import inspect, logging\n"
            "assert mesa.mesa_logging.inspect is inspect, 'Mesa logging has inspect back'\n"
            "assert mesa.Model.__init__.__wrapped__, 'wrapped by method_logger'\n"
            "logging.getLogger('MESA').setLevel(logging.DEBUG)\n"
            "import io; out = io.StringIO(); h = logging.StreamHandler(out); logging.getLogger('MESA').addHandler(h)\n"
            "mesa.Model(seed=1)\n"
            "assert 'calling Model.__init__' in out.getvalue(), out.getvalue()\n"
            "import mesa.experimental\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_sim_run_never_imports_pandas_and_its_datacollector_catches_up(tmp_path):
    """pandas costs 0.4 s of a `sim run` here: the model, the run folder's Parquet and the story do without it, and
    Mesa's DataCollector (which imports it) is made when first read, holding every week recorded before."""
    out = tmp_path / "run"
    code = ("import sys\n"
            "from simulator.interfaces.cli import main\n"
            f"sys.argv = ['sim', 'run', 'withdrawal', '--out', {str(out)!r}]\n"
            "try:\n"
            "    main()\n"
            "except SystemExit as end:\n"
            "    assert not end.code, end.code\n"
            "assert 'pandas' not in sys.modules, 'sim run imported pandas'\n"
            "from simulator import LeverageModel\n"
            "m = LeverageModel(worlds=20, seed=1, weeks=5).run()\n"
            "assert 'pandas' not in sys.modules\n"
            "frame = m.datacollector.get_model_vars_dataframe()\n"
            "assert len(frame) == 6 and 'pandas' in sys.modules, len(frame)\n"
            "m2 = LeverageModel(worlds=20, seed=1, weeks=5)\n"
            "m2.datacollector\n"
            "m2.run()\n"
            "assert m2.datacollector.get_model_vars_dataframe().equals(frame), 'made early or late: same rows'\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(p.name for p in (out / "figures").iterdir()) == FILES


def test_run_folder_parquet_is_the_table_pandas_writes(tmp_path):
    """The run folder writes Parquet from numpy buffers (no pandas); the table read back equals the one pandas'
    to_parquet writes from the same columns: integers, float32 with NaN (null, as pandas writes it), dates, strings,
    booleans."""
    import pandas as pd
    import pyarrow.parquet as pq

    from simulator.output.columns import write_parquet

    columns = {"world": np.arange(4, dtype=np.int64), "value": np.array([1.5, np.nan, 3.0, -0.0], dtype=np.float32),
               "date": np.datetime64("2024-01-15", "us") + np.arange(4).astype("timedelta64[D]"),
               "text": np.array(["a", "Kata'ib", None, "\u00e9"], dtype=object), "flag": np.array([1, 0, 0, 1], bool),
               "wide": np.array([np.nan, 2.5, 1e300, 0.0]),
               "ascii": np.array(["US strikes", "", "a", "Kata'ib"], dtype=object),  # strings only: the fast path
               "unicode": np.array(["\u00e9t\u00e9", "Ba\u1e2bd\u0101d", "", "\u062f"], dtype=object)}
    write_parquet(tmp_path / "ours.parquet", columns)
    pd.DataFrame(columns).to_parquet(tmp_path / "pandas.parquet", index=False)
    ours, theirs = (pq.read_table(tmp_path / f"{name}.parquet").replace_schema_metadata(None)
                    for name in ("ours", "pandas"))
    assert ours.equals(theirs), f"{ours.schema}\n{theirs.schema}"
    pd.testing.assert_frame_equal(*(pd.read_parquet(tmp_path / f"{name}.parquet") for name in ("ours", "pandas")))


def test_run_folder_csv_is_the_csv_pandas_writes(tmp_path):
    """summary.csv is written without pandas, byte for byte as DataFrame(rows).to_csv(index=False): columns in order
    of first appearance, missing cells empty, an int in a float column (or in a column with missing cells) as a float,
    a mixed column as written."""
    import pandas as pd

    from simulator.output.columns import write_csv

    rows = [{"kind": "metric", "name": "a", "median": 1.5, "count": 2, "mixed": "x", "whole": np.int64(3)},
            {"kind": "outcome", "name": "b, c", "median": np.int64(2), "p5": None, "mixed": 2, "whole": 4},
            {"kind": "outcome", "name": "d", "median": float("nan"), "count": 7, "mixed": 2.5, "whole": 5}]
    write_csv(tmp_path / "ours.csv", rows)
    pd.DataFrame(rows).to_csv(tmp_path / "pandas.csv", index=False)
    assert (tmp_path / "ours.csv").read_text() == (tmp_path / "pandas.csv").read_text()


def test_a_second_figure_process_only_when_a_core_is_idle(monkeypatch):
    monkeypatch.setattr(figure_worker.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(figure_worker.os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    assert figure_worker.default_groups() == figure_worker.TWO_GROUPS
    monkeypatch.setattr(figure_worker.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert figure_worker.default_groups() == figure_worker.ONE_GROUP
    assert sorted(f for group in figure_worker.TWO_GROUPS for f in group) == FILES
    assert sorted(f for group in figure_worker.ONE_GROUP for f in group) == FILES


def test_events_in_the_same_week_share_one_named_line(tmp_path):
    model = _model("bluff_called", 40)
    marks = figures.event_marks(model)
    weeks = sorted({w for w, _ in marks})
    assert len(marks) > len(weeks), "bluff_called has several events in one week"
    data = figures.figure_data(model, "bluff_called")
    drawing = figures.Drawing(data)
    drawing.finish(data, tmp_path)
    fig, axes = drawing.figures["key_metrics.png"]
    dashed = _dashed_verticals(axes.flat[0])
    assert len(dashed) == len(weeks) and len({line.get_color() for line in dashed}) == len(weeks)
    named = " ".join(" ".join(t.get_text().split()) for legend in fig.legends for t in legend.get_texts())
    for week, label in marks:
        assert f"week {week} " in named and label in named, label


def test_overlay_events_on_the_same_date_share_one_grey_line_named_for_each_scenario(tmp_path):
    models = {"waivers_revoked": _model("waivers_revoked", 30), "bluff_called": _model("bluff_called", 30)}
    data = figures.overlay_data(models, "two")
    drawing = figures.Drawing(data)
    drawing.finish(data, tmp_path)
    fig, axes = drawing.figures["compare_leverage.png"]
    dashed = _dashed_verticals(axes.flat[0])
    shared = [line for line in dashed if "waivers_revoked: week 4 " in line.get_label()]
    assert len(shared) == 1 and "bluff_called: week 4 " in shared[0].get_label()
    assert shared[0].get_color() == "0.25"
    assert len({str(line.get_xdata()[0]) for line in dashed}) == len(dashed), "one line per date"
