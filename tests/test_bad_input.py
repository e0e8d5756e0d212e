"""Bad input to `sim`: every user mistake gets a one-paragraph message and exit status 2, never a traceback.

Each case writes a scenario into tmp_path, runs the CLI in-process and checks that the message names the file,
the key path, the line (where the YAML has one), and what was expected and found. Nothing the user already has
may be overwritten, and YAML tags that would run code are refused without running it.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
import time
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
    raw: bytes | None = None  # bytes of bad_scenario.yaml, instead of `yaml` (binary or non-UTF-8 files)
    seconds: float = 20.0  # the refusal must come within this many seconds


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
        return path
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

# 9 levels of 9 aliases: 9**9 (387 million) values once expanded, from a 1 kB file
BILLION_LAUGHS = "name: t\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)) + "description: *l8\n"

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
    # --- hostile input: bounds checked before any work, library exceptions turned into messages
    Case("hostile-file-too-large", "name: t\n" + "# padding\n" * 110_000,
         ["is 1,100,008 bytes", "at most 1,048,576 bytes (1 MiB)"], seconds=1.0),
    Case("hostile-billion-laughs", BILLION_LAUGHS, ["aliases", "more than 100,000 values", "Expected at most 100,000"],
         line=7, seconds=1.0),
    Case("hostile-self-referencing-alias", """
        name: t
        events: &loop
          - *loop
        """, ["refers to the mapping or list that contains it", "Expected an alias"], line=2, seconds=1.0),
    Case("hostile-nesting-too-deep", "name: t\ndescription: " + "[" * 5000 + "]" * 5000 + "\n",
         ["more than 50 levels deep", "Expected at most 50 levels"], line=2, seconds=2.0),
    Case("hostile-nesting-too-deep-through-aliases", "a: &a " + "[" * 40 + "1" + "]" * 40 + "\n"
         "b: " + "[" * 30 + "*a" + "]" * 30 + "\n",
         ["with its aliases expanded", "more than 50 levels deep"], seconds=1.0),
    Case("hostile-bad-explicit-int-tag", """
        name: t
        weeks: !!int abc
        """, ["the value 'abc' cannot be read", "Expected a whole number, found 'abc'"], line=2),
    Case("hostile-bad-explicit-bool-tag", "name: t\nrepeat: !!bool maybe\n",
         ["the value 'maybe' cannot be read", "Expected true or false"], line=2),
    Case("hostile-impossible-date", """
        name: t
        start_date: 2024-02-30
        """, ["'2024-02-30' cannot be read", "Expected a real date like 2024-01-15", "found '2024-02-30'"], line=2),
    Case("hostile-year-zero", "start_date: 0000-01-01\n", ["'0000-01-01' cannot be read", "Expected a real date"],
         line=1),
    Case("hostile-integer-thousands-of-digits", "name: t\nworlds: " + "9" * 5000 + "\n",
         ["(5,000 characters) cannot be read", "Expected a whole number"], line=2, seconds=2.0),
    Case("hostile-integer-too-large-for-a-float", f"""
        events:
          - action: iran_escalation
            when: {{metric: parallel_rate, above: {"9" * 400}}}
        """, ["key 'events[0].when.above'", "expected a number", "a whole number with 400 digits",
              "too large"], line=3),
    Case("hostile-integer-too-large-for-a-parameter", f"parameters:\n  us_troops_federal: {'9' * 400}\n",
         ["key 'parameters.us_troops_federal'", "expects a finite number", "characters)"], line=2),
    Case("hostile-nan-threshold", """
        events:
          - action: iran_escalation
            when: {metric: parallel_rate, above: .nan}
        """, ["key 'events[0].when.above'", "expected a finite number", "found nan"], line=3),
    Case("hostile-infinite-option", """
        events:
          - action: restrict_dollars
            week: 3
            options: {access: .inf}
        """, ["key 'events[0].options.access'", "expected a finite number from 0 to 1", "found inf"], line=4),
    Case("hostile-infinite-parameter", "parameters:\n  us_troops_federal: -.inf\n",
         ["key 'parameters.us_troops_federal'", "expects a finite number", "found -inf"], line=2),
    Case("hostile-circled-digit", "weeks: \u2460\n", ["key 'weeks'", "expected a whole number", "found '\u2460'"],
         line=1),
    Case("hostile-superscript-digits", "name: t\nevents:\n  - {action: gaza_ceasefire, week: \"\u00b2\u00b3\"}\n",
         ["key 'events[0].week'", "expected a whole number from 1 to 1,040", "found '\u00b2\u00b3'"], line=3),
    Case("hostile-binary-file", None, ["binary file", "NUL byte at byte 5", "Expected a UTF-8 text file"],
         raw=b"name:\x00\x01\x02\xff\xfe" + bytes(range(256)), line=1),
    Case("hostile-not-utf8", None, ["line 2", "not UTF-8", "b'\\xe9", "save it as UTF-8"],
         raw=b"name: t\ndescription: caf\xe9\n"),
    Case("hostile-extends-binary-parent", """
        name: child
        extends: parent.bin
        """, ["key 'extends'", "the parent scenario", "parent.bin", "binary file"], line=2,
         files={"parent.bin": b"\x7fELF\x02\x01\x01\x00" + bytes(64)}),
    Case("hostile-extends-non-utf8-parent", """
        name: child
        extends: parent.yaml
        """, ["key 'extends'", "parent.yaml", "not UTF-8"], line=2, files={"parent.yaml": b"name: \xff\xfe\n"}),
    Case("hostile-extends-chain-too-long", "extends: p1.yaml\nname: child\n",
         ["'extends' would chain more than 20 files", "Expected a chain of at most 20 files", "p20.yaml"],
         files={f"p{i}.yaml": f"extends: p{i + 1}.yaml\n" for i in range(1, 30)} | {"p30.yaml": "name: root\n"},
         seconds=5.0),
    # --- dates, names and counts
    Case("start-date-near-year-9999", "name: t\nstart_date: 9999-06-01\n",
         ["key 'start_date'", "from 1900-01-01 to 2200-12-31", "found a start on 9999-06-01"], line=2),
    Case("start-date-before-1900", "start_date: 1850-01-01\n", ["key 'start_date'", "of at least 1900-01-01"], line=1),
    Case("last-week-after-2200", "start_date: 2200-06-01\nweeks: 104\n",
         ["key 'start_date'", "a last week on 2202-05-30", "by 2200-12-31"], line=1),
    Case("cli-weeks-beyond-the-date-range", "start_date: 2200-06-01\nweeks: 10\n",
         ["option --weeks", "104 weeks from the start date 2200-06-01", "by 2200-12-31"], args=["--weeks", "104"]),
    Case("name-too-long", f"name: {'x' * 300}\n", ["key 'name'", "1 to 200 printable characters",
                                                     "(302 characters)"], line=1),
    Case("name-with-a-path", "name: ../../escape\n", ["key 'name'", "without '/'", "found '../../escape'"], line=1),
    Case("event-action-is-a-list", "events:\n  - {action: [withdraw, truce], week: 3}\n",
         ["key 'events[0].action'", "unknown action ['withdraw', 'truce']"], line=2),
    Case("event-name-too-long", f"events:\n  - {{action: gaza_ceasefire, week: 3, name: {'y' * 300}}}\n",
         ["key 'events[0].name'", "1 to 200 characters"], line=2),
    Case("too-many-events", "events:\n" + "  - {action: gaza_ceasefire, week: 3}\n" * 1001,
         ["key 'events'", "1,001 events", "at most 1,000 events"], line=1, seconds=5.0),
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
    if case.raw is not None:
        return write(tmp_path, SCENARIO, case.raw)
    return write(tmp_path, SCENARIO, case.yaml) if case.yaml is not None else tmp_path / SCENARIO


def check(tmp_path: Path, case: Case, result) -> None:
    fragments = [f.replace("{dir}", str(tmp_path)) for f in case.expect]
    if case.names_file:
        fragments.append(SCENARIO)
    assert_user_error(result, *fragments, line=case.line)
    assert not (tmp_path / PWNED).exists(), "the YAML tag ran a shell command"
    assert not (tmp_path / "out").exists(), "a failed run left an output folder behind"


# ------------------------------------------------------------------------------------------------- tests
SLACK = 5  # CI's two cores are shared with other sessions: a refusal once took 2.1 s of a 2 s bound at load 7


def timed(case: Case, run):
    """`run()`, failing the test if it takes longer than SLACK times what the case allows: hostile input must be
    refused early, and what this catches (an expansion or a recursion that runs away) takes minutes, not seconds."""
    start = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - start
    assert elapsed < SLACK * case.seconds, f"took {elapsed:.2f} s, expected about {case.seconds} s at most"
    return result


@pytest.mark.parametrize("case", params(CASES))
def test_run_refuses_bad_input(tmp_path, monkeypatch, case):
    path = prepare(tmp_path, case)
    check(tmp_path, case, timed(case, lambda: sim(tmp_path, monkeypatch, path, *case.args)))


@pytest.mark.parametrize("case", params(FILE_CASES))
def test_validate_refuses_bad_file(tmp_path, monkeypatch, case):
    path = prepare(tmp_path, case)
    check(tmp_path, case, timed(case, lambda: sim(tmp_path, monkeypatch, path, command="validate")))


def test_yaml_tag_is_not_executed_even_by_the_library(tmp_path):
    """The library entry point (not only the CLI) refuses the tag, and the command never runs."""
    from simulator import scenario
    from simulator.errors import UserError

    path = write(tmp_path, SCENARIO, f"name: !!python/object/apply:os.system [\"touch {tmp_path / PWNED}\"]\n")
    with pytest.raises(UserError, match="not allowed"):
        scenario.load(path)
    assert not (tmp_path / PWNED).exists()


@pytest.mark.parametrize("command", ["run", "validate"])
def test_path_too_long_for_the_system_is_refused(tmp_path, monkeypatch, command):
    """A file name longer than the system allows (OSError ENAMETOOLONG) is a UserError naming it, not a traceback."""
    name = "n" * 300 + ".yaml"
    result = sim(tmp_path, monkeypatch, tmp_path / name, command=command)
    message = assert_user_error(result, "cannot be read", "Expected the path of a YAML file")
    assert "n" * 100 + ".yaml" in message and "characters)" in message  # named, shortened in the middle


def test_extends_path_too_long_for_the_system_is_refused(tmp_path, monkeypatch):
    path = write(tmp_path, SCENARIO, f"name: t\nextends: {'p' * 300}.yaml\n")
    assert_user_error(sim(tmp_path, monkeypatch, path, command="validate"), SCENARIO, "key 'extends'",
                      "does not exist", line=2)


SWEEP = "sweep.yaml"
SWEEP_HEAD = f"scenario: {ROOT / 'scenarios' / 'baseline.yaml'}\ndesign: grid\n"
BAD_SWEEPS = [
    ("nan-in-range", "parameters:\n  iran_power_share: {range: [.nan, 0.4]}\noutcomes: [us_left_iraq]\n",
     ["key 'parameters.iran_power_share.range'", "expected a list of finite numbers", "nan"], 4),
    ("inf-in-values", "parameters:\n  iran_power_share: {values: [0.2, .inf]}\noutcomes: [us_left_iraq]\n",
     ["key 'parameters.iran_power_share.values'", "expected a list of finite numbers", "inf"], 4),
    ("huge-int-in-range", f"parameters:\n  iran_power_share: {{range: [0, {'9' * 400}]}}\n"
                          f"outcomes: [us_left_iraq]\n",
     ["key 'parameters.iran_power_share.range'", "expected a list of finite numbers", "characters)"], 4),
    ("nan-threshold", "parameters:\n  iran_power_share: {range: [0.2, 0.4]}\n"
                      "outcomes:\n  - {name: x, metric: parallel_rate, stat: ever_above, threshold: .nan}\n",
     ["key 'outcomes[0]'", "needs a finite numeric 'threshold'", "found nan"], 6),
    ("binary-scenario", "scenario: blob.bin\ndesign: grid\nparameters:\n  iran_power_share: {range: [0.2, 0.4]}\n"
                        "outcomes: [us_left_iraq]\n", ["key 'scenario'", "blob.bin", "binary file"], 1),
]


@pytest.mark.parametrize("text, fragments, line", [pytest.param(t, f, n, id=i) for i, t, f, n in BAD_SWEEPS])
def test_sweep_refuses_non_finite_numbers_and_unreadable_scenarios(tmp_path, monkeypatch, text, fragments, line):
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)))
    path = write(tmp_path, SWEEP, text if text.startswith("scenario:") else SWEEP_HEAD + text)
    start = time.perf_counter()
    result = sim(tmp_path, monkeypatch, path, "--out", tmp_path / "out", command="sweep")
    assert time.perf_counter() - start < 20
    assert_user_error(result, SWEEP, *fragments, line=line)
    assert not (tmp_path / "out").exists()


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


@pytest.mark.parametrize("outcomes,fragment", [
    ("[us_left_iraq, {name: world, metric: parallel_rate, stat: max}]", "reserved"),
    ("[us_left_iraq, us_left_iraq]", "appears twice"),
    ("[{name: peak, metric: parallel_rate, stat: max}, {name: peak, metric: exit_pressure, stat: max}]",
     "appears twice")])
def test_sweep_outcome_names_must_be_unique_and_not_reserved(tmp_path, outcomes, fragment):
    from conftest import SCENARIOS, sim

    path = tmp_path / "sweep.yaml"
    path.write_text(f"scenario: {SCENARIOS / 'baseline.yaml'}\ndesign: grid\nsamples: 2\n"
                    f"parameters: {{iran_power_share: {{range: [0.2, 0.4]}}}}\noutcomes: {outcomes}\n")
    result = sim("sweep", path, "--out", tmp_path / "out")
    assert result.exit_code == 2 and fragment in result.output and "Traceback" not in result.output, result.output
    assert str(path) in result.output and not (tmp_path / "out").exists()


def test_an_output_folder_that_cannot_be_written_is_refused_before_simulating(tmp_path):
    from conftest import SCENARIOS, sim

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = sim("run", SCENARIOS / "baseline.yaml", "--worlds", 5, "--out", blocker / "run")
    assert result.exit_code == 2 and "is a file" in result.output and "Traceback" not in result.output, result.output


def test_weeks_in_a_sweep_file_is_named_as_the_sweep_files_key(tmp_path, monkeypatch):
    path = write(tmp_path, SWEEP, f"scenario: {ROOT / 'scenarios' / 'dollar_cudgel.yaml'}\ndesign: grid\nweeks: 3\n"
                                  f"parameters:\n  iran_power_share: {{range: [0.2, 0.4]}}\noutcomes: [us_left_iraq]\n")
    message = assert_user_error(sim(tmp_path, monkeypatch, path, "--out", tmp_path / "out", command="sweep"),
                                f"{SWEEP}, key 'weeks' (line 3)", "3 weeks end before the event at",
                                "dollar_cudgel.yaml", "Expected 'weeks' of at least 4, found 3")
    assert "--weeks" not in message and "command line" not in message


def test_weeks_in_a_sweep_file_that_leave_the_date_range_are_named(tmp_path, monkeypatch):
    write(tmp_path, SCENARIO, "name: late\nstart_date: 2200-06-01\nweeks: 10\n")
    path = write(tmp_path, SWEEP, f"scenario: {SCENARIO}\ndesign: grid\nweeks: 104\n"
                                  f"parameters:\n  iran_power_share: {{range: [0.2, 0.4]}}\noutcomes: [us_left_iraq]\n")
    assert_user_error(sim(tmp_path, monkeypatch, path, "--out", tmp_path / "out", command="sweep"),
                      f"{SWEEP}, key 'weeks' (line 3)", "by 2200-12-31")


UNWRITABLE = Path("/sys/sim-cannot-write-here")  # not writable even by root (sysfs), so the test bites for everyone


@pytest.mark.parametrize("command", ["run", "sweep", "compare"])
def test_an_out_folder_on_a_read_only_file_system_is_refused_before_simulating(tmp_path, monkeypatch, command):
    scenario = write(tmp_path, SCENARIO, "name: t\nweeks: 4\n")
    sweep = write(tmp_path, SWEEP, SWEEP_HEAD + "samples: 2\nweeks: 8\nparameters:\n"
                                   "  iran_power_share: {range: [0.2, 0.4]}\noutcomes: [us_left_iraq]\n")
    args = {"run": [scenario], "sweep": [sweep], "compare": [scenario, ROOT / "scenarios" / "baseline.yaml"]}[command]
    started = time.perf_counter()
    result = sim(tmp_path, monkeypatch, *args, "--out", UNWRITABLE / "out", command=command)
    assert time.perf_counter() - started < 10
    assert_user_error(result, f"--out {UNWRITABLE / 'out'}", "cannot be written to", "Nothing was run")


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: file permissions do not stop root, so a folder "
                                                "without write permission cannot be tested (the read-only file "
                                                "system test above covers the same check)")
def test_an_out_folder_without_write_permission_is_refused_before_simulating(tmp_path, monkeypatch):
    scenario = write(tmp_path, SCENARIO, "name: t\nweeks: 4\n")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert_user_error(sim(tmp_path, monkeypatch, scenario, "--out", locked / "out"), "cannot be written to")


@pytest.mark.parametrize("content, fragments", [
    ('{"scenario": "t", "entries": [{"name": "A", "predictions": {"us_left_iraq": NaN}}]}',
     ["entries[0].predictions.us_left_iraq", "expected a number from 0 to 100", "found nan"]),
    ('{"scenario": "t", "entries": [{"name": "A", "predictions": {"us_left_irak": 40}}]}',
     ["entries[0].predictions.us_left_irak", "unknown prediction"]),
    ('{"scenario": "t", "entries": ["Group A"]}', ["entries[0]", "expected an object with 'name'"]),
    ('{"scenario": "t", "entries": {}}', ["expected 'scenario' to be text and 'entries' a list"]),
    ('{"scenario": "t", "entries": [', ["line 1", "not valid JSON"]),
    ("[" * 100_000, ["nests too deeply"]),
])
def test_a_malformed_predictions_file_is_refused_before_simulating(tmp_path, monkeypatch, content, fragments):
    scenario = write(tmp_path, SCENARIO, "name: t\nweeks: 4\n")
    guesses = write(tmp_path, "guesses.json", content)
    result = sim(tmp_path, monkeypatch, scenario, "--predictions", guesses)
    assert_user_error(result, "guesses.json", *fragments)
    assert not (tmp_path / "out").exists()


def test_a_non_finite_prim_threshold_is_refused(tmp_path, monkeypatch):
    result = sim(tmp_path, monkeypatch, tmp_path, "--method", "prim", "--threshold", "nan", command="analyze")
    assert_user_error(result, "option --threshold", "expected a finite number, found nan")
