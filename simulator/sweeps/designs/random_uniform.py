"""Independent uniform draws within each parameter's bounds (Monte Carlo)."""

import numpy as np


def sample(problem, samples, seed, values):
    bounds = np.asarray(problem["bounds"], dtype=float)
    unit = np.random.default_rng(seed).random((samples, len(bounds)))
    return bounds[:, 0] + unit * (bounds[:, 1] - bounds[:, 0])
