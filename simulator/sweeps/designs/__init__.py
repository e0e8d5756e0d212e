"""Sampling designs, one module per method with the same interface (as in SALib):

    sample(problem, samples, seed, values) -> array (points, parameters)

`problem` is SALib's dict (num_vars, names, bounds); `values` gives explicit value lists (grid only).
"""

from importlib import import_module

METHODS = ("grid", "random", "lhs", "sobol", "morris")


def sample(method: str, problem: dict, samples: int, seed: int, values: dict | None = None):
    module = import_module(f".{'random_uniform' if method == 'random' else method}", __name__)
    return module.sample(problem, samples, seed, values or {})


def point_count(method: str, dimensions: int, samples: int, values: dict | None = None) -> int:
    """How many design points a method gives, without sampling."""
    if method == "grid":
        sizes = [len((values or {}).get(i, ())) or samples for i in range(dimensions)]
        total = 1
        for size in sizes:
            total *= size
        return total
    return {"random": samples, "lhs": samples, "sobol": samples * (2 * dimensions + 2),
            "morris": samples * (dimensions + 1)}[method]
