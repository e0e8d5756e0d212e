"""Scenario files: a question, a horizon, worlds, a seed, parameter overrides and events, declared in YAML.

`load` accepts a path or the name of a shipped scenario ('withdrawal', 'history/2023_attack_wave'); an existing file
takes precedence over a shipped name. A scenario may `extends:` another file (relative to itself) or a shipped
scenario by name: its parameters are merged (the child wins) and its events come first. Every problem is reported as
a UserError naming the file, key and line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import shipped
from ..errors import UserError, closest
from .yaml_source import UnreadableFile, YamlSource, shown_path

MAX_WORLDS = 1_000_000
MAX_WEEKS = 1040
MAX_EXTENDS = 20  # files in an `extends` chain, the scenario itself included
_ASCII_INT = re.compile(r"-?[0-9]{1,19}")
TOP_KEYS = {"name", "title", "description", "extends", "start_date", "weeks", "worlds", "seed", "initial", "parameters",
            "events"}
EVENT_KEYS = {"name", "action", "week", "when", "options", "repeat", "every", "description"}
WHEN_KEYS = {"metric", "above", "below", "for_weeks", "after_week"}
DEFAULTS = {"start_date": dt.date(2024, 1, 15), "weeks": 104, "worlds": 1000, "seed": 20240115}


@dataclass
class Scenario:
    name: str
    title: str
    description: str
    path: Path | None
    start_date: dt.date = DEFAULTS["start_date"]
    weeks: int = DEFAULTS["weeks"]
    worlds: int = DEFAULTS["worlds"]
    seed: int = DEFAULTS["seed"]
    parameters: dict = field(default_factory=dict)
    events: list = field(default_factory=list)  # events.ScenarioEvent
    files: list = field(default_factory=list)  # every file read, parents first

    def digest(self) -> str:
        """SHA-256 over the text of every file the scenario was read from."""
        h = hashlib.sha256()
        for f in self.files:
            h.update(Path(f).read_bytes())
        return h.hexdigest()

    def to_dict(self) -> dict:
        """The resolved scenario (after `extends` and command-line overrides) as plain data, for manifests."""
        return {"name": self.name, "title": self.title, "description": self.description,
                "start_date": self.start_date.isoformat(), "weeks": self.weeks, "worlds": self.worlds,
                "seed": self.seed, "parameters": dict(self.parameters), "events": [e.to_dict() for e in self.events],
                "files": [str(f) for f in self.files]}

    def with_overrides(self, worlds=None, seed=None, weeks=None) -> Scenario:
        """A copy with command-line overrides, checked like the file's own values."""
        import copy

        out = copy.copy(self)
        where = "command line"
        if worlds is not None:
            out.worlds = _int_in(worlds, 1, MAX_WORLDS, f"{where}, option --worlds")
        if seed is not None:
            out.seed = _int_in(seed, 0, 2**63 - 1, f"{where}, option --seed")
        if weeks is not None:
            out.weeks = _int_in(weeks, 1, MAX_WEEKS, f"{where}, option --weeks")
            _check_horizon(out.events, out.weeks, cli=True)
        return out


