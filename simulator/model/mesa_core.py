"""Mesa's core classes (Model, Agent, DataCollector) without the rest of Mesa, until someone asks for the rest.

`import mesa` runs mesa/__init__.py, which imports every Mesa subpackage: spaces (networkx), continuous space
(scipy.spatial), the batch runner and more. That costs about 0.7 s before the model steps once, and `sim run` needs
none of it: LeverageModel subclasses `mesa.Model`, its actors `mesa.Agent`, and it reports through
`mesa.DataCollector`, which imports pandas and is imported only when a model's `datacollector` is first read.

`load()` imports just the three core modules. If Mesa is not imported yet, it first registers the `mesa` package
without running its __init__, and gives that package a module `__getattr__` that runs the real __init__ the first
time anything else is asked of it (`mesa.space`, `mesa.batch_run`, `from mesa import SolaraViz`, ...). The classes are
the very same objects either way (Mesa's own __init__ imports them from the same, already loaded modules), so
`isinstance(model, mesa.Model)`, the dashboard and everything Mesa users do behave as after a plain `import mesa`.
If Mesa is already imported (a notebook, the dashboard, the tests), `load()` just returns it.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import threading
from types import SimpleNamespace

_lock = threading.RLock()


class _Core(SimpleNamespace):
    @property
    def DataCollector(self):  # noqa: N802 - Mesa's name
        """Mesa's DataCollector, imported when first asked for: mesa.datacollection imports pandas."""
        return importlib.import_module("mesa.datacollection").DataCollector


def load():
    """An object with Mesa's `Model`, `Agent` and (imported when first read) `DataCollector`."""
    with _lock:
        package = sys.modules.get("mesa")
        if package is None:
            package = _register_package_without_init()
        agent = importlib.import_module("mesa.agent")
        model = _import_mesa_model()
    return _Core(Model=model.Model, Agent=agent.Agent)


def _import_mesa_model():
    """mesa.model, imported as usual but faster. While it is imported, Mesa's logging helpers look up the calling
    module and class with inspect.stack() and inspect.getouterframes(), which read the source of every frame on the
    stack (90 ms under `sim`). They are given the same frames without source lines (`_FramesOnly`), for that import
    only; the loggers and decorators come out the same (tested)."""
    if "mesa.model" in sys.modules:
        return sys.modules["mesa.model"]
    logs = importlib.import_module("mesa.mesa_logging")
    logs.inspect = _FramesOnly
    try:
        return importlib.import_module("mesa.model")
    finally:
        logs.inspect = inspect


def _frames(frame) -> list[tuple]:
    """(frame, filename, line number, function name) from `frame` outwards, as inspect's records begin."""
    records = []
    while frame is not None:
        records.append((frame, frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        frame = frame.f_back
    return records


class _FramesOnly:
    """The part of `inspect` that mesa.mesa_logging uses, without reading any source file."""

    currentframe = staticmethod(inspect.currentframe)

    @staticmethod
    def stack(context: int = 1) -> list[tuple]:
        return _frames(sys._getframe(1))

    @staticmethod
    def getouterframes(frame, context: int = 1) -> list[tuple]:
        return _frames(frame)

    @staticmethod
    def getmodule(frame):
        return sys.modules.get(frame.f_globals.get("__name__"))
def _register_package_without_init():
    spec = importlib.util.find_spec("mesa")
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return importlib.import_module("mesa")  # not a regular package: import it the ordinary way
    package = importlib.util.module_from_spec(spec)  # __path__, __spec__, __file__ set; __init__ not run
    state = {"done": False}

    def complete(name):
        """Run mesa/__init__.py in the package once, then answer as a fully imported `mesa` would."""
        if not state["done"]:
            with _lock:
                if not state["done"]:
                    state["done"] = True
                    del package.__dict__["__getattr__"]  # names not yet defined during __init__ fail as usual
                    spec.loader.exec_module(package)
        try:
            return package.__dict__[name]
        except KeyError:
            raise AttributeError(f"module 'mesa' has no attribute {name!r}") from None

    package.__getattr__ = complete
    sys.modules["mesa"] = package
    return package
