"""Sweep files (configs/sweeps/*.yaml): a base scenario, the parameters to vary, a design, replications, a seed and
the per-world outcomes to record. Every problem is a UserError naming the file, key and line."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError, closest
from ..model.outcomes import OUTCOMES, STATS, VALUE_STATS, Outcome
from ..scenario.loader import MAX_NAME, folder_name, is_file_path
from ..scenario.loader import show_value as _show
from ..scenario.yaml_source import UnreadableFile, shown_path
from . import designs

KEYS = {"name", "description", "scenario", "design", "samples", "replications", "seed", "weeks", "parameters",
        "outcomes", "timeseries", "chunk_worlds", "allow_outside_range"}
MAX_WORLDS = 100_000_000
RESERVED_COLUMNS = ("world", "point", "replication")  # the columns every chunk of results has
DEFAULT_CHUNK_WORLDS = 10_000


@dataclass
class SweepSpec:
    name: str
    description: str
    path: Path
    scenario: object  # scenario.Scenario
    design: str
    samples: int
    replications: int
    seed: int
    weeks: int
    parameters: dict  # name -> {"low", "high", "values"}
    outcomes: dict  # name -> Outcome
    timeseries: list = field(default_factory=list)
    chunk_worlds: int = DEFAULT_CHUNK_WORLDS
    allow_outside_range: bool = False

    @property
    def problem(self) -> dict:
        names = list(self.parameters)
        return {"num_vars": len(names), "names": names,
                "bounds": [[self.parameters[n]["low"], self.parameters[n]["high"]] for n in names]}

    @property
    def points(self) -> int:
        return designs.point_count(self.design, len(self.parameters), self.samples, self._value_lists())

    @property
    def worlds(self) -> int:
        return self.points * self.replications

    def _value_lists(self) -> dict:
        return {i: spec["values"] for i, spec in enumerate(self.parameters.values()) if spec["values"] is not None}

    def sample(self):
        """The design points, (points, parameters), in the sampler's order."""
        return designs.sample(self.design, self.problem, self.samples, self.seed, self._value_lists())

    def digest(self) -> str:
        h = hashlib.sha256(self.path.read_bytes())
        h.update(self.scenario.digest().encode())
        return h.hexdigest()


def load(path) -> SweepSpec:
    from .. import scenario as scenarios
    from ..model.parameters import registry

    path = Path(path)
    src = scenarios.read_mapping(path, KEYS, "sweep")
    data = src.data
    for key in ("scenario", "design", "parameters", "outcomes"):
        if key not in data:
            raise UserError(f"{path}: missing key '{key}'. A sweep needs scenario, design, parameters and outcomes.")

    base = data["scenario"]
    if not isinstance(base, str):
        raise UserError(f"{src.where(('scenario',))}: expected the path of a scenario file, found {_show(base)}.")
    base_path = path.parent / base
    if not is_file_path(base_path):
        from ..shipped import scenario_names, shipped_scenario

        base_path = shipped_scenario(base) or base_path
    if not is_file_path(base_path):
        raise UserError(f"{src.where(('scenario',))}: the scenario file {base_path} does not exist. Expected a path "
                        f"relative to {path.parent} or the name of a shipped scenario."
                        f"{closest(base.removesuffix('.yaml'), scenario_names())}")
    try:
        scenario = scenarios.load(base_path)
    except UnreadableFile as err:
        raise UnreadableFile(f"{src.where(('scenario',))}: the scenario {shown_path(base_path)} cannot be used. "
                             f"{err}") from None

    design = data["design"]
    if design not in designs.METHODS:
        raise UserError(f"{src.where(('design',))}: unknown design {_show(design)}."
                        f"{closest(str(design), designs.METHODS)} Expected one of: {', '.join(designs.METHODS)}.")
    samples = _int(data.get("samples", 10), 1, 10_000_000, src.where(("samples",)))
    if design == "sobol" and samples & (samples - 1):
        raise UserError(f"{src.where(('samples',))}: a Sobol design needs a power of two (its convergence depends on "
                        f"it), found {samples}. Expected for example {1 << samples.bit_length() - 1} or "
                        f"{1 << samples.bit_length()}.")
    allow = data.get("allow_outside_range", False)
    if not isinstance(allow, bool):
        raise UserError(f"{src.where(('allow_outside_range',))}: expected true or false, found {_show(allow)}.")

    name, description = data.get("name", path.stem), data.get("description", "")
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise UserError(f"{src.where((key,))}: expected text, found {_show(value)}.")

    spec = SweepSpec(
        name=folder_name(name, src.where(("name",))), description=description.strip(), path=path,
        scenario=scenario, design=design, samples=samples,
        replications=_int(data.get("replications", 1), 1, 1_000_000, src.where(("replications",))),
        seed=_int(data.get("seed", scenario.seed), 0, 2**63 - 1, src.where(("seed",))),
        weeks=_int(data.get("weeks", scenario.weeks), 1, 1040, src.where(("weeks",))),
        parameters=_parameters(data["parameters"], design, allow, src, registry()),
        outcomes=_outcomes(data["outcomes"], src),
        timeseries=_timeseries(data.get("timeseries", []), src),
        chunk_worlds=_int(data.get("chunk_worlds", DEFAULT_CHUNK_WORLDS), 1, 1_000_000, src.where(("chunk_worlds",))),
        allow_outside_range=allow,
    )
    if spec.worlds > MAX_WORLDS:
        raise UserError(f"{path}: this sweep has {spec.points:,} design points x {spec.replications:,} replications = "
                        f"{spec.worlds:,} worlds; expected at most {MAX_WORLDS:,}. Lower samples or replications.")
    scenario.with_overrides(weeks=spec.weeks, weeks_from=src.where(("weeks",)) if "weeks" in data else str(path))
    return spec


