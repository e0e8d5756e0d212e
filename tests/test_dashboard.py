"""The classroom dashboard: levers act like scheduled events, the numbers it shows, the page rendered in-process,
and a real server driven by Debian's headless Chromium through Playwright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from simulator import LeverageModel
from simulator.errors import UserError
from simulator.interfaces.dashboard import levers, stats
from simulator.model.events import ScenarioEvent
from simulator.model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS
from simulator.model.units import MIN_SPAN

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update"]


# ------------------------------------------------------------------------------------------------------ levers
@pytest.mark.parametrize("key", list(levers.LEVERS))
def test_a_lever_pulled_now_acts_like_an_event_scheduled_for_the_coming_week(key):
    lever = levers.LEVERS[key]
    options = levers.options_for(lever)
    pulled = LeverageModel(worlds=40, seed=5, weeks=20)
    for _ in range(3):
        pulled.step()
    levers.pull(pulled, key)
    scheduled = LeverageModel(worlds=40, seed=5, weeks=20,
                              events=[ScenarioEvent(lever.label, lever.action, options, week=4)])
    pulled.run(), scheduled.run()
    for name in METRICS:
        np.testing.assert_array_equal(pulled.recorder.series(name), scheduled.recorder.series(name), err_msg=name)
    events = pulled.events_frame()
    mine = events[events["actor"] == levers.ACTOR]
    assert len(mine) == 40 and set(mine["week"]) == {4} and set(mine["kind"]) == {lever.action}


def test_lever_options_and_descriptions():
    model = LeverageModel(worlds=10, seed=1, weeks=10)
    assert levers.pull(model, "restrict_dollars", access=0.5) == (1, "Restrict dollars (access 50%)")
    assert levers.pull(model, "gas_cut") == (1, "Iranian gas cut (fraction 70%, 12 weeks)")
    assert levers.pulled(model) == [(1, "Restrict dollars (access 50%)"),
                                    (1, "Iranian gas cut (fraction 70%, 12 weeks)")]
    for _ in range(8):
        model.step()
    assert np.allclose(model.metric("dollar_access"), 0.5, atol=0.01), "the cap's access option was not used"
    with pytest.raises(UserError, match="unknown option"):
        levers.pull(model, "withdraw", access=0.2)
    with pytest.raises(UserError, match="Unknown lever"):
        levers.pull(model, "nuke")


def test_levers_are_refused_at_the_horizon():
    model = LeverageModel(worlds=5, seed=1, weeks=3).run()
    assert not levers.can_pull(model)
    with pytest.raises(UserError, match="horizon"):
        levers.pull(model, "truce")


# ------------------------------------------------------------------------------------------------------- stats
def test_feed_puts_the_classroom_lever_first_and_leaves_out_rare_events():
    model = LeverageModel(worlds=100, seed=3, weeks=20)
    for _ in range(5):
        model.step()
    levers.pull(model, "withdraw")
    model.step()
    rows = stats.feed(model)
    assert rows[0] == stats.FeedRow(6, "2024-02-26", "classroom", "Withdraw US forces", 100, 1.0)
    assert [r.week for r in rows] == sorted((r.week for r in rows), reverse=True)
    assert all(r.worlds >= 5 for r in rows) and not any(r.description.endswith(")") for r in rows[1:])


def test_fans_matrix_and_answers():
    model = LeverageModel(worlds=200, seed=4, weeks=30)
    assert all(answer is None for answer in stats.answers(model).values())
    model.run()
    weeks, bands = stats.fan(model, "attacks_per_week")
    assert weeks[0] == 1 and bands.shape == (5, 30) and np.all(np.diff(bands, axis=0) >= 0)
    cells = stats.leverage_matrix(model)
    assert {c.metric for c in cells} == set(stats.MATRIX.values())
    assert all(0 <= c.p5 <= c.median <= c.p95 <= 1 for c in cells)
    found = stats.answers(model)
    peak = model.recorder.series("parallel_rate").max(axis=0)
    assert found["peak_parallel_rate"].median == pytest.approx(np.median(peak))
    attacks = model.recorder.series("attacks_per_week")[1:].mean(axis=0)
    assert found["mean_attacks_per_week"].p5 <= np.median(attacks) <= found["mean_attacks_per_week"].p95
    share = found["us_left_iraq"]
    assert 0 <= share.p5 <= share.median <= share.p95 <= 100
    assert stats.verdict(found["mean_attacks_per_week"].p95 + 1, found["mean_attacks_per_week"]) == "above the band"
    assert stats.verdict(found["mean_attacks_per_week"].median, found["mean_attacks_per_week"]) == "inside the band"
    assert stats.verdict(None, found["mean_attacks_per_week"]) == ""


def test_importing_the_package_starts_and_loads_nothing():
    code = ("import sys, simulator.interfaces.dashboard as d; "
            "assert not any(m.split('.')[0] in ('solara', 'matplotlib') or m.startswith('mesa.visualization') "
            "for m in sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_serve_refuses_a_bad_port():
    from simulator.interfaces.dashboard import serve

    with pytest.raises(UserError, match="port"):
        serve(port=70000)


# ------------------------------------------------------------------------------------------------ value axes
@pytest.mark.parametrize("unit, low, high, at_least", [  # at least the unit's minimum span (units.MIN_SPAN)
    ("share", 0.99, 1.0, (0.5, 1.0)),  # salaries 99-100% of normal: no drama
    ("index 0-1", 0.42, 0.43, (0.2, 0.65)),
    ("troops", 2500, 2500, (2460, 2540)),
    ("attacks per week", 0, 0.5, (0, 4)),
    ("IQD per USD", 1500, 1510, (1460, 1550)),
])
def test_a_value_axis_does_not_magnify_noise(unit, low, high, at_least):
    from simulator.output.axes import value_ticks

    ticks = value_ticks(unit, low, high)
    assert ticks[0] <= at_least[0] and ticks[-1] >= at_least[1], f"{unit}: {ticks} magnifies {low}-{high}"
    assert ticks[-1] - ticks[0] <= 3 * MIN_SPAN[unit], f"{unit}: {ticks} is much wider than its minimum span"


def test_every_charted_metric_has_a_minimum_span():
    """A new metric on the dashboard needs its unit's minimum span next to the units (units.MIN_SPAN)."""
    missing = {METRICS[name].unit for name in KEY_METRICS + LEVERAGE_METRICS} - set(MIN_SPAN)
    assert not missing, f"add these units to MIN_SPAN in simulator/model/units.py: {sorted(missing)}"


