"""A sweep whose chunks failed because of its own inputs can be fixed and resumed; a change that would mix results of
two different sweeps is refused, naming the keys (the rule is in simulator/sweeps/runner.py and docs/sweeps.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import SCENARIOS, sim

# Chunk 0 holds the worlds of point 0 (lag 0 weeks, which breaks the model), chunk 1 those of point 1.
BROKEN = f"""
scenario: {SCENARIOS / 'baseline.yaml'}
design: grid
replications: 10
weeks: 12
seed: 5
chunk_worlds: 10
allow_outside_range: true
parameters:
  pmu_recruitment_lag_weeks: {{values: [0, 30]}}
outcomes:
  - {{name: fighters, metric: pmu_fighters, stat: final}}
"""
FIXED = BROKEN.replace("values: [0, 30]", "values: [2, 30]")


def sweep(path: Path, text: str, out: Path, *args):
    path.write_text(text)
    return sim("sweep", path, "--out", out, "--workers", 1, *args)


def table(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "chunks").sort_values("world", ignore_index=True)


@pytest.fixture
def failed(tmp_path):
    out = tmp_path / "out"
    with pytest.warns(RuntimeWarning):  # the broken parameter value is the point
        result = sweep(tmp_path / "sweep.yaml", BROKEN, out)
    assert result.exit_code == 1 and "1 chunks failed" in result.output, result.output
    return out


def test_fixing_the_value_of_failed_chunks_resumes_to_the_fixed_sweep(tmp_path, failed):
    kept = (failed / "chunks" / "chunk-000001.parquet").read_bytes()
    result = sweep(tmp_path / "sweep.yaml", FIXED, failed, "--resume")
    assert result.exit_code == 0, result.output
    assert "parameters.pmu_recruitment_lag_weeks" in result.output and "1 finished chunks are kept" in result.output
    assert "1 chunks run, 1 already finished" in result.output
    assert (failed / "chunks" / "chunk-000001.parquet").read_bytes() == kept, "a finished chunk was rewritten"
    assert not list((failed / "failures").iterdir()), "the fixed chunk's failure record remains"

    fresh = tmp_path / "fresh"
    assert sweep(tmp_path / "fresh.yaml", FIXED, fresh).exit_code == 0
    pd.testing.assert_frame_equal(table(failed), table(fresh))
    pd.testing.assert_frame_equal(pd.read_parquet(failed / "design.parquet"), pd.read_parquet(fresh / "design.parquet"))
    manifest = json.loads((failed / "manifest.json").read_text())
    assert manifest["parameters"]["pmu_recruitment_lag_weeks"]["values"] == [2.0, 30.0]
    assert manifest["changes"][0]["keys"] == ["parameters.pmu_recruitment_lag_weeks"]
    assert sim("analyze", failed).exit_code == 0


def contents(folder: Path) -> dict:
    """Every file of a sweep folder and its bytes, but the lock's bookkeeping (the process that last held it)."""
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != ".lock"}


@pytest.mark.parametrize("change, named", [
    (("values: [0, 30]", "values: [0, 40]"), ["parameters.pmu_recruitment_lag_weeks"]),
    (("seed: 5", "seed: 6"), ["seed (5 -> 6)"]),
    (("weeks: 12", "weeks: 14"), ["weeks (12 -> 14)"]),
    (("stat: final", "stat: max"), ["outcomes"]),
    (("baseline.yaml", "truce.yaml"), ["scenario (the text of", "truce.yaml"]),
])
def test_a_change_that_would_mix_results_is_refused_naming_the_keys(tmp_path, failed, change, named):
    before = contents(failed)
    result = sweep(tmp_path / "sweep.yaml", BROKEN.replace(*change), failed, "--resume")
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    for fragment in [*named, "finished chunks 1", "would mix results", "sweep.yaml"]:
        assert fragment in result.output, f"{fragment!r} missing from {result.output}"
    assert contents(failed) == before, "the folder was changed"


def test_any_change_is_accepted_while_no_chunk_has_finished(tmp_path):
    out = tmp_path / "out"
    all_broken = BROKEN.replace("values: [0, 30]", "values: [0]")
    with pytest.warns(RuntimeWarning):
        assert sweep(tmp_path / "sweep.yaml", all_broken, out).exit_code == 1
    fixed = all_broken.replace("values: [0]", "values: [3, 30]").replace("weeks: 12", "weeks: 10")
    result = sweep(tmp_path / "sweep.yaml", fixed, out, "--resume")
    assert result.exit_code == 0, result.output
    assert "weeks (12 -> 10)" in result.output and "no chunk had finished" in result.output
    fresh = tmp_path / "fresh"
    assert sweep(tmp_path / "fresh.yaml", fixed, fresh).exit_code == 0
    pd.testing.assert_frame_equal(table(out), table(fresh))


def test_a_new_description_is_accepted_and_named(tmp_path, failed):
    result = sweep(tmp_path / "sweep.yaml", FIXED + "description: lag fixed\n", failed, "--resume")
    assert result.exit_code == 0 and "description ('' -> 'lag fixed')" in result.output, result.output


def test_a_second_sweep_on_a_folder_in_use_is_refused_and_the_lock_goes_with_its_process(tmp_path, failed):
    """A --resume while another `sim sweep` still writes the folder would rewrite the design under it and mix the
    chunks of both: refused, exit 2, nothing changed. A killed sweep leaves no stale lock."""
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from simulator.sweeps.folder import "
                               "SweepFolder; held = SweepFolder(sys.argv[1]).lock(); print('locked', flush=True); "
                               "time.sleep(120)", str(failed)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = {p: p.read_bytes() for p in failed.rglob("*") if p.is_file()}  # the lock's file included
        result = sweep(tmp_path / "sweep.yaml", FIXED, failed, "--resume")
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert f"another `sim sweep` (process {holder.pid}) is writing this folder" in result.output, result.output
        assert "nothing was changed" in result.output
        assert {p: p.read_bytes() for p in failed.rglob("*") if p.is_file()} == before, "the folder was changed"
    finally:
        holder.kill()
        holder.wait()
    result = sweep(tmp_path / "sweep.yaml", FIXED, failed, "--resume")
    assert result.exit_code == 0 and "1 chunks run, 1 already finished" in result.output, result.output
