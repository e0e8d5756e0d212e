"""Teaching tools: paired comparison against a baseline, and predict-then-reveal."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS, run_scenario, sim

from simulator.comparison.statistics import HEADLINES, compare, paired


def test_paired_difference_statistics():
    base = np.array([1.0, 2.0, 3.0, 4.0])
    stats = paired(base, base + np.array([1.0, 1.0, 1.0, 1.0]))
    assert stats["mean_difference"] == 1.0 and stats["ci90_low"] == stats["ci90_high"] == 1.0
    assert stats["distinguishable"] and stats["share_higher"] == 1.0 and stats["share_lower"] == 0.0
    noisy = paired(np.zeros(4), np.array([1.0, -1.0, 1.0, -1.0]))
    assert noisy["ci90_low"] < 0 < noisy["ci90_high"] and not noisy["distinguishable"]
    assert noisy["share_higher"] == noisy["share_lower"] == 0.5


def test_a_scenario_identical_to_the_baseline_gives_zero_differences():
    base = run_scenario("baseline")
    for row in compare(base, base, "baseline"):
        assert row["mean_difference"] == 0 and row["share_higher"] == row["share_lower"] == 0, row
        assert not row["distinguishable"] and "indistinguishable" in row["verdict"]


def test_withdrawal_against_baseline_is_paired_and_directional():
    rows = {r["key"]: r for r in compare(run_scenario("baseline"), run_scenario("withdrawal"), "withdrawal")}
    assert {h.key for h in HEADLINES} == set(rows)
    assert rows["mean_attacks_per_week"]["distinguishable"] and rows["mean_attacks_per_week"]["mean_difference"] < 0
    assert rows["mean_attacks_per_week"]["verdict"] == "lower (better)"
    assert rows["us_left_iraq"]["scenario_value"] == 1.0 and rows["final_leverage_us_over_iraq"]["mean_difference"] < 0


def test_compare_command_writes_a_comparison_folder(tmp_path):
    out = tmp_path / "cmp"
    result = sim("compare", SCENARIOS / "expulsion_push.yaml", SCENARIOS / "dollar_cudgel.yaml",
                    SCENARIOS / "expulsion_push.yaml", "--worlds", 80, "--out", out)
    assert result.exit_code == 2 and "names must differ" in result.output, "the same scenario twice is ambiguous"
    result = sim("compare", SCENARIOS / "expulsion_push.yaml", SCENARIOS / "dollar_cudgel.yaml",
                    SCENARIOS / "truce.yaml", "--worlds", 80, "--out", out)
    assert result.exit_code == 0, result.output
    assert "dollar_cudgel vs expulsion_push" in result.output and "truce vs expulsion_push" in result.output
    table = pd.read_csv(out / "comparison.csv")
    assert len(table) == 2 * len(HEADLINES)
    assert {"scenario", "label", "mean_difference", "ci90_low", "ci90_high", "share_higher", "share_lower",
            "verdict"} <= set(table.columns)
    meta = json.loads((out / "comparison.json").read_text())
    assert meta["baseline"] == "expulsion_push" and meta["worlds"] == 80 and len(meta["rows"]) == len(table)
    for name in ("expulsion_push", "dollar_cudgel", "truce"):
        manifest = json.loads((out / "runs" / name / "manifest.json").read_text())
        assert manifest["seed"] == meta["seed"] and manifest["worlds"] == 80, "scenarios must share seed and worlds"
        assert (out / "runs" / name / "summary.json").exists()
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["compare_key_metrics.png", "compare_leverage.png"]
    again = sim("compare", SCENARIOS / "baseline.yaml", SCENARIOS / "truce.yaml", "--out", out)
    assert again.exit_code == 2 and "already exists" in again.output
    missing = sim("compare", SCENARIOS / "baseline.yaml", tmp_path / "nope.yaml", "--out", tmp_path / "x")
    assert missing.exit_code == 2 and "nope.yaml" in missing.output


def test_predict_then_reveal(tmp_path):
    file = tmp_path / "class.json"
    scenario = SCENARIOS / "withdrawal.yaml"
    first = sim("predict", scenario, "--name", "Group A", "--file", file, "--set", "us_left_iraq=90",
                   "--set", "mean_attacks_per_week=0.5")
    assert first.exit_code == 0, first.output
    prompted = sim("predict", scenario, "--name", "Group B", "--file", file, input="50\n1800\n4\n13\n")
    assert prompted.exit_code == 0, prompted.output
    data = json.loads(file.read_text())
    assert data["scenario"] == "withdrawal" and [e["name"] for e in data["entries"]] == ["Group A", "Group B"]
    assert data["entries"][1]["predictions"] == {"us_left_iraq": 50.0, "peak_parallel_rate": 1800.0,
                                                 "mean_attacks_per_week": 4.0, "iran_revenue": 13.0}

    out = tmp_path / "run"
    result = sim("run", scenario, "--worlds", 60, "--out", out, "--no-figures", "--predictions", file)
    assert result.exit_code == 0, result.output
    assert "Predictions against the model" in result.output and "Group B" in result.output
    reveal = json.loads((out / "predictions.json").read_text())["reveal"]
    left = next(r for r in reveal if r["name"] == "Group A" and r["outcome"] == "us_left_iraq")
    assert left["median"] == 100.0 and not left["inside_band"], "all worlds withdraw: 90% is below the model's share"
    attacks = next(r for r in reveal if r["name"] == "Group B" and r["outcome"] == "mean_attacks_per_week")
    assert attacks["p5"] <= attacks["median"] <= attacks["p95"] and 0 <= attacks["percentile"] <= 100


@pytest.mark.parametrize("args, fragment", [
    (["--set", "us_left_iraq=150"], "from 0% to 100%"),
    (["--set", "us_left=50"], "unknown"),
    (["--set", "us_left_iraq=lots"], "found 'lots'"),
    (["--set", "us_left_iraq"], "KEY=NUMBER"),
    (["--set", "peak_parallel_rate=1600%"], "a number of IQD per USD from 1,000 to 10,000"),
    (["--set", "mean_attacks_per_week=nan"], "found 'nan'"),
])
def test_bad_predictions_are_refused(tmp_path, args, fragment):
    result = sim("predict", SCENARIOS / "truce.yaml", "--name", "A", "--file", tmp_path / "p.json", *args)
    assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output
    assert not (tmp_path / "p.json").exists()


def test_reveal_refuses_a_wrong_or_broken_predictions_file(tmp_path):
    file = tmp_path / "p.json"
    assert sim("predict", SCENARIOS / "truce.yaml", "--name", "A", "--file", file, "--set",
                  "us_left_iraq=5").exit_code == 0
    wrong = sim("run", SCENARIOS / "withdrawal.yaml", "--worlds", 10, "--out", tmp_path / "r", "--predictions", file)
    assert wrong.exit_code == 2 and "'truce'" in wrong.output and not (tmp_path / "r").exists()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    bad = sim("run", SCENARIOS / "truce.yaml", "--worlds", 10, "--out", tmp_path / "r2", "--predictions", broken)
    assert bad.exit_code == 2 and "line 1" in bad.output


# ------------------------------------------------------------------------------------------ predict, then reveal
@pytest.mark.parametrize("typed, stored", [("5%", 5.0), ("0.05", 5.0), ("5", 5.0), (" 40 % ", 40.0), ("1", 1.0),
                                           ("0", 0.0), ("100%", 100.0)])
def test_a_share_may_be_typed_as_a_percentage_or_a_fraction(tmp_path, typed, stored):
    file = tmp_path / "p.json"
    result = sim("predict", "truce", "--name", "A", "--file", file, "--set", f"us_left_iraq={typed}")
    assert result.exit_code == 0, result.output
    assert json.loads(file.read_text())["entries"][0]["predictions"] == {"us_left_iraq": stored}


def test_a_rate_may_be_typed_with_thousands_separators(tmp_path):
    file = tmp_path / "p.json"
    assert sim("predict", "truce", "--name", "A", "--file", file, "--set", "peak_parallel_rate=1,600").exit_code == 0
    assert json.loads(file.read_text())["entries"][0]["predictions"] == {"peak_parallel_rate": 1600.0}
    bad = sim("predict", "truce", "--name", "A", "--file", file, "--set", "peak_parallel_rate=1,6")
    assert bad.exit_code == 2 and bad.output.count(".") == 1, "one sentence: " + bad.output


def test_predict_shows_todays_values_and_reprompts_a_bad_answer(tmp_path):
    file = tmp_path / "p.json"
    result = sim("predict", "withdrawal", "--name", "Group A", "--file", file,
                 input="150\n40%\nlots\n1,600\n0.5\n12\n")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())  # as read, whatever the wrapping
    for anchor in ("today: 2,500 US troops in Iraq", "today: 1,550 IQD per USD", "today: 17.0 USD bn a year"):
        assert anchor in said, f"no anchor {anchor!r} in:\n{result.output}"
    assert re.search(r"today: \d+\.\d attacks in the first week", said)
    assert "expected a share of worlds from 0% to 100% (for example 40%, 0.4 or 40), found '150'." in result.output
    assert "found 'lots'." in result.output and "Traceback" not in result.output
    assert json.loads(file.read_text())["entries"][0]["predictions"] == {
        "us_left_iraq": 40.0, "peak_parallel_rate": 1600.0, "mean_attacks_per_week": 0.5, "iran_revenue": 12.0}


def test_reveal_shows_shares_as_percentages(tmp_path):
    file = tmp_path / "p.json"
    sim("predict", "withdrawal", "--name", "A", "--file", file, "--set", "us_left_iraq=90%", "--set",
        "iran_revenue=12")
    result = sim("run", "withdrawal", "--worlds", 60, "--no-figures", "--out", tmp_path / "r", "--predictions", file,
                 env={"COLUMNS": "80"})
    reveal = result.output.split("Predictions against the model")[1]
    assert re.search(r"US forces left Iraq\s+90%\s+100%\s+below", reveal), reveal
    assert re.search(r"Iran's revenue from\s+12\.0\s+\d+\.\d", reveal), "money with one decimal, as the model's"
    assert max(len(line) for line in result.output.splitlines()) <= 80


# ------------------------------------------------------------------------------------- comparisons that teach
def test_compare_pairs_scenarios_and_reveals_predictions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # predictions/<scenario>.json is found relative to where the class works
    for name, left in (("waivers_revoked", "0"), ("waivers_revoked_summer", "10%")):
        assert sim("predict", name, "--name", "Group A", "--set", f"us_left_iraq={left}", "--set",
                   "iran_revenue=8").exit_code == 0
    result = sim("compare", "baseline", "waivers_revoked", "waivers_revoked_summer", "--pairs", "--worlds", 80,
                 "--no-figures", "--out", "cmp", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    for title in ("waivers_revoked vs baseline", "waivers_revoked_summer vs baseline",
                  "waivers_revoked_summer vs waivers_revoked"):
        assert title in result.output, f"no comparison {title!r}"
    assert "Predictions for waivers_revoked_summer against its worlds" in result.output
    assert "Predicted differences waivers_revoked_summer - waivers_revoked" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 100

    meta = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    pairs = {(r["scenario"], r["reference"]) for r in meta["rows"]}
    assert pairs == {("waivers_revoked", "baseline"), ("waivers_revoked_summer", "baseline"),
                     ("waivers_revoked_summer", "waivers_revoked")}
    revenue = next(r for r in meta["rows"] if r["key"] == "mean_iran_revenue" and r["reference"] == "waivers_revoked")
    assert revenue["mean_difference"] > 0 and revenue["verdict"] == "higher", \
        "revoked in June, the waiver pays Iran for four more months than revoked in February"
    guesses = json.loads((tmp_path / "cmp" / "predictions.json").read_text())
    assert {r["scenario"] for r in guesses["reveal"]} == {"waivers_revoked", "waivers_revoked_summer"}
    left = next(d for d in guesses["differences"] if d["outcome"] == "us_left_iraq")
    assert left["predicted"] == pytest.approx(0.10) and left["reading"] == "model: no clear difference"
    money = next(d for d in guesses["differences"] if d["outcome"] == "iran_revenue")
    assert money["predicted"] == 0 and money["reading"] == "model: a difference"

    report = sim("report", "cmp")
    assert report.exit_code == 0, report.output
    html = (tmp_path / "cmp" / "report.html").read_text()
    assert "waivers_revoked_summer against waivers_revoked" in html and "Predicted differences" in html
    assert html.count("Group A") >= 4, "each prediction appears in the debrief"


def test_compare_refuses_predictions_for_another_scenario_and_pairs_of_one(tmp_path):
    file = tmp_path / "w.json"
    sim("predict", "withdrawal", "--name", "A", "--file", file, "--set", "us_left_iraq=5")
    wrong = sim("compare", "baseline", "truce", "--predictions", file, "--out", tmp_path / "c")
    assert wrong.exit_code == 2 and "'withdrawal', which is not in this comparison" in wrong.output
    alone = sim("compare", "baseline", "truce", "--pairs", "--out", tmp_path / "c")
    assert alone.exit_code == 2 and "two or more scenarios after the baseline" in alone.output
    assert not (tmp_path / "c").exists(), "nothing is simulated or written before the input is checked"


def test_overlays_keep_three_scenarios_apart():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from simulator.output.bands import OVERLAY_FILL, draw_band

    fig, ax = plt.subplots()
    x = np.arange(5)
    q = np.array([x, x + 1, x + 2, x + 3, x + 4], dtype=float)
    for i, name in enumerate(("baseline", "winter", "summer")):
        draw_band(ax, x, q, color=f"C{i}", label=name, index=i)
    medians = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert len(medians) == 3 and len({m.get_linestyle() for m in medians}) == 3, "distinct line styles"
    assert len({m.get_color() for m in medians}) == 3, "distinct colours"
    fills = ax.collections
    assert all(f.get_alpha() <= 0.1 for f in fills) and OVERLAY_FILL * 3 < 0.25, "three bands stack to a light tint"
    edges = [line for line in ax.lines if line.get_label().startswith("_")]
    assert len(edges) == 6, "each band is edged in its scenario's colour and style, so overlaps stay readable"
    plt.close(fig)


# ------------------------------------------------------------------------------------------ the teaching docs true
DOC_WORLDS = 300  # every run and comparison of the docs at fewer worlds than their default and without figures,
#                   to keep the suite quick (no claim is about a figure)
ANSWERS = "40%\n1,600\n3\n12\n"  # a group's four answers where a command prompts


def doc_commands(path, section: str = "") -> list[list[str]]:
    """The `sim` commands of the ```bash blocks in `path` (in its `section` if given: from that heading to the
    next), in order, as argument lists (installs and the dashboard left out: they are not what the class sees)."""
    import shlex

    text = (ROOT / path).read_text()
    if section:
        text = text.split(section, 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words and words[0] in ("sim", ".venv/bin/sim") and words[1] != "dashboard":
                commands.append(words[1:])
    return commands


def run_doc(commands) -> list:
    results = []
    for args in commands:
        extra = ["--worlds", DOC_WORLDS, "--no-figures"] if args[0] in ("run", "compare") else []
        result = sim(*args, *extra, input=ANSWERS if args[0] == "predict" and "--set" not in args else None,
                     env={"COLUMNS": "100"})
        assert result.exit_code == 0, f"`sim {' '.join(args)}` failed:\n{result.output}"
        results.append((args, result.output))
    return results


def says(doc: str, claim: str) -> str:
    """The claim, as the doc words it (the test fails if the doc no longer says it, so neither can drift)."""
    assert claim in " ".join(doc.split()), f"docs/teaching.md no longer says: {claim!r}"
    return claim


def rows_of(folder, scenario, reference) -> dict:
    meta = json.loads((folder / "comparison.json").read_text())
    return {r["key"]: r for r in meta["rows"] if (r["scenario"], r["reference"]) == (scenario, reference)}


def test_teaching_docs_run_in_order_and_say_what_the_class_sees(tmp_path, monkeypatch):
    """Every command of docs/teaching.md, then the README's teaching commands, in one folder and in order; then each
    claim the lesson plan makes about what students will see, checked against what those commands wrote."""
    monkeypatch.chdir(tmp_path)
    lesson, readme = doc_commands("docs/teaching.md"), doc_commands("README.md", "## Teaching (instructors)")
    assert [c[0] for c in lesson] == ["run", "report", "predict", "predict", "compare", "run", "compare", "compare",
                                      "report", "report", "report"], lesson
    assert {c[0] for c in readme} == {"predict", "run", "compare", "report"}, readme
    outputs = dict((" ".join(args), out) for args, out in run_doc(lesson + readme))
    doc = (ROOT / "docs" / "teaching.md").read_text()
    cls = tmp_path / "class"

    # 1. The situation
    base = pd.read_parquet(cls / "baseline" / "timeseries.parquet")
    start = base[base.week == 0]
    says(doc, "2,500 US troops in Iraq and 900 in Syria supplied through Erbil")
    assert (start.us_troops_iraq == 2500).all() and (start.us_troops_syria == 900).all()
    says(doc, "militias attacking a few times a week while the Gaza war lasts")
    assert 2 <= base[base.week.between(1, 13)].attacks_per_week.median() <= 7
    says(doc, "the gas and electricity behind 35-40% of its power")
    assert start.waiver_active.eq(1).all() and 0.35 <= start.iran_power_share.median() <= 0.40
    says(doc, "a PMU budget growing by $700m a year")
    budget = base.groupby("week").pmu_budget.median()
    assert budget[52] - budget[0] == pytest.approx(0.7, abs=0.01)
    assert (cls / "baseline" / "report.html").is_file()

    # 2. Expulsion push against the dollar cudgel
    push = json.loads((cls / "push-vs-cudgel" / "runs" / "expulsion_push" / "summary.json").read_text())
    says(doc, "makes the US begin to leave in most worlds within two years")
    assert push["outcomes"]["us_withdrawal_began"]["share"] > 0.5
    says(doc, "Baghdad drops its formal demand by the deadline (week 12) in about a quarter of worlds; without it, "
              "Baghdad almost never does")
    demand = {name: pd.read_parquet(cls / "push-vs-cudgel" / "runs" / name / "timeseries.parquet")
              for name in ("expulsion_push", "dollar_cudgel")}
    still = {name: frame[frame.week == 12].iraq_exit_request.mean() for name, frame in demand.items()}
    assert 0.6 < still["dollar_cudgel"] < 0.85 and still["expulsion_push"] > 0.9, still
    cudgel = rows_of(cls / "push-vs-cudgel", "dollar_cudgel", "expulsion_push")
    says(doc, "the parallel rate peaks higher, the lowest real salaries (the PMU's included) are lower, and Iran's "
              "revenue from Iraq is lower too")
    for key, verdict in (("peak_parallel_rate", "higher (worse)"), ("lowest_salary_coverage", "lower (worse)"),
                         ("mean_iran_revenue", "lower")):
        assert cudgel[key]["verdict"] == verdict, (key, cudgel[key]["verdict"])
    says(doc, "the backlash (`iraq_nationalism` in `class/cudgel/timeseries.parquet`) peaks far higher than where it "
              "was not")
    series = pd.read_parquet(cls / "cudgel" / "timeseries.parquet").groupby("world")
    used = series.us_cudgel.max() > 0.5
    backlash = series.iraq_nationalism.max()
    assert 0.2 < used.mean() < 0.9 and backlash[used].median() > 2 * backlash[~used].median()
    says(doc, "whether US forces have left by the end is one of them")
    assert not cudgel["us_left_iraq"]["distinguishable"]
    compare_text = outputs["compare expulsion_push dollar_cudgel --out class/push-vs-cudgel"]
    assert "noise" in compare_text
    says(doc, "the difference the group expected between the two scenarios against the paired one")
    assert "Predictions for dollar_cudgel against its worlds" in compare_text
    assert "Predicted differences dollar_cudgel - expulsion_push against the paired ones" in " ".join(
        compare_text.split())

    # 3. Timing
    waivers = cls / "waivers"
    says(doc, "both revocations cut Iran's revenue from Iraq, raise Iran's leverage over Iraq")
    for name in ("waivers_revoked", "waivers_revoked_summer"):
        rows = rows_of(waivers, name, "baseline")
        assert rows["mean_iran_revenue"]["verdict"] == "lower" and rows["final_leverage_iran_over_iraq"][
            "verdict"] == "higher", name
        assert rows["worst_power_shortfall"]["verdict"] == "higher (worse)", name
        summary = json.loads((waivers / "runs" / name / "summary.json").read_text())
        says(doc, "Iran cuts supply in every world once the arrears pass its tolerance")
        assert summary["outcomes"]["iran_cut_power"]["share"] == 1.0
    says(doc, "Summer against winter: revoked in June, the waiver keeps paying Iran for four more months, so Iran's "
              "revenue is higher and Iraqis' discontent lower on average; the worst week's shortfall is a few points "
              "lower too")
    summer = rows_of(waivers, "waivers_revoked_summer", "waivers_revoked")
    assert summer["mean_iran_revenue"]["verdict"] == "higher"
    assert summer["mean_public_discontent"]["verdict"] == "lower (better)"
    assert -0.06 < summer["worst_power_shortfall"]["mean_difference"] < 0
    assert "waivers_revoked_summer vs waivers_revoked" in outputs[
        "compare baseline waivers_revoked waivers_revoked_summer --pairs --out class/waivers"]

    # 4. Withdrawal
    leave = rows_of(cls / "withdrawal", "withdrawal", "baseline")
    frame = pd.read_parquet(cls / "withdrawal" / "runs" / "withdrawal" / "timeseries.parquet")
    says(doc, "Attacks on US troops stop once the last troops have left, and Iran's leverage over the US collapses")
    gone = frame[frame.us_troops_iraq == 0]
    assert len(gone) and gone.attacks_per_week.sum() == 0
    assert leave["final_leverage_iran_over_us"]["mean_difference"] < -0.3
    says(doc, "The US also loses some of its leverage over Baghdad")
    assert leave["final_leverage_us_over_iraq"]["mean_difference"] < -0.01
    says(doc, "in most worlds dollar access falls below 90% of its starting level")
    summary = json.loads((cls / "withdrawal" / "runs" / "withdrawal" / "summary.json").read_text())
    assert summary["outcomes"]["dollar_access_restricted"]["share"] > 0.5
    says(doc, "fewer than half of them remain by the end")
    assert frame[frame.week == frame.week.max()].us_troops_syria.median() < 450

    # Debrief
    says(doc, "the push-vs-cudgel debrief also shows the groups' predictions against the model")
    html = (cls / "push-vs-cudgel" / "report.html").read_text()
    for heading in ("The question", "Levers pulled, and when", "Leverage over time", "The story of a typical world",
                    "Parameters that differ from the defaults", "Predictions and what the model says"):
        assert heading in html, heading
    assert "Group A" in html and all((cls / f / "report.html").is_file() for f in ("waivers", "withdrawal"))
    assert not list(cls.rglob("report-2.html")), "no debrief is written twice"

    # The README's commands ran after the lesson plan's without clashing, into demo/
    assert (tmp_path / "demo" / "push-vs-cudgel" / "report.html").is_file()
    assert "Predictions against the model" in outputs[
        "run withdrawal --predictions predictions/withdrawal.json --out demo/withdrawal"]