def test_count_axes_have_whole_ticks_with_thousands_separators_and_shares_percent():
    from simulator.interfaces.dashboard.charts import spec

    for name, low, high, label in (("pmu_fighters", 160_000, 161_000, "160,000"), ("attacks_per_week", 0, 2.5, "2"),
                                   ("power_shortfall", 0, 0.1, "0%")):
        q = np.linspace([low, low], [high, high], 5)  # two weeks, the bands from low to high
        chart = spec(name, np.arange(2), q, 104, [])
        ticks, labels = [t for t, _ in chart["yticks"]], [text for _, text in chart["yticks"]]
        assert label in labels, f"{name}: ticks read {labels}"
        assert chart["ylim"][0] < ticks[0] <= low and high <= ticks[-1] < chart["ylim"][1], f"{name}: {chart}"
        if name != "power_shortfall":
            assert all(float(t).is_integer() for t in ticks), f"{name}: ticks {ticks} are not whole numbers"
        else:
            assert min(ticks) >= 0 and all(s.endswith("%") for s in labels), f"share ticks read {labels}"


def test_a_value_that_is_not_a_number_reaches_the_browser_as_a_gap():
    """JSON has no NaN (the browser would refuse the whole update): such a value goes as null and the axis is set by
    the values there are."""
    import json

    from simulator.interfaces.dashboard.charts import spec

    q = np.linspace([2400.0, 2450, 2500], [2500.0, 2550, 2600], 5)
    q[:, 1] = np.nan
    chart = json.loads(json.dumps(spec("us_troops_iraq", np.arange(3), q, 104, []), allow_nan=False))
    assert [row[1] for row in chart["q"]] == [None] * 5 and chart["q"][2][2] == 2550.0
    assert chart["yticks"][0][0] <= 2400 and chart["yticks"][-1][0] >= 2600, chart["yticks"]


def test_dates_are_ticked_every_january_and_july():
    import datetime as dt

    from simulator.interfaces.dashboard.charts import date_ticks
    from simulator.model.calendar import Calendar

    ticks = date_ticks(Calendar(dt.date(2024, 1, 15)), 104)
    assert [label for _, label in ticks] == ["Jul 24", "Jan 25", "Jul 25", "Jan 26"], ticks
    assert ticks[0][0] == (dt.date(2024, 7, 1) - dt.date(2024, 1, 15)).days / 7 and ticks[-1][0] <= 104


