"""Latin hypercube (SALib.sample.latin): each parameter's range cut into `samples` strata, one draw per stratum."""


def sample(problem, samples, seed, values):
    from SALib.sample import latin

    return latin.sample(problem, samples, seed=seed)
