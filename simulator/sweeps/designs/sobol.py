"""Saltelli's scheme for Sobol indices (SALib.sample.sobol): N * (2D + 2) points, second-order indices included."""

import warnings


def sample(problem, samples, seed, values):
    from SALib.sample import sobol

    with warnings.catch_warnings():  # SALib warns about sample sizes that are not powers of two; the spec checks that
        warnings.simplefilter("ignore")
        return sobol.sample(problem, samples, calc_second_order=True, seed=seed)