# ----------------------------------------------------------------------------------- the page, in-process
def test_page_renders_steps_and_pulls_a_lever_without_a_browser():
    import ipyvue
    import ipyvuetify as v
    import solara

    from simulator.interfaces.dashboard.app import Classroom

    _, rc = solara.render(Classroom(in_app_bar=False), handle_error=False)

    def images():
        return [dict(w.spec) for w in rc.find(ipyvue.VueTemplate).widgets if hasattr(w, "spec")]

    def html(css):
        return next(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
                    if css in w.attributes.get("class", ""))

    def click(label):
        rc.find(v.Btn, children=[label]).widget.click()

    def eventually(check, seconds=20):
        """The dashboard's own handlers work in a thread of their own: wait for their result."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                if check():
                    return
            except StopIteration:  # the element is not there yet
                pass
            assert time.monotonic() < deadline, "the page did not update in time"
            time.sleep(0.05)

    assert "Week <span class='dash-week'>0</span>" in html("dash-clock")
    eventually(lambda: len(images()) == len(KEY_METRICS) + len(LEVERAGE_METRICS))
    click("Step")
    before = images()
    click("Withdraw US forces")
    eventually(lambda: "Withdraw US forces" in html("dash-levers-pulled"))
    click("Step")
    click("Step")
    assert "dash-week'>3<" in html("dash-clock")
    assert all(a != b for a, b in zip(images(), before)), "a chart did not change over two weeks"
    assert "Withdraw US forces" in html("dash-feed-table")
    assert html("dash-matrix-table").count("<b>") == len(stats.MATRIX), "a leverage index is missing from the matrix"

    # predictions: today's value under each box, answers typed as `sim predict` reads them, a sentence for the rest
    def box(key):
        return next(w for w in rc.find(v.TextField).widgets if f"dash-predict-{key}" in (w.class_ or ""))

    assert box("us_left_iraq").messages == ["Today: 2,500 US troops in Iraq"]
    assert box("peak_parallel_rate").messages == ["Today: 1,550 IQD per USD"]
    for key, text in (("us_left_iraq", "5%"), ("peak_parallel_rate", "1,600"), ("mean_attacks_per_week", "lots")):
        box(key).v_model = text
        box(key).fire_event("focusout", None)
    eventually(lambda: box("mean_attacks_per_week").error)
    assert "found 'lots'" in box("mean_attacks_per_week").messages[0]
    assert not box("us_left_iraq").error and not box("peak_parallel_rate").error
    click("Reveal the answers")
    eventually(lambda: "Highest parallel exchange rate" in html("dash-reveal-table"))
    table = html("dash-reveal-table")
    assert "<td>5%</td>" in table and "<td>1,600</td>" in table, table
    click("Reset")
    assert "dash-week'>0<" in html("dash-clock")


# ------------------------------------------------------------------------------------ the page, in Chromium
def _chromium() -> str:
    """Debian's Chromium, installed by .ci/install-browser if missing; skip only if that cannot be done."""
    if not os.access(CHROMIUM, os.X_OK):
        subprocess.run(["bash", str(ROOT / ".ci" / "install-browser")], check=False, timeout=900)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing and .ci/install-browser could not install it")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server(NamedTuple):
    url: str
    pid: int
    log: Path


