"""Full factorial grid: `samples` evenly spaced values per parameter (ends included), or the given value lists."""

import itertools

import numpy as np


def sample(problem, samples, seed, values):
    axes = [np.asarray(values[i], dtype=float) if i in values else np.linspace(low, high, samples)
            for i, (low, high) in enumerate(problem["bounds"])]
    return np.array(list(itertools.product(*axes)), dtype=float)
