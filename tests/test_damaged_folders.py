"""Damaged run, comparison and sweep folders: every reader names the file and what is wrong with it, exit status 2,
never a traceback and never a silently partial result. The damage is real: files truncated on disk, stray files,
hand-edited JSON."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SCENARIOS, sim

SCENARIO = "name: tiny\nweeks: 6\nworlds: 8\nseed: 3\nevents:\n  - {action: gaza_ceasefire, week: 2}\n"
SWEEP = f"""
name: tiny_sweep
scenario: {SCENARIOS / 'baseline.yaml'}
design: grid
samples: 2
replications: 4
weeks: 6
chunk_worlds: 4
parameters:
  iran_power_share: {{values: [0.2, 0.3, 0.4]}}
outcomes: [us_left_iraq, peak_parallel_rate]
"""


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One run folder, one comparison folder and one sweep folder, made once; tests damage copies of them."""
    root = tmp_path_factory.mktemp("made")
    (root / "tiny.yaml").write_text(SCENARIO)
    (root / "other.yaml").write_text(SCENARIO.replace("tiny", "other"))
    (root / "sweep.yaml").write_text(SWEEP)
    assert sim("run", root / "tiny.yaml", "--no-figures", "--out", root / "run").exit_code == 0
    assert sim("compare", root / "tiny.yaml", root / "other.yaml", "--no-figures", "--out",
               root / "comparison").exit_code == 0
    result = sim("sweep", root / "sweep.yaml", "--out", root / "sweep", "--workers", 1)
    assert result.exit_code == 0, result.output
    return root


def copy(made, name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(made / name, tmp_path / name))


def truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])


