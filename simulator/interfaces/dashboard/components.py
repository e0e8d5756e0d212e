"""The dashboard's Solara components. CSS classes starting with "dash-" are stable hooks for tests.

The page redraws on every week stepped and every lever pulled (see watch). Only the page watches: each watcher
costs a redraw pass of the whole page. The components below it take the count of redraws as `redraw`, so that
they are drawn again with it (Solara skips a component whose arguments did not change)."""

from __future__ import annotations

import html
import threading
import time
from contextlib import nullcontext
from functools import partial

import solara

from ...errors import UserError
from ...model.metrics import METRICS
from ...model.units import fmt, fmt_band
from ...output.bands import INNER_ALPHA, OUTER_ALPHA
from . import charts, levers, stats
from .model import ClassroomModel

SHOW_PULLED = 4  # rows of the levers-pulled table
PLAY_PAUSE_S = 0.05  # between weeks while playing: lets clicks through
INDEX = "index 0-1"

# Bumped on every week stepped and every lever pulled, so that everything redraws at once, also while paused.
redraws = solara.reactive(0)


def watch() -> int:
    """Redraw the calling component on every week stepped and every lever pulled; returns the count of redraws."""
    return redraws.get()


def _redraw():
    redraws.set(redraws.value + 1)


def _holding_the_model(model, change, *args) -> None:
    """Make a state change from a click or an input while holding the model's lock, so the play loop takes no
    step until the redraw it causes is done. Every handler of the page does: the redraw also draws what other
    threads asked for meanwhile, the event feed among it, which must not read the log while a week is stepped.

    A state change redraws in the thread that makes it, and that thread also draws whatever is asked for
    meanwhile. Without the lock the play loop asked for a new week's redraw during every redraw, so the thread
    handling the click kept drawing, and the browser saw nothing until the run had ended.
    """
    with getattr(model, "lock", None) or nullcontext():
        change(*args)


