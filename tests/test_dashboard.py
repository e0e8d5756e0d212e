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

import numpy as np
import pytest

from simulator import LeverageModel
from simulator.errors import UserError
from simulator.interfaces.dashboard import levers, stats
from simulator.model.events import ScenarioEvent
from simulator.model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS

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


# ----------------------------------------------------------------------------------- the page, in-process
def test_page_renders_steps_and_pulls_a_lever_without_a_browser():
    import ipyvuetify as v
    import ipywidgets
    import solara

    from simulator.interfaces.dashboard.app import Classroom

    _, rc = solara.render(Classroom(in_app_bar=False), handle_error=False)

    def images():
        return [w.value for w in rc.find(ipywidgets.Image).widgets if "dash-chart-image" in w._dom_classes]

    def html(css):
        return next(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
                    if css in w.attributes.get("class", ""))

    def click(label):
        rc.find(v.Btn, children=[label]).widget.click()

    def eventually(check, seconds=20):
        """The dashboard's own handlers and its first drawing of the charts work in threads of their own."""
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
    click("Reveal the answers")
    eventually(lambda: "Highest parallel exchange rate" in html("dash-reveal-table"))
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


@pytest.fixture
def server(tmp_path):
    """The real dashboard server on a free loopback port, in its own process group; killed afterwards."""
    port = _free_port()
    log = open(tmp_path / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-c",
                             f"from simulator.interfaces.dashboard import serve; serve(port={port})"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"})
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
                pytest.fail(f"dashboard server did not answer at {url}:\n{(tmp_path / 'server.log').read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def test_dashboard_in_headless_chromium(server, tmp_path):
    """Load the page, step, pull a lever and move a slider; the plots change and the feed shows the lever."""
    from playwright.sync_api import expect, sync_playwright

    executable = _chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            page.goto(server)
            fan, matrix = page.locator(".dash-fan-image"), page.locator(".dash-matrix-image")
            week = page.locator(".dash-week")
            expect(fan).to_be_visible(timeout=60_000)
            expect(week).to_have_text("0")
            step = page.get_by_role("button", name="Step")

            def step_to(n):
                step.click()
                expect(week).to_have_text(str(n), timeout=30_000)

            page.locator(".dash-predict-mean_attacks_per_week input").fill("3")
            for n in (1, 2, 3):
                step_to(n)
            page.wait_for_timeout(300)
            fan_at_3, matrix_at_3 = fan.screenshot(), matrix.screenshot()

            page.get_by_role("button", name="Withdraw US forces").click()
            expect(page.locator(".dash-lever-message")).to_contain_text("Withdraw US forces: acts from week 4")
            for n in (4, 5):
                step_to(n)
            page.wait_for_timeout(300)
            assert fan.screenshot() != fan_at_3, "the fan charts did not change after stepping with a lever pulled"
            assert matrix.screenshot() != matrix_at_3, "the leverage matrix did not change"
            expect(page.locator(".dash-feed-table")).to_contain_text("Withdraw US forces")
            expect(page.locator(".dash-feed-table")).to_contain_text("classroom")

            slider = page.get_by_role("slider", name="US dollar access")
            slider.focus()
            for _ in range(6):
                slider.press("ArrowLeft")
            expect(slider).to_have_attribute("aria-valuenow", "0.7")
            page.get_by_role("button", name="Reset").click()
            expect(week).to_have_text("0", timeout=30_000)
            expect(page.locator(".dash-feed-table")).to_have_count(0)
            for n in (1, 2, 3):
                step_to(n)
            page.wait_for_timeout(300)
            assert fan.screenshot() != fan_at_3, "the same seed and week with less dollar access drew the same fans"

            page.get_by_role("button", name="Reveal").click()
            expect(page.locator(".dash-reveal-table")).to_contain_text("Attacks on US forces per week")

            # A lever pulled while playing: the page keeps showing the weeks as they are played (once, the
            # browser saw nothing more until the run had ended).
            page.get_by_role("button", name="▶").click()
            page.wait_for_function("+document.querySelector('.dash-week').textContent >= 5", timeout=30_000)
            page.get_by_role("button", name="Militia truce").click()
            pulled_at = int(week.inner_text())
            page.wait_for_function(f"+document.querySelector('.dash-week').textContent >= {pulled_at + 3}",
                                   timeout=30_000)
            assert int(week.inner_text()) < 90, "the page stopped showing the weeks after a lever pulled in play"
            expect(page.locator(".dash-levers-pulled")).to_contain_text("Militia truce")
            page.get_by_role("button", name="❚❚").click()
            page.screenshot(path=str(tmp_path / "dashboard.png"))
        finally:
            browser.close()