def refused(result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, f"{fragment!r} missing from:\n{result.output}"
    return result.output


# ------------------------------------------------------------------------------------------------- run folders
@pytest.mark.parametrize("file", ["events.parquet", "timeseries.parquet"])
def test_report_on_a_truncated_table_says_the_folder_is_damaged(made, tmp_path, file):
    run = copy(made, "run", tmp_path)
    truncate(run / file)
    refused(sim("report", run), str(run / file), "damaged", "Parquet")
    assert not (run / "report.html").exists()


def test_report_on_a_run_missing_events_says_which_file(made, tmp_path):
    run = copy(made, "run", tmp_path)
    (run / "events.parquet").unlink()
    refused(sim("report", run), "the file events.parquet is missing")


def test_report_on_a_timeseries_with_rows_missing(made, tmp_path):
    import pandas as pd

    run = copy(made, "run", tmp_path)
    table = pd.read_parquet(run / "timeseries.parquet")
    table.iloc[: len(table) // 2].to_parquet(run / "timeseries.parquet", index=False)
    refused(sim("report", run), "timeseries.parquet", "damaged", f"expected {len(table):,}")


@pytest.mark.parametrize("edit, key", [({"weeks": "six"}, "weeks"), ({"start_date": "2024-13-01"}, "start_date"),
                                       ({"story": []}, "story"), ({"start_date": "9999-12-01"}, "start_date and weeks"),
                                       ({"weeks": 10**15}, "start_date and weeks")])
def test_report_on_a_hand_edited_manifest(made, tmp_path, edit, key):
    run = copy(made, "run", tmp_path)
    manifest = json.loads((run / "manifest.json").read_text())
    (run / "manifest.json").write_text(json.dumps({**manifest, **edit}))
    refused(sim("report", run), "manifest.json", "damaged", key)


def test_report_on_deeply_nested_json(made, tmp_path):
    run = copy(made, "run", tmp_path)
    (run / "summary.json").write_text("[" * 100_000 + "]" * 100_000)
    refused(sim("report", run), "summary.json", "damaged")


# ------------------------------------------------------------------------------------------------- comparisons
def test_report_on_a_comparison_with_a_truncated_run(made, tmp_path):
    comparison = copy(made, "comparison", tmp_path)
    truncate(comparison / "runs" / "other" / "events.parquet")
    refused(sim("report", comparison), str(comparison / "runs" / "other" / "events.parquet"), "damaged")


@pytest.mark.parametrize("scenarios", [["../../etc"], [["a"]], ["tiny"]])
def test_report_on_a_comparison_naming_impossible_runs(made, tmp_path, scenarios):
    comparison = copy(made, "comparison", tmp_path)
    data = json.loads((comparison / "comparison.json").read_text())
    (comparison / "comparison.json").write_text(json.dumps({**data, "scenarios": scenarios}))
    refused(sim("report", comparison), "comparison.json", "damaged")


@pytest.mark.parametrize("value", ["abc", True, [1]])
def test_report_on_a_comparison_with_a_headline_number_that_is_not_a_number(made, tmp_path, value):
    comparison = copy(made, "comparison", tmp_path)
    data = json.loads((comparison / "comparison.json").read_text())
    data["rows"][2]["mean_difference"] = value
    (comparison / "comparison.json").write_text(json.dumps(data))
    refused(sim("report", comparison), "comparison.json", "damaged", "rows[2].mean_difference",
            "expected a number")


# ------------------------------------------------------------------------------------------------- sweep folders
def test_analyze_on_a_truncated_chunk_names_it(made, tmp_path):
    sweep = copy(made, "sweep", tmp_path)
    truncate(sweep / "chunks" / "chunk-000001.parquet")
    refused(sim("analyze", sweep), "chunk-000001.parquet", "damaged", "not a complete Parquet file")


def test_analyze_on_a_chunk_of_the_wrong_worlds_names_it(made, tmp_path):
    sweep = copy(made, "sweep", tmp_path)
    shutil.copy(sweep / "chunks" / "chunk-000000.parquet", sweep / "chunks" / "chunk-000002.parquet")
    refused(sim("analyze", sweep), "chunk-000002.parquet", "holds worlds 0 to 3; expected worlds 8 to 11")


@pytest.mark.parametrize("stray", ["notes.txt", "chunk-000001 (copy).parquet", "chunk-000099.parquet", "old/"])
def test_a_stray_file_in_chunks_is_named(made, tmp_path, stray):
    sweep = copy(made, "sweep", tmp_path)
    target = sweep / "chunks" / stray.rstrip("/")
    target.mkdir() if stray.endswith("/") else target.write_bytes(b"PAR1")
    for command in (["analyze", sweep], ["sweep", made / "sweep.yaml", "--out", sweep, "--resume", "--workers", 1]):
        refused(sim(*command), stray.rstrip("/"), "`sim sweep` did not write", "move it out")


def test_a_file_being_written_in_chunks_is_not_a_stray(made, tmp_path):
    sweep = copy(made, "sweep", tmp_path)
    (sweep / "chunks" / ".chunk-000001.parquet.4242.tmp").write_bytes(b"half")
    assert sim("analyze", sweep).exit_code == 0


@pytest.mark.parametrize("damage, fragments", [
    ("truncate-design", ["design.parquet", "damaged"]),
    ("delete-design", ["design.parquet", "missing"]),
    ("manifest-not-json", ["manifest.json", "not valid JSON"]),
    ("manifest-wrong-types", ["manifest.json", "damaged", "chunks"]),
])
@pytest.mark.parametrize("command", ["analyze", "resume"])
def test_damaged_design_or_manifest(made, tmp_path, damage, fragments, command):
    sweep = copy(made, "sweep", tmp_path)
    if damage == "truncate-design":
        truncate(sweep / "design.parquet")
    elif damage == "delete-design":
        (sweep / "design.parquet").unlink()
    elif damage == "manifest-not-json":
        truncate(sweep / "manifest.json")
    else:
        manifest = json.loads((sweep / "manifest.json").read_text())
        (sweep / "manifest.json").write_text(json.dumps({**manifest, "chunks": "three"}))
    (sweep / "chunks" / "chunk-000002.parquet").unlink()  # something left to resume
    args = ["analyze", sweep] if command == "analyze" else \
        ["sweep", made / "sweep.yaml", "--out", sweep, "--resume", "--workers", 1]
    refused(sim(*args), *fragments)
    assert not (sweep / "chunks" / "chunk-000002.parquet").exists(), "nothing may run on a damaged folder"


DAMAGED = "figures.pending is damaged"


@pytest.mark.parametrize("mark, reason", [
    ("not json", DAMAGED), ('{"pid": true, "token": "t"}', DAMAGED), ('{"pid": 0, "token": "t"}', DAMAGED),
    ('{"pid": -1, "token": "t"}', DAMAGED), ('{"pid": 99999999999, "token": "t"}', DAMAGED), ('{"pid": 7}', DAMAGED),
    ('{"pid": 999999999, "token": "t"}', "(process 999999999) stopped before it had finished"),
    ('{"pid": %d, "token": "t", "started": "0"}', "stopped before it had finished")])  # a later process, same id
def test_a_run_whose_figures_never_came_is_reported_with_the_reason(made, tmp_path, mark, reason):
    """A figures.pending mark left behind (the drawing process killed, its id since given to another process, or
    the file hand-edited): readers do not wait for ever, and the report says why the figures are missing."""
    import os

    from simulator.output.run_folder import read_run

    folder = copy(made, "run", tmp_path)
    (folder / "figures.pending").write_text(mark.replace("%d", str(os.getpid())))
    assert reason in read_run(folder).figures_problem
    result = sim("report", folder)
    assert result.exit_code == 0, result.output
    assert reason in " ".join((folder / "report.html").read_text().split())


def test_readers_wait_for_a_living_drawing_process_no_longer_than_the_timeout(made, tmp_path):
    import os
    import time

    from simulator.output.run_folder import mark_figures_pending, wait_for_figures

    folder = copy(made, "run", tmp_path)
    mark_figures_pending(folder, os.getpid(), "t")  # alive, and never done
    started = time.monotonic()
    assert "still being drawn" in wait_for_figures(folder, timeout=0.3)
    assert 0.3 <= time.monotonic() - started < 5


def test_figures_go_only_into_the_folder_they_were_handed_over_with(made, tmp_path):
    """A folder deleted while its figures are drawn is not made again, and one put in its place (a new run at the
    same path) gets neither the old run's figures nor its failure."""
    import os

    from simulator.output.run_folder import FAILED, PENDING, figures_failed, mark_figures_pending, place_figures

    folder = copy(made, "run", tmp_path)
    drawn = folder / ".figures-old"
    drawn.mkdir()
    mark_figures_pending(folder, os.getpid(), "new")  # the folder now belongs to another hand-over
    place_figures(folder, drawn, "old")
    figures_failed(folder, "the old run's failure", "old")
    assert not (folder / "figures").exists() and not (folder / FAILED).exists() and (folder / PENDING).exists()
    shutil.rmtree(folder)
    place_figures(folder, drawn, "new")  # gone: nothing to do, and nothing made again
    figures_failed(folder, "too late", "new")
    assert not folder.exists()
