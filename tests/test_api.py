"""The public Python API for outside drivers: from_scenario, outcomes(), results() and the top-level names."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS

from simulator import LeverageModel
from simulator.errors import UserError
from simulator.model.metrics import KEY_METRICS, METRICS
from simulator.model.outcomes import OUTCOMES, share_interval, table
from simulator.output.run import simulate
from simulator.scenario import load

WITHDRAWAL = SCENARIOS / "withdrawal.yaml"


@pytest.fixture(scope="module")
def model():
    return LeverageModel.from_scenario(WITHDRAWAL, worlds=150, seed=5, weeks=40).run()


@pytest.fixture(scope="module")
def results(model):
    return model.results()


def test_from_scenario_applies_overrides_and_returns_an_unrun_model():
    m = LeverageModel.from_scenario(str(WITHDRAWAL), worlds=7, seed=3, weeks=12, us_dollar_access=0.5,
                                    record=False, log_events=False, world_ids=np.arange(10, 17))
    assert (m.worlds, m.seed, m.weeks, m.week) == (7, 3, 12, 0) and m.running
    assert m.scenario_name == "withdrawal" and m.p.us_dollar_access == 0.5
    assert m.recorder is None and not m.log.enabled and list(m.world_ids) == list(range(10, 17))
    assert [e.name for e in m.schedule_events.events] == [e.name for e in load(WITHDRAWAL).events]
    spec = load(WITHDRAWAL)
    plain = LeverageModel.from_scenario(WITHDRAWAL)
    assert (plain.worlds, plain.seed, plain.weeks, plain.calendar.start) == (spec.worlds, spec.seed, spec.weeks,
                                                                            spec.start_date)
    assert LeverageModel.from_scenario(spec, worlds=3).worlds == 3 and spec.worlds == 1000  # a loaded Scenario


def test_from_scenario_checks_its_overrides():
    with pytest.raises(UserError, match="us_dollar_access"):
        LeverageModel.from_scenario(WITHDRAWAL, us_dolar_access=0.5)
    with pytest.raises(UserError, match="range"):
        LeverageModel.from_scenario(WITHDRAWAL, us_dollar_access=3)
    with pytest.raises(UserError, match="week 4"):
        LeverageModel.from_scenario(WITHDRAWAL, weeks=3)  # the withdrawal event acts at week 4
    with pytest.raises(UserError, match="worlds"):
        LeverageModel.from_scenario(WITHDRAWAL, worlds=0)
    with pytest.raises(UserError, match="with_overrides"):
        LeverageModel.from_spec(load(WITHDRAWAL), worlds=3)


def test_from_scenario_gives_the_same_run_as_simulate(model):
    run = simulate(load(WITHDRAWAL).with_overrides(worlds=150, seed=5, weeks=40))
    assert run.model.scenario_name == model.scenario_name == "withdrawal"
    for name in METRICS:
        assert np.array_equal(run.model.recorder.series(name), model.recorder.series(name)), name
    pd.testing.assert_frame_equal(run.model.events_frame(), model.events_frame())


def test_outcomes_is_the_vocabulary_table(model):
    frame = model.outcomes()
    assert list(frame.columns) == ["world", *OUTCOMES] and len(frame) == 150
    pd.testing.assert_frame_equal(frame, table(model))
    two = model.outcomes(["us_left_iraq", "peak_parallel_rate"])
    assert list(two.columns) == ["world", "us_left_iraq", "peak_parallel_rate"]
    assert two["us_left_iraq"].isin([0.0, 1.0]).all()
    with pytest.raises(UserError, match="us_left_iraq"):
        model.outcomes(["us_left_irak"])
    with pytest.raises(UserError, match="record=True"):
        LeverageModel(worlds=2, seed=1, weeks=2, record=False).run().outcomes()


def test_results_hold_labelled_series(model, results):
    assert (results.worlds, results.weeks, results.seed, results.scenario) == (150, 40, 5, "withdrawal")
    assert results.dates[0] == model.calendar.start and results.dates[-1] == model.calendar.date(40)
    assert results.units["pmu_fighters"] == "fighters" and results.descriptions["pmu_fighters"] == "PMU fighters"
    assert np.array_equal(results.series["parallel_rate"], model.recorder.series("parallel_rate"))
    with pytest.raises(ValueError):
        results.series["parallel_rate"][0, 0] = 1.0  # read-only views of the recorder


def test_results_to_frame_is_the_models_timeseries(model, results):
    pd.testing.assert_frame_equal(results.to_frame(), model.timeseries())


def test_results_to_xarray(model, results):
    pytest.importorskip("xarray")  # a core dependency once pyproject lists it; until then installed by hand
    ds = results.to_xarray()
    assert ds.sizes == {"week": 41, "world": 150}
    assert set(ds.data_vars) == set(METRICS)
    assert ds.attrs == {"seed": 5, "worlds": 150, "weeks": 40, "start_date": "2024-01-15", "scenario": "withdrawal"}
    for name in METRICS:
        assert ds[name].dims == ("week", "world")
        assert ds[name].attrs == {"units": METRICS[name].unit, "description": METRICS[name].description}
        assert np.array_equal(ds[name].values, model.recorder.series(name))
    assert pd.Timestamp(ds["date"].values[-1]) == pd.Timestamp(model.calendar.date(40))
    assert list(ds["world"].values) == list(model.world_ids)


def test_to_xarray_without_xarray_names_the_install_command(results, monkeypatch):
    monkeypatch.setitem(sys.modules, "xarray", None)
    with pytest.raises(UserError, match="pip install xarray"):
        results.to_xarray()


def test_results_outcomes_and_summary(model, results):
    pd.testing.assert_frame_equal(results.outcomes(), model.outcomes())
    summary = results.summary()
    assert list(summary.index) == list(OUTCOMES)
    share, low, high = share_interval(model.outcomes()["iraq_requested_withdrawal"])
    row = summary.loc["iraq_requested_withdrawal"]
    assert row.kind == "event" and (row.value, row.low, row.high) == (share, low, high)
    peak = summary.loc["peak_parallel_rate"]
    values = model.outcomes()["peak_parallel_rate"]
    assert peak.kind == "value" and peak.value == pytest.approx(values.median())
    assert peak.unit == "IQD per USD" and "," in peak.text


def test_plot_returns_a_figure_that_saves_as_png(results, tmp_path):
    from matplotlib.figure import Figure

    fig = results.plot()
    assert isinstance(fig, Figure)
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert titles == [METRICS[name].description for name in KEY_METRICS]
    path = tmp_path / "results.png"
    fig.savefig(path, dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    two = results.plot(["parallel_rate", "pmu_fighters"])
    assert len([ax for ax in two.axes if ax.get_visible()]) == 2
    import matplotlib.pyplot as plt

    own, ax = plt.subplots()
    assert results.plot("parallel_rate", ax=ax) is own
    assert ax.get_title() == "Parallel exchange rate" and ax.collections  # bands drawn
    plt.close(own)
    with pytest.raises(UserError, match="parallel_rate"):
        results.plot("paralel_rate")
    with pytest.raises(UserError, match="one metric"):
        results.plot(["parallel_rate", "pmu_fighters"], ax=ax)


def test_repr_shows_scenario_size_seed_and_headlines(results):
    text = repr(results)
    assert "withdrawal" in text and "150 worlds x 40 weeks" in text and "seed 5" in text
    assert "A US withdrawal from Iraq began" in text and "%" in text
    page = results._repr_html_()
    assert page.startswith("<table>") and "withdrawal" in page and "Peak parallel exchange rate" in page


def test_repr_html_is_escaped(model):
    model.scenario_name = "<b>x & y</b>"
    try:
        results = model.results()
        page = results._repr_html_()
        assert "&lt;b&gt;x &amp; y&lt;/b&gt;" in page and "<b>" not in page
        assert "<b>x & y</b>" in repr(results)
    finally:
        model.scenario_name = "withdrawal"


def test_results_of_an_unrun_model():
    results = LeverageModel(worlds=3, seed=1, weeks=5).results()
    assert results.weeks == 0 and "no weeks run yet" in repr(results)
    assert "no weeks run yet" in results._repr_html_()


def test_top_level_api_is_lazy():
    code = ("import sys, simulator; heavy = [m for m in ('pandas', 'mesa', 'matplotlib', 'xarray') if m in "
            "sys.modules]; assert not heavy, heavy; "
            "from simulator import LeverageModel, Results, load_scenario, OUTCOMES, __version__; "
            "import simulator.scenario as s; assert load_scenario is s.load; assert 'us_left_iraq' in OUTCOMES; "
            "assert Results.__name__ == 'Results' and LeverageModel.__name__ == 'LeverageModel'; print(__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0.1.0"
