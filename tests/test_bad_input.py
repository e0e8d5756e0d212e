"""Bad input to `sim`: every user mistake gets a one-paragraph message and exit status 2, never a traceback.

Each case writes a scenario into tmp_path, runs the CLI in-process and checks that the message names the file,
the key path, the line (where the YAML has one), and what was expected and found. Nothing the user already has
may be overwritten, and YAML tags that would run code are refused without running it.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SIM

from simulator.interfaces.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
SCENARIO = "bad_scenario.yaml"
PWNED = "pwned"  # the file the malicious YAML tag would create if it were executed


# ------------------------------------------------------------------------------------------------- helpers
@dataclass
class Case:
    id: str
    yaml: str | None  # text of bad_scenario.yaml (None: do not write it)
    expect: list[str]  # fragments the message must contain (besides the file name); `{dir}` is tmp_path
    line: int | None = None  # "line N" the message must point at
    args: list = field(default_factory=list)  # extra CLI arguments (may override the default --worlds 20)
    files: dict = field(default_factory=dict)  # other files to write next to the scenario
    names_file: bool = True  # does the message have to name the scenario file?
    xfail: str | None = None  # reason, for a known bug


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n").replace("{dir}", str(tmp_path)), encoding="utf-8")
    return path


def sim(tmp_path: Path, monkeypatch, *args, command: str = "run"):
    """Invoke `sim COMMAND ARGS` in-process, inside tmp_path, fast and writing only into tmp_path."""
    args = [str(a) for a in args]
    if command == "run":
        if "--worlds" not in args:
            args += ["--worlds", "20"]
        if "--out" not in args:
            args += ["--out", str(tmp_path / "out")]
        args += ["--no-figures"]
    monkeypatch.chdir(tmp_path)  # anything written by default (outputs/) would land in tmp_path, not the repo
    return CliRunner().invoke(cli, [command, *args])


def assert_user_error(result, *fragments: str, line: int | None = None) -> str:
    """Exit 2, no traceback, a single 'Error: ...' paragraph on stderr that contains every fragment."""
    assert result.exit_code == 2, f"exit {result.exit_code}, output:\n{result.output}\n{result.exception!r}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("Error: "), message
    assert "\n\n" not in message, f"more than one paragraph:\n{message}"
    assert result.stdout == "", f"unexpected stdout:\n{result.stdout}"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from:\n{message}"
    if line is not None:
        assert f"line {line}" in message, f"'line {line}' missing from:\n{message}"
    return message


# ------------------------------------------------------------------------------------------------- cases
VALID_EVENT = """
    events:
      - name: cut
        action: restrict_dollars
        week: 8
        options: {access: 0.3, duration: 4}