def load(path, _seen=()) -> Scenario:
    """Read, check and merge a scenario file (and the files it extends); `path` may name a shipped scenario."""
    path = shipped.find_scenario(path) if not _seen else Path(path)
    src = read_mapping(path, TOP_KEYS, "scenario")
    data = src.data

    if "extends" in data:
        parent_file = data["extends"]
        if not isinstance(parent_file, str):
            raise UserError(f"{src.where(('extends',))}: expected the path of another scenario file, found "
                            f"{parent_file!r}.")
        parent_path = (path.parent / parent_file)
        if not is_file_path(parent_path):
            parent_path = shipped.shipped_scenario(parent_file) or parent_path
        if not is_file_path(parent_path):
            raise UserError(f"{src.where(('extends',))}: the file {shown_path(parent_path)} does not exist. Expected "
                            f"a path relative to {path.parent} or the name of a shipped scenario."
                            f"{closest(parent_file.removesuffix('.yaml')[:200], shipped.scenario_names())}")
        chain = _seen + (path.resolve(),)
        if parent_path.resolve() in chain:
            raise UserError(f"{src.where(('extends',))}: 'extends' forms a cycle "
                            f"({' -> '.join(p.name for p in chain)} -> {parent_path.name}). Expected a chain of files "
                            f"that ends in one without 'extends'.")
        if len(chain) >= MAX_EXTENDS:
            raise UserError(f"{src.where(('extends',))}: 'extends' would chain more than {MAX_EXTENDS} files "
                            f"({chain[0].name} -> ... -> {path.name} -> {parent_path.name}). Expected a chain of at "
                            f"most {MAX_EXTENDS} files; merge some of them.")
        try:
            base = load(parent_path, chain)
        except UnreadableFile as err:
            raise UnreadableFile(f"{src.where(('extends',))}: the parent scenario {shown_path(parent_path)} cannot be "
                                 f"used. {err}") from None
    else:
        base = Scenario(name=path.stem, title="", description="", path=None)

    scenario = Scenario(
        name=_text(data, "name", src, base.name if "extends" in data else path.stem),
        title=_text(data, "title", src, base.title),
        description=_text(data, "description", src, base.description),
        path=path,
        start_date=_date(data, src, base.start_date),
        weeks=_int_in(data.get("weeks", base.weeks), 1, MAX_WEEKS, src.where(("weeks",))),
        worlds=_int_in(data.get("worlds", base.worlds), 1, MAX_WORLDS, src.where(("worlds",))),
        seed=_int_in(data.get("seed", base.seed), 0, 2**63 - 1, src.where(("seed",))),
        parameters={**base.parameters, **_initial(data, src), **_parameters(data, src)},
        files=base.files + [path],
    )
    scenario.events = base.events + [_event(e, i, src) for i, e in enumerate(_list(data, "events", src))]
    _check_horizon(scenario.events, scenario.weeks)
    return scenario


def _check_horizon(events, weeks: int, cli: bool = False) -> None:
    """Refuse events that could only act after the last week."""
    for event in events:
        week = event.week if event.when is None else event.when.after_week
        if week > weeks:
            prefix = f"command line, option --weeks {weeks}: the event at " if cli else ""
            expected = f"--weeks of at least {week}" if cli else f"a week from 1 to {weeks}"
            raise UserError(f"{prefix}{event.source}: event '{event.name}' cannot act at week {week}, outside the "
                            f"horizon of {weeks} weeks. Expected {expected}, found {weeks if cli else week}.")


# --------------------------------------------------------------------------------------------------- helpers
def is_file_path(path: Path) -> bool:
    """Path.is_file, but False (not an OSError) for a path the system refuses, such as a name too long."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def read_mapping(path: Path, keys: set, what: str) -> YamlSource:
    """A YAML file that must be a mapping whose keys are all in `keys` (a scenario or a sweep file)."""
    src = YamlSource(path)
    if not isinstance(src.data, dict):
        raise UserError(f"{path}: expected a mapping of {what} keys ({', '.join(sorted(keys))}), found "
                        f"{type(src.data).__name__ if src.data is not None else 'an empty file'}.")
    _no_unknown(src.data, keys, (), src)
    return src


def _no_unknown(data: dict, allowed: set, path: tuple, src: YamlSource) -> None:
    for key in data:
        if key not in allowed:
            raise UserError(f"{src.where(path + (str(key),))}: unknown key {key!r}.{closest(str(key), allowed)} "
                            f"Expected one of: {', '.join(sorted(allowed))}.")


def _text(data, key, src, default) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise UserError(f"{src.where((key,))}: expected text, found {value!r}.")
    return value.strip()


def _date(data, src, default) -> dt.date:
    value = data.get("start_date", default)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            pass
    if not isinstance(value, dt.date):
        raise UserError(f"{src.where(('start_date',))}: expected a date like 2024-01-15, found {value!r}.")
    return value


def _int_in(value, low, high, where) -> int:
    """A whole number in [low, high]: an int, an integral float, or text of ASCII digits with an optional leading
    minus (as typed on the command line). Anything else, including non-ASCII digits, is refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():  # False for NaN and infinity
            value = int(value)
        elif isinstance(value, str) and _ASCII_INT.fullmatch(value.strip()):
            value = int(value.strip())
        else:
            raise UserError(f"{where}: expected a whole number from {low:,} to {high:,}, found {_show(value)}.")
    if not low <= value <= high:
        raise UserError(f"{where}: expected a whole number from {low:,} to {high:,}, found {_show(value)}.")
    return value


