"""The logit draw: its fast path (float32 screening, closed form for two options) gives exactly the float64 draw."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.model.choice import logit_choice


def reference_choice(utilities, rationality, previous, inertia, allowed, uniform):
    """The draw as first written, all in float64: softmax weights, running sums, count of sums the threshold reaches;
    a single allowed option is taken; a world with no finite score keeps its previous choice. Two options with no
    constraint use the closed form P(option 0) = 1 / (1 + e^(s1 - s0))."""
    if allowed is not None and allowed.all():
        allowed = None
    if len(utilities) == 2 and allowed is None:
        bonus = inertia * np.where(previous == 1, 1.0, -1.0)
        gap = rationality * (utilities[1] - utilities[0] + bonus)
        chosen = (uniform >= 1.0 / (1.0 + np.exp(gap))).astype(np.int64)
        return np.where(np.isnan(gap), previous, chosen)
    scores = np.array(utilities, dtype=float)
    scores[previous, np.arange(previous.size)] += inertia
    scores *= rationality
    if allowed is not None:
        single = allowed.sum(axis=0) == 1
        scores = np.where(allowed, np.where(single, 0.0, scores), -np.inf)
    top = scores.max(axis=0)
    stuck = ~np.isfinite(top)
    weights = np.exp(scores - np.where(stuck, 0.0, top))
    partial = np.cumsum(weights, axis=0)
    threshold = uniform * np.where(stuck, 1.0, partial[-1])
    chosen = (threshold[None, :] >= partial[:-1]).sum(axis=0)
    return np.where(stuck, previous, chosen)


def boundary_uniforms(utilities, rationality, previous, inertia, rng):
    """Uniforms on and a hair either side of the boundaries between options (where rounding could tip a draw)."""
    nudge = rng.choice([-1e-12, -1e-7, 0.0, 1e-7, 1e-12], previous.size)
    if len(utilities) == 2:
        gap = rationality * (utilities[1] - utilities[0] + inertia * np.where(previous == 1, 1.0, -1.0))
        share = 1.0 / (1.0 + np.exp(gap))
        return np.clip(np.nan_to_num(share + nudge), 0.0, np.nextafter(1.0, 0.0))
    scores = np.array(utilities, dtype=float)
    scores[previous, np.arange(previous.size)] += inertia
    scores *= rationality
    finite = np.where(np.isfinite(scores), scores, -np.inf)
    top = np.max(finite, axis=0)
    weights = np.exp(finite - np.where(np.isfinite(top), top, 0.0))
    partial = np.cumsum(weights, axis=0)
    share = partial[rng.integers(0, len(partial) - 1, previous.size), np.arange(previous.size)] / partial[-1]
    return np.clip(np.nan_to_num(share + nudge), 0.0, np.nextafter(1.0, 0.0))


utility = st.one_of(st.floats(-60, 60), st.sampled_from([0.0, -np.inf, 1e-9, 30.0]))


@settings(max_examples=300, deadline=None)
@given(options=st.integers(2, 4), worlds=st.integers(1, 40), seed=st.integers(0, 2**32 - 1),
       values=st.lists(utility, min_size=160, max_size=160), rationality=st.sampled_from([0.0, 0.5, 2.0, 40.0]),
       inertia=st.sampled_from([0.0, 0.3, 5.0]), constrained=st.booleans(), at_boundary=st.booleans())
def test_fast_draw_equals_the_float64_draw(options, worlds, seed, values, rationality, inertia, constrained,
                                           at_boundary):
    rng = np.random.default_rng(seed)
    utilities = np.array(values[:options * worlds] * 2)[:options * worlds].reshape(options, worlds)
    previous = rng.integers(0, options, worlds)
    allowed = rng.random((options, worlds)) < 0.7 if constrained else None
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        uniform = (boundary_uniforms(utilities, rationality, previous, inertia, rng) if at_boundary
                   else rng.random(worlds))
        expected = reference_choice(utilities, rationality, previous, inertia, allowed, uniform)
    with np.errstate(invalid="ignore"):
        got = logit_choice(utilities, rationality, previous, inertia, allowed, uniform)
    assert np.array_equal(got, expected), (utilities, previous, uniform, got, expected)


def test_draws_near_every_boundary_of_many_worlds_match():
    """10,000 worlds with uniforms placed on the boundaries: the screened float32 path must send every one of the
    worlds it cannot call to the float64 draw."""
    rng = np.random.default_rng(7)
    for options in (2, 3, 4):
        utilities = rng.normal(0, 3, (options, 10_000))
        previous = rng.integers(0, options, 10_000)
        uniform = boundary_uniforms(utilities, 1.5, previous, 0.4, rng)
        with np.errstate(over="ignore"):
            expected = reference_choice(utilities, 1.5, previous, 0.4, None, uniform)
        assert np.array_equal(logit_choice(utilities, 1.5, previous, 0.4, None, uniform), expected), options


def test_by_option_equals_numpy_choose():
    from simulator.model.choice import by_option

    rng = np.random.default_rng(2)
    index = rng.integers(0, 3, 50)
    values = [0.0, rng.random(50), 2.5]
    expected = np.choose(index, [np.broadcast_to(v, (50,)) for v in values])
    assert np.array_equal(by_option(index, values), expected)
    assert by_option(np.array([1]), [1.0, 2.0]).tolist() == [2.0]
