"""The dashboard's Solara components. Each takes the current model and re-renders when Mesa's SolaraViz steps it
(see _watch); CSS classes starting with "dash-" are stable hooks for tests."""

from __future__ import annotations

import html
from contextlib import nullcontext
from functools import partial

import solara
from mesa.visualization.utils import update_counter

from ...errors import UserError
from ...model.units import fmt
from . import charts, levers, stats

SHOW_PULLED = 4  # rows of the levers-pulled table
INDEX = "index 0-1"

# Bumped when a lever is pulled, so that the charts and the feed redraw at once, also while paused.
lever_pulls = solara.reactive(0)


def _watch():
    """Re-render on every model step (Mesa's counter) and on every lever pulled."""
    update_counter.get()
    lever_pulls.get()


def _holding_the_model(model, change, *args) -> None:
    """Make a state change from a click or an input while holding the model's lock, so the play loop takes no
    step until the redraw it causes is done.

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


@solara.component
def Guide(model):
    _watch()
    solara.HTML(tag="div", classes=["dash-guide"], unsafe_innerHTML=(
        f"<b>Week <span class='dash-week'>{model.week}</span> of {model.weeks}</b> "
        f"({html.escape(model.calendar.date(model.week).isoformat())}), {model.worlds} worlds. "
        "1. Type your predictions. 2. Set the parameter sliders on the left and press <b>Reset</b> (they act "
        "only on Reset). 3. <b>Step</b> or <b>&#9654;</b> to play; pull levers at any time, they act at the "
        "coming week. "
        "4. <b>Reveal</b> the model's answers."))


@solara.component
def FanCharts(model):
    _watch()
    png = charts.fan_charts(model, lever_weeks=sorted({week for week, _ in levers.pulled(model)}))
    with solara.Card("Fan charts: median, 25-75% and 5-95% of worlds", classes=["dash-fan-charts"], margin=0):
        solara.Image(png, width="100%", classes=["dash-fan-image"])


@solara.component
def LeverageMatrix(model):
    _watch()
    cells = stats.leverage_matrix(model)
    with solara.Card("Leverage matrix", classes=["dash-leverage-matrix"], margin=0):
        solara.Image(charts.leverage_matrix(model), width="100%", classes=["dash-matrix-image"])
        _table(["who", "over whom", "median now", "5-95% of worlds"],
               [[c.holder, c.target, fmt(c.median, INDEX), f"{fmt(c.p5, INDEX)}\u2013{fmt(c.p95, INDEX)}"]
                for c in cells], "dash-matrix-table")


@solara.component
def Levers(model):
    _watch()
    access = solara.use_reactive(0.35)
    fraction = solara.use_reactive(0.7)
    message = solara.use_reactive("")

    def pull(key):
        overrides = {"restrict_dollars": {"access": access.value}, "gas_cut": {"fraction": fraction.value}}
        try:
            week, text = levers.pull(model, key, **overrides.get(key, {}))
        except UserError as err:
            message.set(str(err))
            return
        message.set(f"{text}: acts from week {week}")
        lever_pulls.set(lever_pulls.value + 1)

    can_pull = levers.can_pull(model)
    with solara.Card("Levers", subtitle="Act in every world from the coming week", classes=["dash-levers"], margin=0):
        with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
            for key, lever in levers.LEVERS.items():
                solara.Button(lever.label, on_click=partial(_holding_the_model, model, pull, key),
                              disabled=not can_pull, outlined=True, color="primary",
                              classes=["dash-lever", f"dash-lever-{key}"],
                              attributes={"title": lever.help})
        with solara.Columns([1, 1]):
            solara.SliderFloat(f"Restrict dollars to {access.value:.0%} of normal transfers", value=access.value,
                               on_value=partial(_holding_the_model, model, access.set), min=0.0, max=1.0, step=0.05)
            solara.SliderFloat(f"Iranian gas cut withholds {fraction.value:.0%} of supply", value=fraction.value,
                               on_value=partial(_holding_the_model, model, fraction.set), min=0.0, max=1.0, step=0.05)
        if message.value:
            solara.Text(message.value, classes=["dash-lever-message"])
        pulled = levers.pulled(model)
        if pulled:
            latest = pulled[-SHOW_PULLED:]
            _table(["from week", f"levers pulled, latest first ({len(pulled)} so far)"],
                   [[week, text] for week, text in reversed(latest)], "dash-levers-pulled")


@solara.component
def EventFeed(model):
    _watch()
    rows = stats.feed(model)
    with solara.Card("Event feed: latest weeks", subtitle="Newest first; events in at least 5% of the worlds",
                     classes=["dash-event-feed"], margin=0):
        if not rows:
            solara.Text("Nothing has happened yet: press Step or Play.")
            return
        with solara.Column(style={"max-height": "460px", "overflow-y": "auto"}):
            _table(["week", "date", "actor", "what happened", "worlds"],
                   [[r.week, r.date, r.actor, r.description, f"{r.worlds} ({fmt(r.share, 'share of worlds')})"]
                    for r in rows],
                   "dash-feed-table")


@solara.component
def Predictions(model):
    _watch()
    guesses = solara.use_reactive({key: None for key in stats.QUESTIONS})
    revealed = solara.use_reactive(False)
    solara.use_effect(lambda: revealed.set(False), [id(model)])  # a new run (Reset) hides the answers again

    def guess(key, value):
        guesses.set({**guesses.value, key: value})

    with solara.Card("Predict, then reveal", classes=["dash-predictions"], margin=0), solara.Column(gap="6px"):
        solara.Text("Before playing, write down what you expect by the end of the run.")
        for key, question in stats.QUESTIONS.items():
            solara.InputFloat(f"{question.label} ({question.unit})", value=guesses.value[key], optional=True,
                              on_value=partial(_holding_the_model, model, guess, key), disabled=revealed.value,
                              placeholder=question.hint, classes=[f"dash-predict-{key}"])
        solara.Button("Hide" if revealed.value else "Reveal", color="primary", classes=["dash-reveal"],
                      on_click=partial(_holding_the_model, model, lambda: revealed.set(not revealed.value)))
        if not revealed.value:
            return
        found = stats.answers(model)
        rows = []
        for key, question in stats.QUESTIONS.items():
            answer, guess = found[key], guesses.value[key]
            rows.append([question.label, "-" if guess is None else f"{guess:g}",
                         "-" if answer is None else answer.text, stats.verdict(guess, answer)])
        solara.Text(f"Model as of week {model.week} of {model.weeks}, median [5-95% of worlds]"
                    " (for the share: its 90% interval):")
        _table(["outcome", "your prediction", "model", ""], rows, "dash-reveal-table")