def _show(value) -> str:
    """`value` for a message: numbers with thousands separators, anything long cut short."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = len(str(abs(value)))
        return f"{value:,}" if digits <= 30 else f"a whole number with {digits:,} digits"
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text):,} characters)"


class _Sub:
    """A YamlSource seen from inside a nested mapping, so helpers written for top-level keys work there too."""

    def __init__(self, src, path):
        self.src, self.path = src, path

    def where(self, key: tuple) -> str:
        return self.src.where(self.path + key)


def _known(value, names, where: str, what: str, expected: str):
    """`value` if it is one of `names`, else a UserError suggesting the closest."""
    if value not in names:
        raise UserError(f"{where}: unknown {what} {value!r}.{closest(str(value), names)} Expected {expected}: "
                        f"{', '.join(names)}.")
    return value


def _number(value, where, low=None, high=None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UserError(f"{where}: expected a number, found {_show(value)}.")
    try:
        number = float(value)
    except OverflowError:
        raise UserError(f"{where}: expected a number{_span(low, high)}, found {_show(value)}, too large to use."
                        ) from None
    if not math.isfinite(number):
        raise UserError(f"{where}: expected a finite number{_span(low, high)}, found {value!r}.")
    if (low is not None and number < low) or (high is not None and number > high):
        raise UserError(f"{where}: expected a number{_span(low, high)}, found {value!r}.")
    return number


def _span(low, high) -> str:
    if low is not None and high is not None:
        return f" from {low:g} to {high:g}"
    if low is not None:
        return f" of at least {low:g}"
    return f" of at most {high:g}" if high is not None else ""


def _list(data, key, src) -> list:
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise UserError(f"{src.where((key,))}: expected a list, found {type(value).__name__} {value!r}.")
    return value


def _number_section(data, src, key: str, example: str, resolve=None) -> dict:
    """A mapping of registry names to numbers (`parameters:`, or `initial:` whose names `resolve` maps to initial-state
    parameters), each value checked against the registry."""
    from ..model.parameters import check_value

    values = data.get(key) or {}
    if not isinstance(values, dict):
        raise UserError(f"{src.where((key,))}: expected a mapping of names to numbers, such as {example}, found "
                        f"{values!r}.")
    out = {}
    for name, value in values.items():
        where = src.where((key, name))
        target = str(name) if resolve is None else resolve(name, where)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise UserError(f"{where}: parameter {name!r} expects a number, found {value!r}.")
        out[target] = check_value(target, value, where)
    return out


def _parameters(data, src) -> dict:
    return _number_section(data, src, "parameters", "{iran_power_share: 0.3}")


def initial_state_names() -> dict[str, str]:
    """The state variables an `initial:` section may set: each initial-state parameter, by its name or by its name
    without the `_initial` suffix (`iraq_exit_pressure` for `iraq_exit_pressure_initial`)."""
    from ..model.parameters import registry

    names = {}
    for name, p in registry().items():
        if p.initial:
            names[name] = name
            names[name.removesuffix("_initial")] = name
    return names


def _initial(data, src) -> dict:
    """The `initial:` section: the state at the start date (troops per location, grievance, a truce in force ...)."""
    names = initial_state_names()

    def resolve(key, where):
        return names[_known(key, names, where, "initial state variable", "one of (docs/scenarios.md)")]

    return _number_section(data, src, "initial", "{us_troops_federal: 1000, militia_suspended_weeks: 20}", resolve)


def _event(raw, i, src):
    from ..model.events import ACTIONS, ScenarioEvent, Trigger
    from ..model.metrics import METRICS

    path = ("events", i)
    if not isinstance(raw, dict):
        raise UserError(f"{src.where(path)}: expected an event mapping with at least 'action' and 'week' or 'when', "
                        f"found {raw!r}.")
    _no_unknown(raw, EVENT_KEYS, path, src)
    action = _known(raw.get("action"), ACTIONS, src.where(path + ("action",)), "action", "one of")
    name = raw.get("name", action)
    if not isinstance(name, str):
        raise UserError(f"{src.where(path + ('name',))}: expected text, found {name!r}.")
    if ("week" in raw) == ("when" in raw):
        raise UserError(f"{src.where(path)}: an event needs exactly one of 'week' (scheduled) or 'when' (a condition "
                        f"on a metric), found {'both' if 'week' in raw else 'neither'}.")
    repeat = raw.get("repeat", False)
    if not isinstance(repeat, bool):
        raise UserError(f"{src.where(path + ('repeat',))}: expected true or false, found {repeat!r}.")
    every = raw.get("every")
    if every is not None:
        every = _int_in(every, 1, MAX_WEEKS, src.where(path + ("every",)))
        if not repeat:
            raise UserError(f"{src.where(path + ('every',))}: 'every' only applies to an event with 'repeat: true'; "
                            f"expected 'repeat: true' beside it, found 'repeat: false'.")
    week, when = None, None
    if "week" in raw:
        week = _int_in(raw["week"], 1, MAX_WEEKS, src.where(path + ("week",)))
        if repeat and every is None:
            raise UserError(f"{src.where(path + ('repeat',))}: a repeating scheduled event needs 'every: N' (weeks "
                            f"between firings).")
    else:
        cond = raw["when"]
        wpath = path + ("when",)
        if not isinstance(cond, dict):
            raise UserError(f"{src.where(wpath)}: expected a condition like {{metric: parallel_rate, above: 1800, "
                            f"for_weeks: 3}}, found {cond!r}.")
        _no_unknown(cond, WHEN_KEYS, wpath, src)
        metric = _known(cond.get("metric"), METRICS, src.where(wpath + ("metric",)), "metric",
                        "one of the recorded metrics")
        if "above" not in cond and "below" not in cond:
            raise UserError(f"{src.where(wpath)}: a condition needs 'above' or 'below' (or both), found neither.")
        when = Trigger(metric,
                       above=_number(cond["above"], src.where(wpath + ("above",))) if "above" in cond else None,
                       below=_number(cond["below"], src.where(wpath + ("below",))) if "below" in cond else None,
                       for_weeks=_int_in(cond.get("for_weeks", 1), 1, MAX_WEEKS, src.where(wpath + ("for_weeks",))),
                       after_week=_int_in(cond.get("after_week", 1), 1, MAX_WEEKS, src.where(wpath + ("after_week",))))
    options = _options(action, raw.get("options") or {}, path + ("options",), src)
    return ScenarioEvent(name=name, action=action, options=options, week=week, when=when, repeat=repeat, every=every,
                         source=src.where(path + (("week",) if when is None else ("when", "after_week"))),
                         description=_text(raw, "description", _Sub(src, path), ""))


def _options(action, given, path, src) -> dict:
    from ..model.choice import DECISIONS
    from ..model.events import ACTIONS
    from ..model.parameters import check_value

    spec = ACTIONS[action].options
    if not isinstance(given, dict):
        raise UserError(f"{src.where(path)}: expected a mapping of options for {action!r}, found {given!r}.")
    if given and not spec:
        raise UserError(f"{src.where(path)}: action {action!r} takes no options, found {given!r}.")
    _no_unknown(given, set(spec), path, src)
    out = {}
    for key, opt in spec.items():
        where = src.where(path + (key,))
        if key not in given:
            if opt.default is None and not opt.optional:
                raise UserError(f"{src.where(path)}: action {action!r} needs option {key!r} "
                                f"({opt.help or opt.kind.__name__}).")
            out[key] = opt.default
            continue
        value = given[key]
        if value is None and opt.optional:
            out[key] = None
        elif opt.kind is bool:
            if not isinstance(value, bool):
                raise UserError(f"{where}: expected true or false, found {value!r}.")
            out[key] = value
        elif opt.kind is int:
            out[key] = _int_in(value, int(opt.low), int(opt.high), where)
        elif opt.kind is float:
            out[key] = _number(value, where, opt.low, opt.high)
        else:
            if not isinstance(value, str) or (opt.choices and value not in opt.choices):
                raise UserError(f"{where}: expected one of {', '.join(opt.choices)}, found {value!r}."
                                f"{closest(str(value), opt.choices)}" if opt.choices else
                                f"{where}: expected text, found {value!r}.")
            out[key] = value
    if action in ("force", "forbid") and out["option"] not in DECISIONS[out["decision"]]:
        raise UserError(f"{src.where(path + ('option',))}: decision {out['decision']!r} has options "
                        f"{', '.join(DECISIONS[out['decision']])}, found {out['option']!r}.")
    if action == "set_parameter":
        from ..model.parameters import check_name

        if check_name(out["name"], src.where(path + ("name",))).initial:
            raise UserError(f"{src.where(path + ('name',))}: {out['name']!r} sets the initial state and cannot change "
                            f"mid-run; expected a parameter that acts every week, or set it under 'parameters:'.")
        out["value"] = check_value(out["name"], out["value"], src.where(path + ("value",)))
    return out
