"""How long the classroom dashboard takes to step one week, printed next to the target (under 0.3 s at 300 worlds).

The page is rendered in this process with `solara.render` (no server, no browser) and its Step button clicked, so the
figure is the server's share of a week: the model's step plus rendering the page (the data of a chart per metric, the
matrix, the event feed). The browser test (tests/test_dashboard.py) measures the whole week in headless Chromium, from
the click to the last chart drawn, timed in the page, and prints it. Wall and CPU time are both given: other sessions
may share the machine, and CPU time is less sensitive to them. It prints figures, it asserts nothing.

With --browser it also starts the real server and times the same in Debian's headless Chromium at 1024x768, as the
browser test does (the page usable after loading, then each week from the click to the last chart drawn).

Run from the repository root:
    .venv/bin/python benchmarks/bench_dashboard.py                 # 300 worlds, 30 weeks
    .venv/bin/python benchmarks/bench_dashboard.py --browser       # and in Chromium (~30 s more)
    .venv/bin/python benchmarks/bench_dashboard.py --worlds 500 --weeks 104
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TARGET_S = 0.3
USABLE_TARGET_S = 3.0
ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=30, help="weeks to step")
    parser.add_argument("--browser", action="store_true", help="also time the page in headless Chromium")
    args = parser.parse_args()

    import ipyvue
    import ipyvuetify as v
    import solara

    from simulator.interfaces.dashboard import app
    from simulator.model.metrics import KEY_METRICS, LEVERAGE_METRICS

    started = time.perf_counter()
    app.warm_up()  # as serve() does before the first page
    warm = time.perf_counter() - started
    started = time.perf_counter()
    _, rc = solara.render(app.Classroom(in_app_bar=False), handle_error=False)
    first = time.perf_counter() - started
    charts = sum(hasattr(w, "spec") for w in rc.find(ipyvue.VueTemplate).widgets)  # fan_chart.vue's
    assert charts == len(KEY_METRICS) + len(LEVERAGE_METRICS), f"{charts} charts drawn"
    if args.worlds != app.DEFAULT_WORLDS:
        rc.find(v.Slider, label=f"Worlds run together: {app.DEFAULT_WORLDS}").widget.v_model = args.worlds
        rc.find(v.Btn, children=["Reset"]).widget.click()
    step = rc.find(v.Btn, children=["Step"]).widget
    model = rc.find(solara.widgets.HTML, attributes={"class": "dash-clock"})
    wall, cpu = [], []
    for _ in range(args.weeks):
        w, c = time.perf_counter(), time.process_time()
        step.click()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    rc.close()
    assert f"Week <span class='dash-week'>{args.weeks}</span>" in model.widget.unsafe_innerHTML

    print(f"Dashboard, {args.worlds} worlds, {charts} charts: warm-up (at server start) {warm:.2f} s, "
          f"page first drawn in {first:.2f} s")
    print(f"{'one week (Step)':<18} {'median s':>9} {'90th pct s':>11} {'max s':>7}  target")
    for label, times in (("wall", wall), ("CPU", cpu)):
        _row(label, times, TARGET_S)
    if args.browser:
        usable, weeks = in_chromium(min(args.weeks, 20))
        print(f"In headless Chromium at 1024x768 (default set-up, {len(weeks)} weeks): page usable after "
              f"{usable:.2f} s (target {USABLE_TARGET_S} s: {'met' if usable < USABLE_TARGET_S else 'MISSED'})")
        _row("browser wall", weeks, TARGET_S)


def _row(label, times, target):
    ranked = sorted(times)
    median = statistics.median(times)
    print(f"{label:<18} {median:>9.3f} {ranked[int(0.9 * (len(ranked) - 1))]:>11.3f} {ranked[-1]:>7.3f}  "
          f"< {target} s {'met' if median < target else 'MISSED'}")


def in_chromium(weeks: int) -> tuple[float, list[float]]:
    """(seconds until the page is usable, seconds of each week) in headless Chromium, timed as the browser test
    times them (its TIME_A_WEEK script), on a server started for the purpose."""
    from playwright.sync_api import expect, sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from test_dashboard import CHROMIUM, CHROMIUM_FLAGS, TIME_A_WEEK, _free_port

    from simulator.model.metrics import LEVERAGE_METRICS

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-c", f"from simulator.interfaces.dashboard import serve; "
                               f"serve(port={port})"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the dashboard server did not answer at {url} (exit status {server.poll()})") \
                        from None
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1024, "height": 768})
            started = time.monotonic()
            page.goto(url)
            expect(page.locator(".dash-week")).to_have_text("0", timeout=60_000)
            expect(page.get_by_role("button", name="Step")).to_be_enabled(timeout=60_000)
            usable = time.monotonic() - started
            page.wait_for_timeout(500)
            times = []
            for week in range(1, weeks + 1):
                page.evaluate(TIME_A_WEEK, {"week": week, "chart": f".dash-chart-{LEVERAGE_METRICS[-1]}"})
                page.get_by_role("button", name="Step").click()
                times.append(page.wait_for_function("window.__weekShownAfter", polling="raf").json_value())
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    return usable, times


if __name__ == "__main__":
    main()
