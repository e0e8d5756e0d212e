"""The story of one world (the typical one unless asked): what happened, in order, in plain language, with the
numbers that matter.

The story is told from the event log and checked against the world's recorded series, so it never says what the
data contradict: no attacks on US forces once the last troops have left, a faction's attacking posture only when it
did attack within a few weeks, no talk of negotiating an exit once the US is leaving, one line per happening (a
scenario event and the actors' own log lines saying the same thing that week are one line), and the end of what had
a duration (a truce, a suspension, a gas cut) where the log and the series allow.
"""

from __future__ import annotations

import re
import textwrap

import numpy as np

from ..model.choice import DECISIONS
from ..model.metrics import KEY_METRICS
from ..model.narrative import FACTION_NAMES
from ..model.outcomes import clause
from ..model.units import fmt

QUIET_KINDS = {"strike", "casualties", "militia.posture.hardline_allies", "militia.posture.state_aligned"}
FLAPPING_KINDS = {"us.retaliation", "iran.direction", "iraq.exit_stance", "militia.posture.kataib_hezbollah", "dollars",
                  "gas_supply"}
MIN_PERSISTENCE = 4  # a change of stance is told only if it lasts at least this many weeks
MAX_LINES = 14
ATTACK_WINDOW = 3  # a faction's attacking posture is told only if it attacked within this many weeks either side

# Lines about attacks on US forces (not told in a week with no US troops in Iraq).
ATTACK_TEXT = re.compile(r"attack|harass|escalat|unleash|pressure on us forces", re.IGNORECASE)
# Lines about Baghdad negotiating or requesting an exit (not told once the US is leaving or gone).
EXIT_TALK = re.compile(r"negotiates a timetable|requests a (us )?withdrawal", re.IGNORECASE)
# Log kinds after which the US is leaving Iraq, and scenario actions that make it leave.
LEAVING_KINDS = {"timetable", "withdrawal", "us_withdrawal", "agree_timetable"}
POSTURE = "militia.posture."

# What a scenario action makes the actors log in the same week: those lines say the same thing as the event's own.
ECHOES = {
    "us_withdrawal": {"withdrawal"}, "agree_timetable": {"timetable"}, "us_exit_response": {"timetable", "withdrawal"},
    "baghdad_militia_policy": {"iraq.militia_policy"}, "revoke_waivers": {"waiver"}, "restore_waivers": {"waiver"},
    "restrict_dollars": {"dollars"}, "restore_dollars": {"dollars"}, "iraq_demands_withdrawal": {"iraq.exit_stance"},
    "us_retaliation": {"us.retaliation"}, "iran_escalation": {"iran.direction"}, "iran_gas_cut": {"gas_supply"},
    "militia_truce": {"iran.direction", "suspension", POSTURE}, "mass_casualty_attack": {"casualties"},
    "targeted_killing": {"strike"}, "declare_deterrence": {"threat.us_retaliation"},
}
EXECUTE_ECHOES = {"us_dollars": {"dollars"}, "us_waivers": {"waiver"}, "iran_energy": {"gas_supply"},
                  "iran_proxies": {"iran.direction"}}


def typical_world(model) -> int:
    """Index of the world whose key-metric paths are closest to the ensemble median (standardised per week)."""
    distance = np.zeros(model.worlds)
    for name in KEY_METRICS:
        s = model.recorder.series(name).astype(float)
        spread = s.std(axis=1, keepdims=True) + 1e-9
        distance += (((s - np.median(s, axis=1, keepdims=True)) / spread) ** 2).mean(axis=0)
    return int(np.argmin(distance))


def tell(model, events, world_index: int | None = None) -> dict:
    """The story of one world as records: which world, the happenings in order (week, date, actor, text), whether
    more were left out, and a closing paragraph of numbers. `events` is the model's event_columns() (or its
    events_frame()); `world_index` is the world's index in the ensemble (0..worlds-1); by default the typical
    world. `render` turns it into story.txt."""
    typical = world_index is None
    i = typical_world(model) if typical else int(world_index)
    if not 0 <= i < model.worlds:
        raise IndexError(f"world_index {i} is outside 0..{model.worlds - 1}")
    world_id = int(model.world_ids[i])
    mine = np.flatnonzero(np.asarray(events["world"]) == world_id)
    weeks, actors, kinds, texts = (np.asarray(events[c])[mine] for c in ("week", "actor", "kind", "description"))
    rows = [(int(w), str(a), str(k), str(t)) for w, a, k, t in zip(weeks, actors, kinds, texts)]
    told = _happenings(model, i, rows)
    more = len(told) > MAX_LINES
    lines = [{"week": week, "date": model.calendar.date(week).isoformat(), "actor": actor, "text": text}
             for week, actor, _, text in told[:MAX_LINES]]
    return {"world": world_id, "worlds": model.worlds, "typical": typical, "lines": lines, "more": more,
            "numbers": _numbers(model, i)}


