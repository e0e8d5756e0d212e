"""The classroom dashboard: a Solara page over a few hundred worlds of the leverage model (a Mesa model).

Sliders for key parameters, lever buttons that act at the current week, play/step/reset, fan charts, the leverage
matrix, an event feed and a predict-then-reveal panel. Importing this package starts nothing and imports neither
Solara nor Mesa's visualization; `serve()` starts the Solara server (see docs/dashboard.md).
"""

from __future__ import annotations

DEFAULT_PORT = 8765
DEFAULT_HOST = "127.0.0.1"

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "serve"]


def serve(port: int = DEFAULT_PORT, host: str = DEFAULT_HOST) -> None:
    """Start the Solara server for the dashboard and block until it stops (Ctrl-C).

    Listens on 127.0.0.1 unless told otherwise; the page is at http://HOST:PORT/.
    """
    from .server import serve as _serve

    _serve(port=port, host=host)