@pytest.fixture
def server(tmp_path):
    """The real dashboard server on a free loopback port, in its own process group; killed afterwards."""
    port = _free_port()
    log_path = tmp_path / "server.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-c",
                             f"from simulator.interfaces.dashboard import serve; serve(port={port})"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dashboard server did not answer at {url}:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield Server(url, proc.pid, log_path)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def _cpu_seconds(pid: int) -> float:
    """CPU time a process (all its threads) has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_over(pid: int, seconds: float) -> float:
    start = _cpu_seconds(pid)
    time.sleep(seconds)
    return _cpu_seconds(pid) - start


# The targets, and the margins the asserts allow. CI is a 2-core machine that other sessions load too: the
# browser, the server and other tests share the cores. At a load average of 6-9 this test measured a week at
# 0.9-1.0 s (4.4-5.5 s before the charts were redrawn by blitting) and the page usable at 5.8-6.7 s (an empty Solara
# page: 2.1-3.6 s; 8.8 s before). The margins keep the test from failing on load alone while still failing the old
# dashboard's week; the figures are printed, to compare with the targets on a quiet machine. On the idle development
# machine (2026-12-01, load < 1), with the charts drawn by the browser, a week took 0.16 s (the server's share
# 0.07-0.08 s, benchmarks/bench_dashboard.py) and the page was usable at 2.5 s.
STEP_TARGET_S, STEP_MARGIN = 0.3, 5  # one week at 300 worlds, from the click to the last chart redrawn
USABLE_TARGET_S, USABLE_MARGIN = 3.0, 3  # from navigation to a page that shows week 0 with Step enabled
SHOTS = ROOT / "outputs" / "dashboard-screenshots"  # kept after the test, to look at

# Armed before a click on Step: sets window.__weekShownAfter to the seconds from the click (as the page received it)
# to the moment the week counter, the last chart's caption and its canvas show the new week, at the next animation
# frame (the browser paints right after it).
TIME_A_WEEK = """({week, chart}) => {
  window.__weekShownAfter = null;
  let clicked = null;
  const button = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Step');
  button.addEventListener('click', () => { clicked = performance.now(); }, {capture: true, once: true});
  const shown = () => clicked !== null && document.querySelector('.dash-week')?.textContent === String(week)
    && document.querySelector(chart + ' .dash-chart-now')?.textContent.includes(`week ${week}:`)
    && document.querySelector(chart + ' .dash-chart-image')?.dataset.week === String(week);
  const observer = new MutationObserver(() => {
    if (!shown()) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__weekShownAfter = (performance.now() - clicked) / 1000; });
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""
PIXELS = "canvas => canvas.toDataURL()"



def test_dashboard_in_headless_chromium(server, tmp_path):
    """At 1024x768: the page is usable quickly, each slider shows its value, Mesa's extra controls and Solara's
    badge are gone, a week takes under the step target, the charts change with the weeks, a lever and a slider,
    Reset clears every message, and a page closed while playing stops its model."""
    from playwright.sync_api import expect, sync_playwright

    executable = _chromium()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            started = time.monotonic()
            page.goto(server.url)
            week = page.locator(".dash-week")
            step = page.get_by_role("button", name="Step")
            expect(week).to_have_text("0", timeout=60_000)
            expect(step).to_be_enabled(timeout=60_000)
            usable = time.monotonic() - started
            charts = page.locator(".dash-chart-image")
            expect(charts).to_have_count(len(KEY_METRICS) + len(LEVERAGE_METRICS), timeout=60_000)
            page.wait_for_timeout(500)
            page.screenshot(path=str(SHOTS / "loaded.png"))

            # every control in plain words with its value; nothing a class does not need; nothing covering content
            setup = page.locator(".dash-setup")
            for text in ("Worlds run together: 300", "Dollars the US lets Iraq draw: 100%",
                         "Iraq's power that comes from Iran: 38%"):
                expect(setup).to_contain_text(text)
            expect(page.locator(".dash-levers")).to_contain_text("Restrict dollars to: 35% of normal transfers")
            for gone in ("Use Threads", "Render Interval", "Play Interval", "This website runs on"):
                expect(page.get_by_text(gone)).to_have_count(0)

            # a week, timed from the click to the last chart's new week

            def step_to(n):
                """Seconds from the browser's click on Step to week n shown everywhere and the last chart drawn
                again, timed in the page (Playwright's polling would add up to 0.1 s)."""
                page.evaluate(TIME_A_WEEK, {"week": n, "chart": f".dash-chart-{LEVERAGE_METRICS[-1]}"})
                step.click()
                return page.wait_for_function("window.__weekShownAfter", polling="raf", timeout=30_000).json_value()

            expect(page.locator(".dash-predict-us_left_iraq")).to_contain_text("Today: 2,500 US troops in Iraq")
            page.locator(".dash-predict-us_left_iraq input").fill("5%")
            page.locator(".dash-predict-mean_attacks_per_week input").fill("3")
            times = [step_to(n) for n in range(1, 11)]
            step_time = float(np.median(times))
            shown_at_10 = charts.evaluate_all(f"charts => charts.map({PIXELS})")
            step_to(11)
            changed = sum(a != b for a, b in zip(charts.evaluate_all(f"charts => charts.map({PIXELS})"), shown_at_10))
            assert changed == len(shown_at_10), f"only {changed} of {len(shown_at_10)} charts changed over a week"

            page.get_by_role("button", name="Withdraw US forces").click()
            message = page.locator(".dash-lever-message")
            expect(message).to_contain_text("Withdraw US forces: acts from week 12")
            troops = page.locator(".dash-chart-us_troops_iraq .dash-chart-image")
            troops_before = troops.evaluate(PIXELS)
            step_to(12)
            expect(page.locator(".dash-feed-table")).to_contain_text("Withdraw US forces")
            for n in range(13, 17):
                step_to(n)
            assert troops.evaluate(PIXELS) != troops_before, "the troops chart did not change after a withdrawal"
            expect(page.locator(".dash-chart-us_troops_iraq .dash-chart-now")).not_to_contain_text("2,500")
            expect(page.locator(".dash-levers-pulled")).to_contain_text("Withdraw US forces")
            page.locator(".dash-chart-us_troops_iraq").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "withdrawal.png"))

            # a slider shows its new value; Reset uses it and clears every message
            # (the central bank's reserves hold the exchange rate for months; Iran's income from Iraq moves at once)
            revenue_at_3 = page.locator(".dash-chart-iran_revenue_from_iraq .dash-chart-image")
            slider = page.get_by_role("slider", name="Dollars the US lets Iraq draw")
            slider.focus()
            for _ in range(6):
                slider.press("ArrowLeft")
            expect(slider).to_have_attribute("aria-valuenow", "0.7")
            expect(setup).to_contain_text("Dollars the US lets Iraq draw: 70%")
            page.get_by_role("button", name="Reset").click()
            expect(week).to_have_text("0", timeout=30_000)
            expect(message).to_have_count(0)
            expect(page.locator(".dash-feed-table")).to_have_count(0)
            expect(page.locator(".dash-levers-pulled")).to_have_count(0)
            for n in (1, 2, 3):
                step_to(n)
            revenue_less_access = revenue_at_3.evaluate(PIXELS)
            slider.focus()
            for _ in range(6):
                slider.press("ArrowRight")
            page.get_by_role("button", name="Reset").click()
            expect(week).to_have_text("0", timeout=30_000)
            for n in (1, 2, 3):
                step_to(n)
            assert revenue_at_3.evaluate(PIXELS) != revenue_less_access, \
                "the same seed and week with less dollar access drew the same income of Iran from Iraq"

            page.get_by_role("button", name="Reveal the answers").click()
            expect(page.locator(".dash-reveal-table")).to_contain_text("Attacks on US forces per week")
            expect(page.locator(".dash-reveal-table")).to_contain_text("5%")
            page.locator(".dash-predictions").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "revealed.png"))

            # A lever pulled while playing: the page keeps showing the weeks as they are played (once, the
            # browser saw nothing more until the run had ended).
            page.get_by_role("button", name="Play").click()
            def played_to(n):  # the week's element is briefly replaced while the page redraws
                try:
                    page.wait_for_function(f"+document.querySelector('.dash-week')?.textContent >= {n}",
                                           timeout=30_000)
                except Exception as err:
                    shown = [page.locator(css).all_inner_texts() for css in (".dash-control", ".dash-week")]
                    page.screenshot(path=str(SHOTS / "not-playing.png"))
                    raise AssertionError(f"play did not reach week {n}: buttons and week {shown}") from err

            played_to(5)
            truce = page.get_by_role("button", name="Militia truce")
            truce.evaluate("button => button.scrollIntoView({block: 'center'})")  # not under the top bar
            truce.click()
            pulled_at = int(week.inner_text())
            played_to(pulled_at + 3)
            assert int(week.inner_text()) < 90, "the page stopped showing the weeks after a lever pulled in play"
            expect(page.locator(".dash-levers-pulled")).to_contain_text("Militia truce")

            # A page closed while playing stops its model: the server goes from busy to idle.
            playing_cpu = _cpu_over(server.pid, 2.0)
            page.close()
            time.sleep(2.0)  # the close reaches the server and the play loop sees it
            closed_cpu = _cpu_over(server.pid, 3.0)
        finally:
            browser.close()
    print(f"\ndashboard at 1024x768, 300 worlds: usable after {usable:.2f} s; a week takes {step_time:.3f} s "
          f"(median of {len(times)}: {', '.join(f'{t:.2f}' for t in times)}); server CPU playing "
          f"{playing_cpu:.2f} s in 2 s, after the page closed {closed_cpu:.2f} s in 3 s; screenshots in {SHOTS}")
    assert playing_cpu > 0.5, f"the model did not seem to play ({playing_cpu:.2f} s of CPU in 2 s)"
    assert closed_cpu < 0.3, f"the model kept playing after its page closed ({closed_cpu:.2f} s of CPU in 3 s)"
    assert step_time < STEP_MARGIN * STEP_TARGET_S, f"a week took {step_time:.2f} s (target {STEP_TARGET_S} s)"
    assert usable < USABLE_MARGIN * USABLE_TARGET_S, f"the page took {usable:.2f} s to be usable " \
                                                     f"(target {USABLE_TARGET_S} s)"
    log = server.log.read_text()
    assert not any(word in log for word in ("Warning", "warn(", "Traceback")), f"the server printed:\n{log}"