def _int(value, low, high, where) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UserError(f"{where}: expected a whole number from {low:,} to {high:,}, found {_show(value)}.")
    return value


def _finite(value) -> bool:
    """A real number (not a boolean) that converts to a finite float: no NaN, no infinity, no 400-digit integer."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _parameters(raw, design, allow, src, registry) -> dict:
    if raw == "all":
        if design == "grid":
            raise UserError(f"{src.where(('parameters',))}: 'all' parameters on a grid would be astronomically large; "
                            f"expected a list of parameters for a grid, or another design.")
        return {p.name: {"low": p.low, "high": p.high, "values": None}
                for p in registry.values() if p.high > p.low and not p.initial}
    if not isinstance(raw, dict) or not raw:
        raise UserError(f"{src.where(('parameters',))}: expected a mapping like "
                        f"{{us_dollar_access: {{range: [0.3, 1.0]}}}} or 'all', found {_show(raw)}.")
    out = {}
    for name, spec in raw.items():
        where = src.where(("parameters", str(name)))
        if name not in registry:
            raise UserError(f"{where}: unknown parameter {_show(name)}.{closest(str(name), registry)} "
                            f"Run `sim params` for the list.")
        p = registry[name]
        if not isinstance(spec, dict) or set(spec) - {"range", "values"} or len(spec) != 1:
            raise UserError(f"{where}: expected {{range: [low, high]}} or {{values: [v1, v2, ...]}}, found "
                            f"{_show(spec)}.")
        key = next(iter(spec))
        numbers = spec[key]
        if not isinstance(numbers, list) or not numbers or not all(_finite(v) for v in numbers):
            raise UserError(f"{src.where(('parameters', str(name), key))}: expected a list of finite numbers, "
                            f"found {_show(numbers)}.")
        if key == "range" and (len(numbers) != 2 or numbers[0] >= numbers[1]):
            raise UserError(f"{src.where(('parameters', str(name), key))}: expected [low, high] with low < high, found "
                            f"{_show(numbers)}.")
        if key == "values" and design != "grid":
            raise UserError(f"{src.where(('parameters', str(name), key))}: value lists only work with design: grid; "
                            f"a {design} design needs a range [low, high].")
        low, high = min(numbers), max(numbers)
        if not allow and (low < p.low or high > p.high):
            raise UserError(f"{src.where(('parameters', str(name), key))}: {_show(numbers)} goes outside the "
                            f"documented range of {_show(name)}, [{p.low:g}, {p.high:g}] {p.unit}. Expected values "
                            f"inside it, or 'allow_outside_range: true' to explore beyond it on purpose.")
        out[name] = {"low": float(low), "high": float(high),
                     "values": [float(v) for v in numbers] if key == "values" else None}
    return out


def _outcomes(raw, src) -> dict:
    """Named outcomes from the vocabulary (simulator/model/outcomes.py), or mappings that define one the same way."""
    from ..model.metrics import METRICS

    keys = {"name", "metric", "stat", "threshold", "relative"}
    if not isinstance(raw, list) or not raw:
        raise UserError(f"{src.where(('outcomes',))}: expected a list of named outcomes ({', '.join(OUTCOMES)}) or "
                        f"mappings {{name, metric, stat, threshold, relative}}, found {_show(raw)}.")
    out = {}
    for i, item in enumerate(raw):
        where = src.where(("outcomes", i))
        name = item if isinstance(item, str) else item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name in RESERVED_COLUMNS:
            raise UserError(f"{where}: the outcome name {_show(name)} is reserved for a column of every results table "
                            f"({', '.join(RESERVED_COLUMNS)}); expected another name, found {_show(name)}.")
        if isinstance(name, str) and name in out:
            raise UserError(f"{where}: the outcome {_show(name)} appears twice; expected each outcome name once, so no "
                            f"result silently overwrites another.")
        if isinstance(item, str):
            if item not in OUTCOMES:
                raise UserError(f"{where}: unknown named outcome {_show(item)}."
                                f"{closest(item, OUTCOMES)} Expected one of: {', '.join(OUTCOMES)}, or a mapping "
                                f"{{name, metric, stat, threshold, relative}}.")
            out[item] = OUTCOMES[item]
            continue
        if not isinstance(item, dict) or set(item) - keys or "name" not in item:
            raise UserError(f"{where}: expected {{name, metric, stat, threshold, relative}}, found {_show(item)}.")
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
            raise UserError(f"{src.where(('outcomes', i, 'name'))}: expected a name of 1 to {MAX_NAME} characters, "
                            f"found {_show(name)}.")
        metric, stat, threshold = item.get("metric"), item.get("stat", "final"), item.get("threshold")
        relative = item.get("relative", False)
        if not isinstance(metric, str) or metric not in METRICS:
            raise UserError(f"{src.where(('outcomes', i, 'metric'))}: unknown metric {_show(metric)}."
                            f"{closest(str(metric), METRICS)} Expected one of the recorded metrics (docs/model.md).")
        if stat not in STATS:
            raise UserError(f"{src.where(('outcomes', i, 'stat'))}: unknown statistic {_show(stat)}."
                            f"{closest(str(stat), STATS)} Expected one of: {', '.join(STATS)}.")
        needs = stat not in VALUE_STATS
        if needs != (threshold is not None) or (threshold is not None and not _finite(threshold)):
            raise UserError(f"{where}: statistic {_show(stat)} {'needs a finite' if needs else 'takes no'} numeric "
                            f"'threshold', found {_show(threshold)}.")
        if not isinstance(relative, bool) or (relative and not needs):
            raise UserError(f"{src.where(('outcomes', i, 'relative'))}: expected true or false (true: the threshold is "
                            f"a multiple of the world's week-0 value; only with a threshold), found {_show(relative)}.")
        out[str(item["name"])] = Outcome(metric, stat, None if threshold is None else float(threshold), relative,
                                         str(item["name"]))
    return out


def _timeseries(raw, src) -> list:
    from ..model.metrics import METRICS

    def known(m) -> bool:
        return isinstance(m, str) and m in METRICS

    if not isinstance(raw, list) or not all(map(known, raw)):
        bad = next((m for m in raw if not known(m)), raw) if isinstance(raw, list) else raw
        raise UserError(f"{src.where(('timeseries',))}: expected a list of metric names to keep week by week, found "
                        f"{_show(bad)}.{closest(str(bad), METRICS)}")
    if len(set(raw)) != len(raw):
        raise UserError(f"{src.where(('timeseries',))}: expected each metric once, found {_show(raw)}.")
    return list(raw)
