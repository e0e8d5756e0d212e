"""`sim report`'s engine: one self-contained HTML debrief from a run folder or a comparison folder.

Run folders are made by the real `sim run`; the comparison folder is assembled by hand from run folders and a
comparison.json that follows the documented contract (simulator/comparison/folder.py), so these tests do not depend
on `sim compare`'s code.
"""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.errors import UserError
from simulator.interfaces.cli import cli
from simulator.interfaces.report import build
from simulator.model.units import fmt, fmt_band

ROOT = Path(__file__).resolve().parent.parent
WITHDRAWAL = ROOT / "scenarios" / "withdrawal.yaml"
WORLDS = "60"


def sim_run(scenario: Path, out: Path, *extra) -> Path:
    result = CliRunner().invoke(cli, ["run", str(scenario), "--worlds", WORLDS, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Real run folders: the shipped withdrawal scenario, and one extending it with a parameter override."""
    tmp = tmp_path_factory.mktemp("report")
    lowpower = tmp / "lowpower.yaml"
    lowpower.write_text(f"extends: {WITHDRAWAL}\nname: lowpower\ntitle: Withdrawal with less Iranian power\n"
                        f"description: What if Iran supplied less of Iraq's power when the US leaves?\n"
                        f"parameters: {{iran_power_share: 0.3}}\n")
    return {"tmp": tmp, "run": sim_run(WITHDRAWAL, tmp / "run"), "lowpower": sim_run(lowpower, tmp / "lowpower")}


def copy_of(folder: Path, tmp_path: Path, name: str = "copy") -> Path:
    return Path(shutil.copytree(folder, tmp_path / name))


def section(page: str, ident: str) -> str:
    """The plain text of one <section id=...> of the report (tags dropped, entities decoded, spaces collapsed)."""
    match = re.search(rf'<section id="{ident}">(.*?)</section>', page, re.S)
    assert match, f"no section {ident!r} in the report"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def run_report(folders, tmp_path_factory):
    folder = copy_of(folders["run"], tmp_path_factory.mktemp("run_report"))
    path = build(folder)
    return folder, path, path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- a run folder
def test_writes_report_html_into_the_folder(run_report):
    folder, path, page = run_report
    assert path == folder / "report.html"
    assert page.startswith("<!DOCTYPE html>")
    head = text(page[:page.index("<main>")])
    assert "withdrawal: US forces leave Iraq" in head
    assert "60 worlds" in head and "104 weeks" in head and "seed 20240115" in head
    assert "simulator 0.1.0" in head and "report written" in head


def test_the_question_comes_from_the_manifest(run_report):
    question = section(run_report[2], "question")
    assert "US forces leave Iraq" in question
    assert "Washington decides in February 2024 to pull all its forces out of Iraq" in question
    assert "Does the US keep its leverage over Baghdad and Tehran once it has left?" in question


def test_levers_with_week_and_calendar_date(run_report):
    levers = section(run_report[2], "levers")
    assert "US announces a withdrawal from Iraq over six months" in levers
    assert "week 4 2024-02-12" in levers
    assert "us_withdrawal" in levers and "US forces leave Iraq (Erbil included) over some weeks" in levers
    assert "over_weeks = 26" in levers


def test_headline_outcomes_with_uncertainty(run_report, folders):
    outcomes = section(run_report[2], "outcomes")
    summary = json.loads((folders["run"] / "summary.json").read_text())
    assert "US troops in Iraq" in outcomes and "peak over the run" in outcomes
    assert re.search(r"\d[\d,.]* \[\d[\d,.]*\u2013\d[\d,.]*\]", outcomes), "a median with its 5-95% band"
    for entry in summary["outcomes"].values():
        assert entry["description"] in outcomes
    # an event outcome: its share of worlds with the 90% interval of that share
    left = summary["outcomes"]["us_left_iraq"]
    interval = fmt_band(left["share"], left["low"], left["high"], "share of worlds").partition(" ")[2]
    assert interval.startswith("[") and interval.endswith("%]")
    assert f"US forces left Iraq by the end {fmt(left['share'], 'share of worlds')} {interval} " in outcomes
    assert "90% interval" in outcomes and "Wilson" in outcomes
    # a value outcome: its median with the 5-95% band
    peak = summary["outcomes"]["peak_parallel_rate"]
    assert (f"Peak parallel exchange rate IQD per USD "
            f"{fmt_band(peak['median'], peak['p5'], peak['p95'], 'IQD per USD')}" in outcomes)


def test_leverage_matrix_over_time(run_report):
    page = run_report[2]
    leverage = section(page, "leverage")
    matrices = re.findall(r'<table class="matrix">.*?</table>', page, re.S)
    assert len(matrices) == 5  # weeks 0, 13, 26, 52 and 104
    assert all(m.count("<tr>") == 4 for m in matrices)  # header and three rows (US, Iran, Baghdad): a 3x2 matrix
    for week, date in ((0, "2024-01-15"), (13, "2024-04-15"), (26, "2024-07-15"), (52, "2025-01-13"),
                       (104, "2026-01-12")):
        assert f"week {week} ({date})" in leverage
    for cell in ("US → Iraq", "Iran → Iraq", "Iran → US", "US → Iran"):
        assert leverage.count(cell) == 5
    assert '<img src="data:image/png;base64,' in re.search(r'<section id="leverage">.*?</section>', page, re.S)[0]


def test_story_of_a_typical_world(run_report, folders):
    story = section(run_report[2], "story")
    records = json.loads((folders["run"] / "manifest.json").read_text())["story"]
    assert f"Story of a typical world (world {records['world']}, the closest of {records['worlds']}" in story
    for line in records["lines"]:
        assert f"week {line['week']} ({line['date']}): {line['text']}" in story
    assert "US announces a withdrawal from Iraq over six months" in story
    assert " ".join(records["numbers"].split()) in story
    assert ("full list is in events.parquet" in story) == records["more"]


def test_assumptions_and_not_a_forecast(run_report):
    page = run_report[2]
    assumptions = section(page, "assumptions")
    assert "does not forecast" in assumptions and "explores dynamics" in assumptions
    assert "logit" in assumptions and "weekly steps" in assumptions and "January 2024" in assumptions
    bullets = re.search(r'<section id="assumptions">.*?</section>', page, re.S)[0].count("<li>")
    assert 4 <= bullets <= 8
    assert "does not forecast" in text(page[:page.index("<main>")])  # said up front too


def test_self_contained_and_printable(run_report):
    page = run_report[2]
    sources = re.findall(r'<img[^>]*\ssrc="([^"]*)"', page)
    assert len(sources) >= 3  # key metrics, violence and leverage figures
    for src in sources:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    for attribute, value in re.findall(r'\s(src|href)="([^"]*)"', page):
        assert "http://" not in value and "https://" not in value, (attribute, value)
        assert attribute != "href" or value.startswith("#")
    assert "<script" not in page and "<link" not in page and "url(" not in page and "@import" not in page
    assert "@media print" in page and "break-inside: avoid" in page


def test_no_parameter_differs_in_a_shipped_scenario(run_report):
    assert "Every parameter is at its default value" in section(run_report[2], "parameters")


def test_never_overwrites(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    first = build(folder)
    before = first.read_bytes()
    second = build(folder)
    third = build(folder)
    assert (first.name, second.name, third.name) == ("report.html", "report-2.html", "report-3.html")
    assert first.read_bytes() == before
    chosen = tmp_path / "debrief.html"
    chosen.write_text("mine")
    written = build(folder, out=chosen)
    assert written == tmp_path / "debrief-2.html" and chosen.read_text() == "mine"
    assert build(folder, out=tmp_path) == tmp_path / "report.html"  # an existing folder: report.html inside it


# ---------------------------------------------------------------------------------------------- parameters
def test_parameters_that_differ_with_provenance(folders, tmp_path):
    page = build(copy_of(folders["lowpower"], tmp_path)).read_text()
    parameters = section(page, "parameters")
    row = re.search(r"iran_power_share .*?power needs", parameters)
    assert row, parameters
    assert "share of supply 0.375 0.3 the scenario file (parameters:)" in row[0]  # week-0 value vs the default
    assert "article, section 'The Dollar Trap': about 35 to 40 percent of Iraq's power needs" in row[0]
    assert "world_gaza_war" not in parameters
    assert "What if Iran supplied less of Iraq's power" in section(page, "question")
    assert "US announces a withdrawal" in section(page, "levers")  # inherited from withdrawal.yaml


def test_parameter_changed_by_a_lever_is_shown_as_a_change(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["resolved_scenario"]["events"].append(
        {"name": "Gaza ceasefire", "description": "", "action": "gaza_ceasefire", "week": 20, "repeat": False,
         "every": None, "when": None, "options": {}})
    manifest["parameters_at_end"] = {"world_gaza_war": 0.0, "us_casualty_aversion": [0.5, 0.7] * 30}
    manifest["parameters"]["us_withdrawal_weeks"] = [20.0, 30.0] * 30  # week-0 values, one per world
    (folder / "manifest.json").write_text(json.dumps(manifest))
    parameters = section(build(folder).read_text(), "parameters")
    assert "Changed during the run by a lever" in parameters
    # at week 0 (the manifest's parameters), at the end (parameters_at_end), and the event that explains it
    assert re.search(r"world_gaza_war flag 1 0 week 20 \(2024-06-03\) \(Gaza ceasefire\)", parameters)
    assert "one per world: 0.5 to 0.7" in parameters and "no declared event names it" in parameters
    assert re.search(r"us_withdrawal_weeks .*? one per world: 20 to 30", parameters)  # starts away from the default


def test_scenario_files_are_not_read_again(folders, tmp_path):
    """Title and description come from the manifest: the scenario files may be gone or changed since the run."""
    folder = copy_of(folders["run"], tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["scenario_files"] = [{"path": str(tmp_path / "gone.yaml"), "sha256": "0" * 64}]
    manifest["resolved_scenario"]["files"] = [str(tmp_path / "gone.yaml")]
    manifest["description"] = "Recorded with the run.\n\nA second paragraph."
    (folder / "manifest.json").write_text(json.dumps(manifest))
    page = build(folder).read_text()
    question = section(page, "question")
    assert "US forces leave Iraq" in question and "Recorded with the run." in question
    assert "Washington decides" not in question and "no longer exists" not in question
    assert "gone.yaml" in question
    assert re.search(r"<p>Recorded with the run\.</p>\s*<p>A second paragraph\.</p>", page)


def hostile(folder: Path) -> Path:
    """A run folder whose scenario texts try to inject markup."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["title"] = "<img src=x onerror=alert(1)> & friends"
    manifest["description"] = "Does <script>alert('x')</script> run? \"quoted\" <b>bold</b>"
    manifest["resolved_scenario"]["events"][0]["name"] = "<script>alert(2)</script>"
    manifest["resolved_scenario"]["events"][0]["options"]["over_weeks"] = 26
    manifest["story"]["lines"][0]["text"] = "</li><script>alert(3)</script>"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_scenario_description_with_a_script_is_escaped(folders, tmp_path):
    page = build(hostile(copy_of(folders["run"], tmp_path))).read_text()
    assert "<script" not in page and "<img src=x" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; friends" in page
    assert "Does <script>alert('x')</script> run? \"quoted\" <b>bold</b>" in section(page, "question")
    assert "<script>alert(2)</script>" in section(page, "levers")
    assert "</li><script>alert(3)</script>" in section(page, "story")
    assert "<img src=x onerror=alert(1)> & friends" in text(page[:page.index("<main>")])


def test_hostile_names_in_a_comparison_are_escaped(folders, tmp_path):
    folder = make_comparison(folders, tmp_path)
    hostile(folder / "runs" / "lowpower")
    data = json.loads((folder / "comparison.json").read_text())
    data["rows"][0]["label"] = "<script>alert(4)</script>"
    (folder / "comparison.json").write_text(json.dumps(data))
    page = build(folder).read_text()
    assert "<script" not in page and "<img src=x" not in page
    assert "<script>alert(4)</script>" in section(page, "outcomes")


def test_templates_are_package_data():
    from simulator.interfaces.report.builder import environment

    names = set(environment().list_templates())
    assert {"report.html.j2", "macros.html.j2", "style.css.j2"} <= names
    for ident in ("question", "levers", "outcomes", "leverage", "story", "parameters", "predictions", "assumptions"):
        assert f"{ident}.html.j2" in names
    assert environment().autoescape is True


def test_run_without_figures_gets_a_drawn_leverage_figure(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    shutil.rmtree(folder / "figures")
    page = build(folder).read_text()
    leverage = re.search(r'<section id="leverage">.*?</section>', page, re.S)[0]
    assert leverage.count('<img src="data:image/png;base64,') == 1
    assert "drawn for this report" in leverage


# --------------------------------------------------------------------------------------------- predictions
PREDICTIONS = {
    "scenario": "withdrawal",
    "entries": [{"name": "Group A", "created": "2024-01-10T09:00:00+00:00",
                 "predictions": {"us_left_iraq": 40, "peak_parallel_rate": 1650}},
                {"name": "Sam", "created": "2024-01-10T09:05:00+00:00", "predictions": {"us_left_iraq": 100}}],
    "reveal": [
        {"name": "Group A", "outcome": "us_left_iraq", "label": "In what share of worlds have US forces left Iraq",
         "unit": "% of worlds", "predicted": 40.0, "median": 100.0, "p5": 100.0, "p95": 100.0, "percentile": None,
         "inside_band": False},
        {"name": "Group A", "outcome": "peak_parallel_rate", "label": "Highest parallel exchange rate",
         "unit": "IQD per USD", "predicted": 1650.0, "median": 1689.0, "p5": 1598.0, "p95": 1748.0,
         "percentile": 30.0, "inside_band": True},
        {"name": "Sam", "outcome": "us_left_iraq", "label": "In what share of worlds have US forces left Iraq",
         "unit": "% of worlds", "predicted": 100.0, "median": 100.0, "p5": 100.0, "p95": 100.0, "percentile": None,
         "inside_band": True},
    ],
}


def test_predictions_section_when_present(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    assert 'id="predictions"' not in build(folder).read_text()
    (folder / "predictions.json").write_text(json.dumps(PREDICTIONS))
    page = build(folder).read_text()
    assert "Predictions and what the model says" in page
    predictions = section(page, "predictions")
    assert "Group A" in predictions and "Sam" in predictions
    assert ("Highest parallel exchange rate IQD per USD 1,650 1,689 [1,598\u20131,748] 30% inside the band"
            in predictions)
    assert "below the band" in predictions
    assert "2 of 3 predictions fall inside the model's band" in predictions


def test_predictions_not_yet_revealed(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    (folder / "predictions.json").write_text(json.dumps({**PREDICTIONS, "reveal": []}))
    predictions = section(build(folder).read_text(), "predictions")
    assert "us_left_iraq = 40; peak_parallel_rate = 1,650" in predictions and "not been revealed" in predictions


# --------------------------------------------------------------------------------------------- comparison
def make_comparison(folders, tmp_path) -> Path:
    """A comparison folder per the contract of `sim compare`: comparison.json, runs/<name>/ and figures/."""
    out = tmp_path / "comparison"
    shutil.copytree(folders["run"], out / "runs" / "withdrawal")
    shutil.copytree(folders["lowpower"], out / "runs" / "lowpower")
    common = {"scenario": "lowpower", "share_higher": 0.3, "share_lower": 0.45}
    rows = [  # keys from the outcome vocabulary (simulator/model/outcomes.py), with label and unit
        {**common, "key": "mean_attacks_per_week", "label": "Attacks on US forces, mean per week",
         "unit": "attacks per week", "baseline_value": 1.02, "scenario_value": 0.95, "mean_difference": -0.07,
         "ci90_low": -0.21, "ci90_high": 0.07, "distinguishable": False, "better": "lower", "verdict": "same"},
        {**common, "key": "dollar_access_restricted", "label": "Dollar access fell below 90% of its starting level",
         "unit": "share of worlds", "baseline_value": 0.83, "scenario_value": 0.95, "mean_difference": 0.12,
         "ci90_low": 0.05, "ci90_high": 0.19, "distinguishable": True, "better": None, "verdict": "higher"},
        {**common, "key": "peak_parallel_rate", "label": "Peak parallel exchange rate", "unit": "IQD per USD",
         "baseline_value": 1689.0, "scenario_value": 1831.0, "mean_difference": 142.0, "ci90_low": 120.0,
         "ci90_high": 164.0, "distinguishable": True, "better": "lower", "verdict": "higher (worse)"},
        {**common, "key": "final_pmu_fighters", "label": "PMU fighters at the end", "unit": "fighters",
         "baseline_value": 247985.0, "scenario_value": 247985.3, "mean_difference": 0.3, "ci90_low": 0.1,
         "ci90_high": 0.4, "distinguishable": True, "better": None, "verdict": "too small to show (rounds to zero)"},
    ]
    (out / "comparison.json").write_text(json.dumps({"baseline": "withdrawal", "scenarios": ["lowpower"],
                                                     "seed": 20240115, "worlds": 60, "weeks": 104, "rows": rows}))
    return out


def test_comparison_report(folders, tmp_path):
    folder = make_comparison(folders, tmp_path)
    path = build(folder)
    assert path == folder / "report.html"
    page = path.read_text()
    assert "lowpower compared with withdrawal" in text(page[:page.index("<main>")])
    question = section(page, "question")
    assert "Washington decides in February 2024" in question and "What if Iran supplied less" in question
    assert section(page, "levers").count("US announces a withdrawal from Iraq over six months") == 2
    outcomes = section(page, "outcomes")
    assert "paired" in outcomes
    # the readings are the verdicts `sim compare` prints (one vocabulary), a difference that rounds to zero included
    assert re.search(r"Attacks on US forces, mean per week attacks per week 1\.0 0\.9 -0\.07 "
                     r"\[-0\.21, \+0\.07\] 30% / 45% indistinguishable from zero \(noise\)", outcomes), outcomes
    assert "Dollar access fell below 90% of its starting level share of worlds 83% 95% +12.0 pts " \
           "[+5.0 pts, +19.0 pts] 30% / 45% higher" in outcomes
    assert "Peak parallel exchange rate IQD per USD 1,689 1,831 +142 [+120, +164] 30% / 45% higher (worse)" \
           in outcomes
    assert "PMU fighters at the end fighters 247,985 247,985 0 [0, 0] 30% / 45% too small to show (rounds to zero)" \
           in outcomes, outcomes
    assert "2 of 4 headlines differ from withdrawal by more than the paired noise; the other 2 are within the noise " \
           "or too small to show" in outcomes, outcomes
    # outcomes side by side: each scenario's share of worlds with its 90% interval, values with their band
    for name in ("withdrawal", "lowpower"):
        left = json.loads((folder / "runs" / name / "summary.json").read_text())["outcomes"]["us_left_iraq"]
        assert fmt_band(left["share"], left["low"], left["high"], "share of worlds") in outcomes
    assert "Outcomes: share of worlds [90% interval]" in outcomes and "Peak parallel exchange rate" in outcomes
    leverage = section(page, "leverage")
    assert "withdrawal: " in leverage and "lowpower: " in leverage and "US → Iran" in leverage
    assert page.count('<table class="matrix">') == 5
    assert "US announces a withdrawal" in section(page, "story")
    parameters = section(page, "parameters")
    assert "Every parameter is at its default value" in parameters and "iran_power_share" in parameters
    assert "does not forecast" in section(page, "assumptions")
    sources = re.findall(r'<img[^>]*\ssrc="([^"]*)"', page)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not any("http" in v for v in re.findall(r'\s(?:src|href)="([^"]*)"', page))


def test_comparison_embeds_its_overlay_figures_and_predictions(folders, tmp_path):
    folder = make_comparison(folders, tmp_path)
    (folder / "figures").mkdir()
    for name in ("leverage.png", "key_metrics.png"):
        shutil.copy(folders["run"] / "figures" / name, folder / "figures" / f"compare_{name}")
    (folder / "predictions.json").write_text(json.dumps(PREDICTIONS))
    page = build(folder).read_text()
    outcomes = re.search(r'<section id="outcomes">.*?</section>', page, re.S)[0]
    leverage = re.search(r'<section id="leverage">.*?</section>', page, re.S)[0]
    assert "compare_key_metrics.png" in outcomes and "compare_leverage.png" not in outcomes
    assert leverage.count("<img") == 1 and "drawn for this report" not in leverage
    assert "Group A" in section(page, "predictions")


# -------------------------------------------------------------------------------------------------- bad input
def test_missing_folder(tmp_path):
    with pytest.raises(UserError, match=r"nowhere: no such folder.*`sim run`.*`sim compare`"):
        build(tmp_path / "nowhere")


def test_a_file_is_not_a_folder(tmp_path):
    (tmp_path / "report.html").write_text("x")
    with pytest.raises(UserError, match=r"report\.html: this is a file, not a folder.*`sim run`"):
        build(tmp_path / "report.html")


def test_cli_exits_2_on_a_damaged_folder(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    (folder / "manifest.json").write_text("[]")
    result = CliRunner().invoke(cli, ["report", str(folder)])
    assert result.exit_code == 2, result.output
    assert "manifest.json: expected a JSON object" in result.output and "Traceback" not in result.output
    assert not (folder / "report.html").exists()


def test_folder_without_manifest(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(UserError) as err:
        build(tmp_path)
    message = str(err.value)
    assert str(tmp_path) in message and "manifest.json" in message and "comparison.json" in message
    assert "notes.txt" in message and "`sim run`" in message and "`sim compare`" in message
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize("missing", ["manifest.json", "summary.json", "timeseries.parquet", "story.txt"])
def test_run_folder_missing_a_file(folders, tmp_path, missing):
    folder = copy_of(folders["run"], tmp_path)
    (folder / missing).unlink()
    with pytest.raises(UserError) as err:
        build(folder)
    message = str(err.value)
    assert str(folder) in message and f"the file {missing} is missing" in message and "`sim run`" in message
    assert not (folder / "report.html").exists()


def test_broken_json(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    (folder / "summary.json").write_text("{not json")
    with pytest.raises(UserError, match=r"summary\.json, line 1: not valid JSON"):
        build(folder)
    (folder / "summary.json").write_text("{}")
    with pytest.raises(UserError, match=r"summary\.json: the keys 'metrics', 'outcomes' are missing"):
        build(folder)


def test_comparison_missing_a_run(folders, tmp_path):
    folder = make_comparison(folders, tmp_path)
    shutil.rmtree(folder / "runs" / "lowpower")
    with pytest.raises(UserError, match=r"names the scenario 'lowpower', but its run folder runs/lowpower/ is "
                                        r"missing.*`sim compare`"):
        build(folder)


def test_bad_predictions_file(folders, tmp_path):
    folder = copy_of(folders["run"], tmp_path)
    (folder / "predictions.json").write_text(json.dumps({"scenario": "withdrawal", "entries": "Group A"}))
    with pytest.raises(UserError, match=r"predictions\.json: expected 'entries' to be a list"):
        build(folder)
