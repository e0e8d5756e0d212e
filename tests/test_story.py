"""The story of a world is true to its recorded series: every shipped scenario, the typical world and others.

Checked independently of how story.py filters: no line about attacks on US forces in a week with no US troops in
Iraq, a faction's attacking posture only when it attacked within a few weeks, no line about Baghdad negotiating or
requesting an exit once the US is leaving (a timetable or withdrawal logged earlier, or its troops down to zero),
and one line per happening in a week.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pytest

from simulator.model.narrative import FACTION_NAMES, logged_choices
from simulator.shipped import scenario_names

WORLDS = 150
SEEDS = (11, 12, 13)  # one run per scenario (a run costs the same whatever its worlds), the seeds taken in turn
WEEKS = 64  # long enough for every shipped event, a withdrawal and what follows; a story shows 14 lines at most
OTHER_WORLDS = 8
ATTACK = re.compile(r"attack|harass|escalat", re.IGNORECASE)
POSTURE = re.compile(r"^(.*): (harassing|escalating) attacks on US forces$")
EXIT_TALK = re.compile(r"negotiates a timetable|requests a (US )?withdrawal", re.IGNORECASE)
LEAVING_KINDS = {"timetable", "withdrawal", "us_withdrawal", "agree_timetable"}
FACTION_BY_LABEL = {label: name for name, label in FACTION_NAMES.items()}
NAMES = scenario_names()


@cache
def finished(name: str):
    from simulator import scenario
    from simulator.output.run import simulate

    spec = scenario.load(name)
    latest = max([e.week if e.when is None else e.when.after_week for e in spec.events], default=0)
    weeks = min(spec.weeks, max(WEEKS, latest + 26))
    seed = SEEDS[NAMES.index(name) % len(SEEDS)]
    model = simulate(spec.with_overrides(worlds=WORLDS, seed=seed, weeks=weeks)).model
    return model, model.events_frame()


def worlds_to_tell(model) -> list:
    """The typical world (None), worlds whose troops all leave, and a few drawn at random."""
    troops = model.recorder.series("us_troops_iraq")
    gone = list(np.flatnonzero(troops[-1] <= 0)[:3])
    rng = np.random.default_rng(0)
    others = [int(k) for k in rng.choice(model.worlds, OTHER_WORLDS - len(gone), replace=False)]
    return [None] + [int(k) for k in gone] + others


def _words(text: str) -> set:
    return set(re.findall(r"[a-z0-9%']+", text.lower()))


@pytest.mark.parametrize("name", NAMES)
def test_story_is_true_to_the_series(name):
    from simulator.output.story import render, tell, typical_world

    model, events = finished(name)
    for k in worlds_to_tell(model):
        story = tell(model, events, world_index=k)
        i = typical_world(model) if k is None else k
        assert story["world"] == int(model.world_ids[i])
        render(story)
        where = f"{name}, world {story['world']}"
        troops = model.recorder.series("us_troops_iraq")[:, i].astype(float)
        mine = events[events["world"] == story["world"]]
        leaving = [int(w) for w in mine.loc[mine["kind"].isin(LEAVING_KINDS), "week"]]
        leaving += [int(w) for w in np.flatnonzero((troops <= 0) & (np.arange(len(troops)) > 0))[:1]]
        leaving_week = min(leaving, default=np.inf)
        by_week: dict[int, list] = {}
        # an actor's choice (or a suspension) told again with nothing of its kind told in between
        choices = {text: decision for decision, *_, texts in logged_choices(model) for text in texts}
        said: dict[str, str] = {}
        for line in story["lines"]:
            kind = choices.get(line["text"])
            if kind is None and "suspen" in line["text"]:
                kind = ("suspension", line["actor"])
            if kind is not None:
                assert said.get(kind) != line["text"], f"{where}: told again with nothing between: {line}"
                said[kind] = line["text"]
        for line in story["lines"]:
            week, text = line["week"], line["text"]
            assert 0 <= week < len(troops), where
            if ATTACK.search(text):
                assert troops[week] > 0, f"{where}: attack line with no US troops in Iraq: {line}"
            posture = POSTURE.match(text)
            if posture:
                attacks = model.recorder.series(f"attacks_{FACTION_BY_LABEL[posture.group(1)]}")[:, i]
                assert attacks[max(1, week - 3):week + 4].sum() > 0, f"{where}: posture without attacks: {line}"
            if EXIT_TALK.search(text):
                assert week <= leaving_week, f"{where}: exit talk once the US is leaving (week {leaving_week}): {line}"
            for other in by_week.get(week, []):
                assert other != text, f"{where}: the same line twice in week {week}: {text}"
                a, b = _words(other), _words(text)
                assert len(a & b) / len(a | b) < 0.6, f"{where}: near-duplicate lines in week {week}: {other} | {text}"
            by_week.setdefault(week, []).append(text)
        for week, texts in by_week.items():
            assert sum("gas" in t.lower() for t in texts) <= 1, f"{where}: two lines about gas in week {week}: {texts}"


def test_story_tells_the_end_of_a_truce_and_of_a_gas_cut():
    from simulator.output.story import tell

    for name, words in (("truce", "truce"), ("iran_gas_cutoff", "gas")):
        model, events = finished(name)
        texts = [line["text"] for k in range(20) for line in tell(model, events, world_index=k)["lines"]]
        assert any(words in t.lower() and "ends after" in t for t in texts), name


def test_story_tells_why_factions_stand_down_and_tells_it_once():
    """After the red_line attack the factions suspend on Tehran's order: the story says so, in one line for the
    factions that do it the same week (not one per faction, nor a separate "holding fire"), and tells the end."""
    from simulator.output.story import tell

    model, events = finished("red_line")
    stories = [tell(model, events, world_index=k)["lines"] for k in range(20)]
    texts = [line["text"] for lines in stories for line in lines]
    ordered = [t for t in texts if t.endswith("campaign against US forces suspended on Tehran's order")]
    assert len(ordered) >= 10, f"only {len(ordered)} of 20 stories tell a suspension on Tehran's order"
    assert any(" and other hardline factions: " in t for t in ordered), ordered[:5]
    assert any(t.endswith("suspension ended as Tehran lifts its order") for t in texts)
    for lines in stories:
        for week in {line["week"] for line in lines}:
            here = [line["text"] for line in lines if line["week"] == week]
            assert sum(t.endswith("suspended on Tehran's order") for t in here) <= 1, here
            suspending = " and ".join(t.split(": ")[0] for t in here if "suspended" in t).lower()
            assert not any(t.endswith(": holding fire") and t.split(": ")[0].lower() in suspending
                           for t in here), here


def test_story_of_another_world_is_headed_as_such():
    from simulator.output.story import render, tell

    model, events = finished("baseline")
    assert render(tell(model, events)).startswith("Story of a typical world")
    assert render(tell(model, events, world_index=5)).startswith(f"Story of world {int(model.world_ids[5])} (one of")
    with pytest.raises(IndexError):
        tell(model, events, world_index=model.worlds)