def _table(header: list[str], rows: list[list[str]], css: str) -> None:
    """A plain HTML table (texts escaped)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    solara.HTML(tag="table", unsafe_innerHTML=f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>",
                classes=["dash-table", css])


# ------------------------------------------------------------------------------------------------ the top bar
@solara.component
def Controls(model: solara.Reactive, setup: solara.Reactive, redraw: int):
    """Week, Reset, Play/Pause and Step, in the top bar so that they stay in view (`redraw`: see watch).

    Playing runs in a thread of its own. It stops at the horizon, on Pause, on Reset, and when the page is closed:
    Solara then unmounts the page, and the effect's cleanup tells the thread.
    """
    playing = solara.use_reactive(False)
    closed = solara.use_memo(threading.Event, [])
    solara.use_effect(lambda: closed.set, [])

    def step():
        with model.value.lock:
            model.value.step()
            _redraw()

    def play():
        while playing.value and not closed.is_set():
            if not model.value.running:
                playing.set(False)
                return
            step()
            time.sleep(PLAY_PAUSE_S)

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def reset():
        playing.set(False)
        model.set(ClassroomModel(**setup.value))

    m = model.value
    button = {"color": "white", "outlined": True, "classes": ["dash-control"]}
    with solara.Row(gap="4px", style={"align-items": "center", "background": "transparent"}):
        solara.HTML(tag="div", classes=["dash-clock"], unsafe_innerHTML=(
            f"Week <span class='dash-week'>{m.week}</span> of {m.weeks}<br>"
            f"<small>{m.calendar.date(m.week):%d %b %Y}, {fmt(m.worlds, 'worlds')} worlds</small>"))
        solara.Button("Reset", on_click=partial(_holding_the_model, m, reset), **button)
        solara.Button("❚❚ Pause" if playing.value else "▶ Play", disabled=not m.running, **button,
                      on_click=partial(_holding_the_model, m, lambda: playing.set(not playing.value)))
        solara.Button("Step", on_click=step, disabled=playing.value or not m.running, **button)


# -------------------------------------------------------------------------------------------- setting up a run
@solara.component
def Setup(model, setup: solara.Reactive, sliders: dict):
    """The sliders that build the next run on Reset, each with its value; `sliders` from app.setup_sliders()."""

    def change(name, value):
        setup.set({**setup.value, name: value})

    with solara.Card("Set up the next run", subtitle="These act when you press Reset", classes=["dash-setup"],
                     margin=0):
        with solara.Column(gap="4px", classes=["dash-sliders"]):
            for name, s in sliders.items():
                value = setup.value[name]
                slider = solara.SliderInt if s.whole else solara.SliderFloat
                with solara.Column(gap="0px", classes=[f"dash-setup-{name}"]):
                    slider(f"{s.label}: {s.show(value)}", value=value,
                           on_value=partial(_holding_the_model, model, change, name),
                           min=s.low, max=s.high, step=s.step)
                    solara.Text(s.help, classes=["dash-help"])


# ------------------------------------------------------------------------------------------------------ levers
@solara.component
def Levers(model, can_pull: bool):
    """The lever buttons and their two sliders; drawn again only when the model or whether it can be pulled
    changes (not every week)."""
    access = solara.use_reactive(0.35)
    fraction = solara.use_reactive(0.7)
    message = solara.use_reactive("")
    solara.use_effect(lambda: message.set(""), [id(model)])  # a new run (Reset) clears the last message

    def pull(key):
        overrides = {"restrict_dollars": {"access": access.value}, "gas_cut": {"fraction": fraction.value}}
        try:
            week, text = levers.pull(model, key, **overrides.get(key, {}))
        except UserError as err:
            message.set(str(err))
            return
        message.set(f"{text}: acts from week {week}")
        _redraw()

    with solara.Card("Levers", subtitle="Each acts in every world from the coming week", classes=["dash-levers"],
                     margin=0):
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            for key, lever in levers.LEVERS.items():
                solara.Button(lever.label, on_click=partial(_holding_the_model, model, pull, key),
                              disabled=not can_pull, outlined=True, color="primary",
                              classes=["dash-lever", f"dash-lever-{key}"],
                              attributes={"title": lever.help})
        with solara.Row(gap="24px", style={"flex-wrap": "wrap"}):
            solara.SliderFloat(f"Restrict dollars to: {access.value:.0%} of normal transfers", value=access.value,
                               on_value=partial(_holding_the_model, model, access.set), min=0.0, max=1.0, step=0.05)
            solara.SliderFloat(f"Iranian gas cut withholds: {fraction.value:.0%} of supply", value=fraction.value,
                               on_value=partial(_holding_the_model, model, fraction.set), min=0.0, max=1.0, step=0.05)
        if message.value:
            solara.Text(message.value, classes=["dash-lever-message"])


# ------------------------------------------------------------------------------------------------------ charts
BOTH_BANDS = 1 - (1 - OUTER_ALPHA) * (1 - INNER_ALPHA)  # the 25-75% band is drawn over the 5-95% band
LEGEND = (
    f"<span class='dash-key' style='background:{charts.FAN_COLOR}'></span> median of the worlds "
    f"<span class='dash-key' style='background:{charts.FAN_COLOR};opacity:{BOTH_BANDS:.2f}'></span> 25-75% of worlds "
    f"<span class='dash-key' style='background:{charts.FAN_COLOR};opacity:{OUTER_ALPHA}'></span> 5-95% of worlds "
    f"<span class='dash-key dash-key-lever' style='border-color:{charts.LEVER_COLOR}'></span> a lever pulled")


@solara.component_vue("fan_chart.vue", vuetify=False)
def FanChart(spec: dict, name: str, title: str, now: str):
    """One metric's fan chart with its name and value now, drawn by the browser (fan_chart.vue) from `spec`."""


@solara.component
def Chart(model, name: str, x_ticks: list, lever_weeks: tuple, redraw: int):
    """One metric's fan chart, its name and unit in large type, and its value now."""
    weeks, q = stats.fan(model, name)
    unit = METRICS[name].unit
    now = f"{unit} · week {int(weeks[-1])}: {fmt_band(q[2, -1], q[0, -1], q[4, -1], unit)}"
    FanChart(spec=charts.spec(name, weeks, q, model.weeks, x_ticks, lever_weeks), name=name,
             title=METRICS[name].description, now=now)


@solara.component
def Charts(model, names: list[str], title: str, lever_weeks: tuple, redraw: int):
    x_ticks = solara.use_memo(lambda: charts.date_ticks(model.calendar, model.weeks), [id(model)])
    solara.HTML(tag="h2", classes=["dash-section"], unsafe_innerHTML=html.escape(title))
    solara.HTML(tag="div", classes=["dash-legend"], unsafe_innerHTML=LEGEND)
    with solara.Div(classes=["dash-chart-grid"]):
        for name in names:
            Chart(model, name, x_ticks, lever_weeks, redraw).key(name)


