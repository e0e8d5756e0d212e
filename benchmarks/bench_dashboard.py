"""How long the classroom dashboard takes to step one week, printed next to the target (under 0.3 s at 300 worlds).

The page is rendered in this process with `solara.render` (no server, no browser) and its Step button clicked, so the
figure is the server's share of a week: the model's step plus redrawing the page (a chart per metric, the matrix, the
event feed). The browser test (tests/test_dashboard.py) measures the same from a click in headless Chromium to the
last chart redrawn, and prints it. Wall and CPU time are both given: other sessions may share the machine, and CPU
time is less sensitive to them. It prints figures, it asserts nothing.

Run from the repository root:
    .venv/bin/python benchmarks/bench_dashboard.py                 # 300 worlds, 30 weeks
    .venv/bin/python benchmarks/bench_dashboard.py --worlds 500 --weeks 104
"""

import argparse
import statistics
import time

TARGET_S = 0.3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=30, help="weeks to step (the first ones redraw chart frames)")
    args = parser.parse_args()

    import ipyvuetify as v
    import ipywidgets
    import solara

    from simulator.interfaces.dashboard import app
    from simulator.model.metrics import KEY_METRICS, LEVERAGE_METRICS

    started = time.perf_counter()
    app.warm_up()  # as serve() does before the first page
    warm = time.perf_counter() - started
    started = time.perf_counter()
    _, rc = solara.render(app.Classroom(in_app_bar=False), handle_error=False)
    first = time.perf_counter() - started
    charts = len(rc.find(ipywidgets.Image).widgets)
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
        ranked = sorted(times)
        print(f"{label:<18} {statistics.median(times):>9.3f} {ranked[int(0.9 * (len(ranked) - 1))]:>11.3f} "
              f"{ranked[-1]:>7.3f}  < {TARGET_S} s {'met' if statistics.median(times) < TARGET_S else 'MISSED'}")


if __name__ == "__main__":
    main()