"""

CASES = [
    # --- malformed YAML
    Case("malformed-bad-indentation", """
        name: oops
        weeks: 10
          worlds: 20
        """, ["not valid YAML", "Expected a mapping"], line=3),
    Case("malformed-unclosed-bracket", """
        name: oops
        events: [
          {action: gaza_ceasefire, week: 3}
        """, ["not valid YAML", "Expected a mapping"], line=4),
    Case("yaml-tag-python-object", """
        name: evil
        description: !!python/object/apply:os.system ["touch {dir}/pwned"]
        """, ["python/object/apply:os.system", "not allowed", "plain values only"], line=2),
    # --- top level
    Case("empty-file", "", ["expected a mapping", "found an empty file"]),
    Case("list-instead-of-mapping", """
        - name: a
        - weeks: 10
        """, ["expected a mapping of scenario keys", "found list"]),
    Case("unknown-top-key-near-miss-wrolds", """
        name: t
        wrolds: 50
        """, ["key 'wrolds'", "unknown key 'wrolds'", "Did you mean 'worlds'", "Expected one of:"], line=2),
    Case("weeks-wrong-type-text", """
        name: t
        weeks: twelve
        """, ["key 'weeks'", "expected a whole number from 1 to 1,040", "found 'twelve'"], line=2),
    Case("weeks-zero", "weeks: 0\n", ["key 'weeks'", "expected a whole number from 1", "found 0"], line=1),
    Case("worlds-zero", "worlds: 0\n", ["key 'worlds'", "expected a whole number from 1", "found 0"], line=1),
    Case("worlds-negative", "worlds: -5\n", ["key 'worlds'", "expected a whole number from 1", "found -5"], line=1),
    Case("worlds-absurd", f"worlds: {10**9}\n",
         ["key 'worlds'", "expected a whole number from 1 to 1,000,000", "found 1,000,000,000"], line=1),
    # --- parameters
    Case("parameter-unknown-near-miss", """
        name: t
        parameters:
          us_troop_federal: 2000
        """, ["key 'parameters.us_troop_federal'", "unknown parameter 'us_troop_federal'",
              "Did you mean 'us_troops_federal'", "sim params"], line=3),
    Case("parameter-out-of-range", """
        parameters:
          us_troops_federal: 99999
        """, ["key 'parameters.us_troops_federal'", "range [0, 4000]", "found 99999"], line=2),
    Case("parameter-wrong-type", """
        parameters:
          us_troops_federal: lots
        """, ["key 'parameters.us_troops_federal'", "expects a number", "found 'lots'"], line=2),
    # --- events
    Case("event-beyond-horizon", """
        weeks: 20
        events:
          - name: late
            action: gaza_ceasefire
            week: 200
        """, ["key 'events[0].week'", "'late'", "week 200", "horizon of 20 weeks", "Expected a week from 1 to 20"],
         line=5),
    Case("event-when-after-week-beyond-horizon", """
        weeks: 20
        events:
          - action: iran_escalation
            when: {metric: parallel_rate, above: 1800, after_week: 500}
        """, ["key 'events[0].when.after_week'", "horizon of 20 weeks", "found 500"], line=4),
    Case("event-unknown-action-near-miss", """
        events:
          - action: revoke_waiver
            week: 3
        """, ["key 'events[0].action'", "unknown action 'revoke_waiver'", "Did you mean 'revoke_waivers'",
              "Expected one of:"], line=2),
    Case("event-unknown-option-near-miss", """
        events:
          - action: restrict_dollars
            week: 3
            options: {acess: 0.3}
        """, ["key 'events[0].options.acess'", "unknown key 'acess'", "Did you mean 'access'",
              "Expected one of: access, duration"], line=4),
    Case("event-option-out-of-range", """
        events:
          - action: restrict_dollars
            week: 3
            options:
              access: 1.5
        """, ["key 'events[0].options.access'", "expected a number from 0 to 1", "found 1.5"], line=5),
    Case("event-when-unknown-metric", """
        events:
          - action: iran_escalation
            when: {metric: parallel_rat, above: 1800}
        """, ["key 'events[0].when.metric'", "unknown metric 'parallel_rat'", "Did you mean 'parallel_rate'",
              "Expected one of the recorded metrics"], line=3),
    Case("event-when-without-above-or-below", """
        events:
          - action: iran_escalation
            when:
              metric: parallel_rate
              for_weeks: 3
        """, ["key 'events[0].when'", "needs 'above' or 'below'", "found neither"], line=3),
    Case("event-both-week-and-when", """
        events:
          - action: iran_escalation
            week: 5
            when: {metric: parallel_rate, above: 1800}
        """, ["key 'events[0]'", "exactly one of 'week'", "found both"], line=2),
    Case("event-force-option-not-of-decision", """
        events:
          - action: force
            week: 5
            options: {decision: us.waiver, option: cudgel}
        """, ["key 'events[0].options.option'", "'us.waiver' has options renew, lapse", "found 'cudgel'"], line=4),
    # --- extends
    Case("extends-missing-file", """
        extends: no_such_parent.yaml
        name: child
        """, ["key 'extends'", "no_such_parent.yaml", "does not exist", "Expected a path relative to"], line=1),
    Case("extends-cycle", """
        extends: other.yaml
        name: a
        """, ["'extends'", "cycle", "other.yaml"], line=1, files={"other.yaml": f"extends: {SCENARIO}\nname: b\n"}),
    Case("duplicate-key", """
        worlds: 10
        worlds: 20
        """, ["key 'worlds'", "appears twice", "line 2"], line=1),
    # --- files and command line
    Case("missing-scenario-file", None, ["no such file", "Expected a YAML file"]),
    Case("cli-weeks-shorter-than-event", VALID_EVENT, ["option --weeks", "'cut'", "week 8",
                                                        "Expected --weeks of at least 8"],
         args=["--weeks", "4"], names_file=False),
    Case("cli-worlds-zero", "name: t\n", ["option --worlds", "expected a whole number from 1", "found 0"],
         args=["--worlds", "0"], names_file=False),
    Case("cli-worlds-negative", "name: t\n", ["option --worlds", "expected a whole number from 1", "found -3"],
         args=["--worlds", "-3"], names_file=False),
    Case("cli-worlds-absurd", "name: t\n", ["option --worlds", "expected a whole number", "found 1,000,000,000"],
         args=["--worlds", str(10**9)], names_file=False),
    Case("cli-weeks-zero", "name: t\n", ["option --weeks", "expected a whole number from 1", "found 0"],
         args=["--weeks", "0"], names_file=False),
]

FILE_CASES = [c for c in CASES if not c.args]


def params(cases):
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
            for c in cases]


def prepare(tmp_path: Path, case: Case) -> Path:
    for name, text in case.files.items():
        write(tmp_path, name, text)
    return write(tmp_path, SCENARIO, case.yaml) if case.yaml is not None else tmp_path / SCENARIO


def check(tmp_path: Path, case: Case, result) -> None:
    fragments = [f.replace("{dir}", str(tmp_path)) for f in case.expect]
    if case.names_file:
        fragments.append(SCENARIO)
    assert_user_error(result, *fragments, line=case.line)
    assert not (tmp_path / PWNED).exists(), "the YAML tag ran a shell command"
    assert not (tmp_path / "out").exists(), "a failed run left an output folder behind"


# ------------------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("case", params(CASES))
def test_run_refuses_bad_input(tmp_path, monkeypatch, case):
    path = prepare(tmp_path, case)
    check(tmp_path, case, sim(tmp_path, monkeypatch, path, *case.args))


@pytest.mark.parametrize("case", params(FILE_CASES))
def test_validate_refuses_bad_file(tmp_path, monkeypatch, case):
    path = prepare(tmp_path, case)
    check(tmp_path, case, sim(tmp_path, monkeypatch, path, command="validate"))


def test_yaml_tag_is_not_executed_even_by_the_library(tmp_path):
    """The library entry point (not only the CLI) refuses the tag, and the command never runs."""
    from simulator import scenario
    from simulator.errors import UserError

    path = write(tmp_path, SCENARIO, f"name: !!python/object/apply:os.system [\"touch {tmp_path / PWNED}\"]\n")
    with pytest.raises(UserError, match="not allowed"):
        scenario.load(path)
    assert not (tmp_path / PWNED).exists()


def test_out_folder_that_exists_is_refused_and_left_untouched(tmp_path, monkeypatch):
    scenario = write(tmp_path, SCENARIO, "name: t\nweeks: 4\n")
    out = tmp_path / "earlier_run"
    out.mkdir()
    sentinel = out / "summary.json"
    content = b'{"precious": "results from last week"}\n'
    sentinel.write_bytes(content)
    before = sorted(p.name for p in out.iterdir())

    result = sim(tmp_path, monkeypatch, scenario, "--out", out)

    assert_user_error(result, "--out", str(out), "already exists", "expected a new folder name",
                      "found an existing folder")
    assert sorted(p.name for p in out.iterdir()) == before
    assert sentinel.read_bytes() == content


def test_out_path_that_is_an_existing_file_is_refused_and_left_untouched(tmp_path, monkeypatch):
    scenario = write(tmp_path, SCENARIO, "name: t\nweeks: 4\n")
    out = tmp_path / "notes.txt"
    out.write_bytes(b"my notes\n")

    result = sim(tmp_path, monkeypatch, scenario, "--out", out)

    assert_user_error(result, "--out", "already exists", "found an existing file")
    assert out.read_bytes() == b"my notes\n"


def test_subprocess_bad_file_exits_2_without_traceback(tmp_path):
    assert SIM.exists(), f"console script not found at {SIM}"
    path = write(tmp_path, SCENARIO, "name: t\nwrolds: 50\n")
    proc = subprocess.run([str(SIM), "run", str(path), "--worlds", "20", "--no-figures", "--out",
                           str(tmp_path / "out")], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr.startswith("Error: ") and SCENARIO in proc.stderr and "Did you mean 'worlds'" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_validate_accepts_every_shipped_scenario(tmp_path, monkeypatch):
    assert SHIPPED, "no shipped scenarios found"
    result = sim(tmp_path, monkeypatch, *SHIPPED, command="validate")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.stdout.count(": OK (") == len(SHIPPED)


def test_set_parameter_refuses_initial_state_parameters(tmp_path):
    bad = tmp_path / "initial.yaml"
    bad.write_text("events:\n  - action: set_parameter\n    week: 3\n"
                   "    options: {name: us_troops_federal, value: 100}\n")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2 and "initial state" in result.output and "line 4" in result.output