@solara.component
def LeverageMatrix(model, redraw: int):
    """Who (rows) holds how much leverage over whom (columns) now: the median over worlds, green high, red low."""
    cells = {(c.holder, c.target): c for c in stats.leverage_matrix(model)}
    holders = list(dict.fromkeys(holder for holder, _ in cells))
    targets = list(dict.fromkeys(target for _, target in cells))
    rows = []
    for holder in holders:
        row = [f"<th>{html.escape(holder)}</th>"]
        for target in targets:
            c = cells.get((holder, target))
            row.append("<td></td>" if c is None else
                       f"<td style='background:hsl({120 * c.median:.0f},65%,82%)'>"
                       f"<b>{fmt(c.median, INDEX)}</b><br><small>5-95%: {fmt(c.p5, INDEX)}\u2013"
                       f"{fmt(c.p95, INDEX)}</small></td>")
        rows.append("<tr>" + "".join(row) + "</tr>")
    head = "<tr><th>who \u2193 over whom \u2192</th>" + "".join(f"<th>{html.escape(t)}</th>" for t in targets)
    with solara.Card("Leverage now", subtitle="Who can still hurt whom, 0 (none) to 1; median of the worlds, "
                     "green high, red low", classes=["dash-leverage-matrix"], margin=0):
        solara.HTML(tag="table", classes=["dash-table", "dash-matrix-table"],
                    unsafe_innerHTML=f"<thead>{head}</tr></thead><tbody>{''.join(rows)}</tbody>")


# --------------------------------------------------------------------------------------------- feed and levers
@solara.component
def EventFeed(model, pulled: list, redraw: int):
    rows = stats.feed(model)
    with solara.Card("What happened", subtitle="Latest four weeks, newest first; events in at least 5% of the "
                     "worlds", classes=["dash-event-feed"], margin=0):
        if pulled:
            _table(["from week", f"levers pulled, latest first ({len(pulled)} so far)"],
                   [[week, text] for week, text in reversed(pulled[-SHOW_PULLED:])], "dash-levers-pulled")
        if not rows:
            solara.Text("Nothing has happened yet: press Step or Play.")
            return
        _table(["week", "who", "what happened", "in worlds"],
               [[r.week, stats.actor(r.actor), r.description,
                 f"{fmt(r.worlds, 'worlds')} ({fmt(r.share, 'share of worlds')})"] for r in rows],
               "dash-feed-table")


# ------------------------------------------------------------------------------------------- predict, reveal
@solara.component
def Predictions(model, revealed: solara.Reactive, redraw: int):
    """The prediction boxes, and the model's answers once revealed (then drawn again with every week: pass the
    count of redraws only then)."""
    typed = solara.use_reactive({key: "" for key in stats.QUESTIONS})

    def type_in(key, text):
        typed.set({**typed.value, key: text or ""})

    guesses, errors = stats.read_guesses(typed.value)
    today = model.anchors()
    with solara.Card("Predict, then reveal", classes=["dash-predictions"], margin=0), solara.Column(gap="6px"):
        solara.Text(f"Before playing, write down what you expect by the end of the run (week {model.weeks}).")
        for key, question in stats.QUESTIONS.items():
            solara.InputText(f"{question.label} ({question.unit})", value=typed.value[key],
                             on_value=partial(_holding_the_model, model, type_in, key), disabled=revealed.value,
                             placeholder=question.hint, error=errors.get(key) or False,
                             message=errors.get(key) or f"Today: {today[key]}", classes=[f"dash-predict-{key}"])
        solara.Button("Hide the answers" if revealed.value else "Reveal the answers", color="primary",
                      classes=["dash-reveal"],
                      on_click=partial(_holding_the_model, model, lambda: revealed.set(not revealed.value)))
        if not revealed.value:
            return
        found = stats.answers(model)
        rows = []
        for key, question in stats.QUESTIONS.items():
            answer, guess = found[key], guesses[key]
            rows.append([question.label, "-" if guess is None else fmt(guess, question.unit),
                         "-" if answer is None else answer.text, stats.verdict(guess, answer)])
        solara.Text(f"Model as of week {model.week} of {model.weeks}, median [5-95% of worlds]"
                    " (for the share: its 90% interval):")
        _table(["outcome", "your prediction", "model", ""], rows, "dash-reveal-table")