def render(story: dict, width: int | None = None) -> str:
    """story.txt: the heading, one line per happening, and the numbers, wrapped for a terminal (every line wrapped
    to `width` columns when given, as for the terminal; else the numbers at 110)."""
    if story.get("typical", True):
        out = [f"Story of a typical world (world {story['world']}, the closest of {story['worlds']} to the median on "
               f"the key metrics):"]
    else:
        out = [f"Story of world {story['world']} (one of {story['worlds']}):"]
    out += [f"  week {line['week']} ({line['date']}): {line['text']}" for line in story["lines"]]
    if story["more"]:
        out.append("  ... (the full list is in events.parquet)")
    if not story["lines"]:
        out.append("  No lever was pulled and no actor changed course for long.")
    if width:
        out = [textwrap.fill(line, width=width, subsequent_indent=" " * (len(line) - len(line.lstrip()) + 4))
               if len(line) > width else line for line in out]
    out.append(textwrap.fill(story["numbers"], width=width or 110, initial_indent="  ", subsequent_indent="  "))
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ the happenings
def _series(model, name: str, i: int) -> np.ndarray:
    return model.recorder.series(name)[:, i].astype(float)


def leaving_week(model, i: int, rows) -> float:
    """The first week from which the US is leaving Iraq in world i: a timetable or withdrawal logged, or the start
    of the final fall of its troops to zero (inf if neither)."""
    weeks = [week for week, _, kind, _ in rows if kind in LEAVING_KINDS]
    troops = _series(model, "us_troops_iraq", i)
    if troops[-1] <= 0:
        gone = np.flatnonzero(troops > 0)
        s = int(gone[-1]) + 1 if gone.size else 0  # first week from which no troops are left
        while s >= 1 and troops[s - 1] > troops[s]:
            s -= 1
        weeks.append(s + 1)  # troops[s] is the last level before the fall
    return float(min(weeks)) if weeks else np.inf


def _event_options(model) -> dict:
    """(action, name) -> options of the scenario's events, to know their durations and levers."""
    out = {}
    for event in getattr(model.schedule_events, "events", []):
        out.setdefault((event.action, event.name), event.options)
    return out


def _echoes(action: str, options: dict) -> set:
    kinds = set(ECHOES.get(action, ()))
    if action in ("force", "forbid") and options.get("decision"):
        kinds.add(str(options["decision"]))
    if action == "threaten" and options.get("lever"):
        kinds.add(f"threat.{options['lever']}")
    if action == "execute_threat" and options.get("lever"):
        kinds |= {f"executed.{options['lever']}"} | EXECUTE_ECHOES.get(options["lever"], set())
    return kinds


def _echoed(kind: str, kinds: set) -> bool:
    return kind in kinds or (POSTURE in kinds and kind.startswith(POSTURE))


def _duration(options: dict) -> int | None:
    d = options.get("duration")
    try:
        return None if d is None or not np.isfinite(float(d)) else int(d)
    except (TypeError, ValueError):
        return None


def _words(text: str) -> set:
    return set(re.findall(r"[a-z0-9%']+", text.lower()))


def _similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.6


def _merged_suspensions(rows: list) -> list:
    """Factions suspending (or ending a suspension) alike in a week are one happening: "Kata'ib Hezbollah and other
    hardline factions: campaign against US forces suspended on Tehran's order"; a suspending faction's "holding fire"
    is part of it."""
    suspending = {r[1] for r in rows if r[2] == "suspension" and "suspended" in r[3]}
    out, groups = [], {}
    for r in rows:
        if r[2].startswith(POSTURE) and r[1] in suspending and r[3].endswith("holding fire"):
            continue
        _, sep, rest = r[3].partition(": ")
        if r[2] != "suspension" or not sep or r[1] not in FACTION_NAMES:
            out.append(r)
        elif rest in groups:
            groups[rest][0].append(r[1])
        else:
            groups[rest] = ([r[1]], r)
            out.append(r)
    for rest, (actors, r) in groups.items():
        if len(actors) > 1:
            names = [FACTION_NAMES[actors[0]], *(clause(FACTION_NAMES[a]) for a in actors[1:])]
            r[3] = f"{', '.join(names[:-1])} and {names[-1]}: {rest}"
    return out


