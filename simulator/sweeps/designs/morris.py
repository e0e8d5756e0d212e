"""Morris elementary-effects trajectories (SALib.sample.morris): N * (D + 1) points on a 4-level grid."""

LEVELS = 4


def sample(problem, samples, seed, values):
    from SALib.sample import morris

    return morris.sample(problem, samples, num_levels=LEVELS, seed=seed)
