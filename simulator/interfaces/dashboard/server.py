"""Starting the Solara server for the dashboard, in this process, until Ctrl-C."""

from __future__ import annotations

import os

from ...errors import UserError

APP = "simulator.interfaces.dashboard.app"


def solara_args(port: int, host: str) -> list[str]:
    """Arguments for `solara run`: production mode (no auto-restart), no browser, no version check."""
    return [APP, "--host", host, "--port", str(port), "--production", "--no-open", "--no-check-version"]


def serve(port: int = 8765, host: str = "127.0.0.1") -> None:
    if not isinstance(port, int) or not 0 < port < 65536:
        raise UserError(f"dashboard: port must be a number from 1 to 65535, found {port!r}.")
    if not host:
        raise UserError("dashboard: host must not be empty (use 127.0.0.1 to listen on this machine only).")
    # No usage statistics sent anywhere; set before solara reads its settings.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    import warnings

    from solara.__main__ import run

    # Mesa's ComponentsView returns early when given no components (the dashboard lays out its own): harmless.
    warnings.filterwarnings("ignore", message=r"(?s).*ComponentsView: `use_state` found despite early return")

    run.main(args=solara_args(port, host), prog_name="sim dashboard", standalone_mode=False)