def _happenings(model, i: int, rows: list) -> list:
    """(week, actor, kind, text) of what is worth telling in world i, in order, checked against its series."""
    troops = _series(model, "us_troops_iraq", i)
    last = len(troops) - 1
    leaving = leaving_week(model, i, rows)
    options = _event_options(model)

    def attacked(faction: str, week: int) -> bool:
        if f"attacks_{faction}" not in model.recorder.data:
            return True
        s = _series(model, f"attacks_{faction}", i)
        return s[max(1, week - ATTACK_WINDOW):week + ATTACK_WINDOW + 1].sum() > 0

    def true_to_data(week, actor, kind, text) -> bool:
        if ATTACK_TEXT.search(text) and troops[min(week, last)] <= 0:
            return False
        if kind.startswith(POSTURE) and ATTACK_TEXT.search(text) and not attacked(kind[len(POSTURE):], week):
            return False
        if (kind == "iraq.exit_stance" or EXIT_TALK.search(text)) and EXIT_TALK.search(text) and week > leaving:
            return False
        return True

    # A declared deterrence posture (a threat with no deadline) ends without a log line: its series tells when.
    declared = _series(model, "threat_us_retaliation", i) > 0
    dropped = [w for w in range(1, last + 1) if declared[w - 1] and not declared[w]]
    flaps = [w for w in dropped if declared[w:w + MIN_PERSISTENCE].any()]

    # Persistent changes only, then what the series allow.
    kept = []
    for n, (week, actor, kind, text) in enumerate(rows):
        if kind in QUIET_KINDS:
            continue
        if kind == "threat.us_retaliation" and any(week - MIN_PERSISTENCE < w <= week for w in flaps):
            continue  # declared again after a short lapse: the posture held
        if kind in FLAPPING_KINDS:
            later = [r[0] for r in rows[n + 1:] if r[2] == kind]
            if later and later[0] - week < MIN_PERSISTENCE:
                continue
        kept.append(list(_with_why(model, i, (week, actor, kind, text))))

    # The ends of what had a duration: scenario events, and suspensions that ran out without a logged end.
    ends = []
    for n, (week, actor, kind, text) in enumerate(rows):
        if actor != "scenario":
            continue
        opts = options.get((kind, text), {})
        d = _duration(opts)
        if d is None or week + d > last:
            continue
        if any(r[0] > week and r[0] <= week + d and r[1] == "scenario" and r[2] == kind and r[3] == text
               for r in rows[n + 1:]):
            continue  # fired again before it ran out: the later firing's end is told
        ends.append([week + d, "scenario", f"end.{kind}", f'"{text}" (week {week}) ends after {d} weeks',
                     _echoes(kind, opts) - {"suspension", POSTURE}])
    suspended = _series(model, "militias_suspended", i)
    p_weeks = _param(model, "militia_suspension_weeks", i)
    if p_weeks is not None:
        for week, actor, kind, text in rows:
            if kind != "suspension" or "suspended" not in text:
                continue
            end = int(week + p_weeks)
            if end > last or any(r[2] == "suspension" and r[1] == actor and week < r[0] < end for r in rows):
                continue  # beyond the run, or ended (or broken) before it ran out
            renewed = any(r[2] == "suspension" and r[1] == actor and r[0] >= end for r in rows)
            if suspended[end] >= suspended[end - 1] and not renewed:
                continue  # the count of suspended factions does not show it running out
            name = text.split(":")[0]
            again = [r for r in kept if r[0] == end and r[1] == actor and r[2] == "suspension" and r[3] == text]
            kept = [r for r in kept if not any(r is a for a in again)]  # renewed the week it ran out: one line
            ends.append([end, actor, "suspension", f"{name}: suspension ran out after {end - week} weeks"
                         + (" and was renewed" if again else ""), set()])

    ends += [[w, "us", "end.us_retaliation", "The US no longer declares it will answer every attack hard", set()]
             for w in dropped if w not in flaps]

    # One line per happening: a scenario event's line stands for what the actors logged because of it that week;
    # at the end of an event, what they logged is told with it.
    told = []
    for week in sorted({r[0] for r in kept} | {e[0] for e in ends}):
        here = [r for r in kept if r[0] == week]
        echoed = set()
        for r in here:
            if r[1] == "scenario":
                echoed |= _echoes(r[2], options.get((r[2], r[3]), {}))
        out = [r for r in here if r[1] == "scenario" or not _echoed(r[2], echoed)]
        out = _merged_suspensions(out)
        for r in [r for r in out if r[2].startswith("executed.")]:  # a threat carried out, with what it did
            merged = [e for e in out if e is not r and e[1] != "scenario" and _echoed(e[2], EXECUTE_ECHOES.get(
                r[2].partition(".")[2], set()))]
            out = [e for e in out if not any(e is m for m in merged)]
            r[3] = r[3] + "".join(f"; {m[3]}" for m in merged if true_to_data(*m))
        for end in [e for e in ends if e[0] == week]:
            merged = [r for r in out if r[1] != "scenario" and _echoed(r[2], end[4])]
            good = [r for r in merged if true_to_data(*r)]
            text = end[3] + ("; " + "; ".join(r[3] for r in good) if good else "")
            out = [r for r in out if r not in merged]
            out.append([week, end[1], end[2], text])
        complied = [r for r in out if r[2] in ("complied.us_dollars", "complied.us_waivers")]
        if len(complied) == 2:
            why = " and ".join(re.findall(r"credibility of the threat: ([^)]*)", " ".join(r[3] for r in complied)))
            complied[0][3] = ("Baghdad drops its formal exit demand under the US dollar and waiver threats"
                              + (f" (credibility of the threats: {why})" if why else ""))
            out = [r for r in out if r is not complied[1]]
        for r in out:
            if not true_to_data(*r):
                continue
            if any(t[0] == week and (t[3] == r[3] or _similar(t[3], r[3])) for t in told):
                continue
            told.append(tuple(r))
    return _without_repeats(told)


