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
    # Set before solara reads its settings: no usage statistics sent anywhere; no "This website runs on Solara"
    # badge, which covered the bottom right of the page.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    import warnings

    from solara.__main__ import run

    # Solara warns, on the first page served over plain http to any host but "localhost", that it cannot give
    # the session cookie SameSite=None (which needs https) and falls back to SameSite=Lax. None matters only to
    # a page embedded in another site's iframe; the dashboard is opened directly, where Lax is the right cookie.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https", category=UserWarning,
                            module="solara.server.starlette")

    from .app import warm_up

    warm_up()
    run.main(args=solara_args(port, host), prog_name="sim dashboard", standalone_mode=False)