def _without_repeats(told: list) -> list:
    """Drop an actor's choice told again with nothing told in between (the changes between were too brief to tell):
    "harassing attacks" at week 9 and again at week 17 is one happening, not two."""
    last, out = {}, []
    for week, actor, kind, text in told:
        if kind in DECISIONS:
            if last.get(kind) == text:
                continue
            last[kind] = text
        out.append((week, actor, kind, text))
    return out


def _param(model, name: str, i: int):
    try:
        value = np.broadcast_to(np.asarray(model.p[name], dtype=float), (model.worlds,))[i]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return float(value) if np.isfinite(value) else None


def _with_why(model, i: int, row: tuple) -> tuple:
    """A threat's resolution with the threat's credibility the week before its deadline (which the model knows)."""
    week, actor, kind, text = row
    head, _, lever = kind.partition(".")
    if head in ("complied", "abandoned", "executed") and week >= 1:
        if f"credibility_{lever}" not in model.recorder.data:
            return row
        credibility = _series(model, f"credibility_{lever}", i)[week - 1]
        text = f"{text} (credibility of the threat: {fmt(credibility, 'index 0-1')})"
    return week, actor, kind, text


def _numbers(model, i: int) -> str:
    s = lambda name: model.recorder.series(name)[:, i].astype(float)
    n = lambda value, unit: fmt(value, unit)
    attacks, strikes, casualties = s("attacks_per_week"), s("us_strikes_per_week"), s("us_casualties_per_week")
    rate, shortfall = s("parallel_rate"), s("power_shortfall")
    troops, pressure = s("us_troops_iraq"), s("exit_pressure")
    return (f"Over {model.week} weeks the militias attacked US forces {n(attacks.sum(), 'attacks')} times "
            f"({n(attacks[1:14].sum(), 'attacks')} in the first 13 weeks), the US struck back "
            f"{n(strikes.sum(), 'strikes')} times and {n(casualties.sum(), 'people')} US personnel were killed or "
            f"seriously wounded. The parallel rate peaked at {n(rate.max(), 'IQD per USD')} IQD/USD in "
            f"{model.calendar.label(int(rate.argmax()))}; the worst power shortfall left "
            f"{n(shortfall.max(), 'share of demand')} of demand unmet. Iran earned on average "
            f"{n(s('iran_revenue_from_iraq')[1:].mean(), 'USD bn per year')} bn USD a year from Iraq. Baghdad's exit "
            f"pressure went from {n(pressure[0], 'index 0-1')} to {n(pressure[-1], 'index 0-1')}, and "
            f"{n(troops[-1], 'troops')} US troops were in Iraq at the end (from {n(troops[0], 'troops')}). PMU "
            f"fighters: {n(s('pmu_fighters')[0], 'fighters')} to {n(s('pmu_fighters')[-1], 'fighters')}.")
