"""`sim run`'s figures, drawn by a background process while the model runs and the tables are written, or after
`sim run` has returned.

Drawing the three run figures takes matplotlib about as long as simulating the run, and importing matplotlib another
0.7 CPU-s; done after the tables they nearly doubled `sim run`. So they are drawn by `BackgroundFigures`: a fresh
Python process (`subprocess`, no fork: nothing of the parent's state, threads or locks is inherited; in a session of
its own, so closing the terminal does not stop it). In a script it starts as soon as `sim run` knows the scenario,
imports matplotlib and lays out the empty figures while the parent simulates. After the run the parent sends it the
figures' data (`figures.figure_data`, about 100 KB pickled through the child's stdin; nothing else crosses) and goes
on printing and writing tables while the child draws into a private temporary folder. Then one of two endings:

- `finish` (a script, `sim run --wait-figures`): the parent waits for the child (two children when more than a core
  is idle, `default_groups`), checks every PNG and moves them into the run's staging folder, so the run folder is
  complete when `sim run` exits, or it is not there at all.
- `detach` (in a terminal, through `DetachedFigures`): one child, started only once the run folder is in place
  (drawing beside the model and the tables slowed them by about half a second here), with its stderr sent nowhere
  since nobody will read it. The folder is renamed into place with a `figures.pending` mark carrying a random token;
  the mark then names the child, the parent sends it everything at once and exits, and the child draws into a hidden
  folder inside the run folder and renames it to figures/ (or writes `figures.failed` with the reason) a few seconds
  later, only if the folder still carries the token; readers wait for it (`run_folder.wait_for_figures`). The
  student reads the summary meanwhile, and `sim run` returns in the time the model and the tables take.

If a child fails or hangs before the hand-over, the parent says so on stderr and draws the figures itself instead
(the same code, the same pixels); if that fails too it raises `FiguresFailed`: the run folder is still written,
without figures, and `sim run` exits with status 1 and says why.

The child side is `main()`: it reads up to three pickled messages from stdin: the layout (at once), then (data,
folder to draw into), then (run folder, token) to place the figures in (`detach`); EOF before the second means
"cancelled", EOF before the third means the parent collects the figures. The pickles come only from the parent that
started it, through a pipe.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# One process draws every run figure; on a machine with a core to spare, two share them (9 panels; 4 + 6 panels)
ONE_GROUP = (("key_metrics.png", "leverage.png", "violence.png"),)
TWO_GROUPS = (("key_metrics.png",), ("leverage.png", "violence.png"))
TIMEOUT_SECONDS = 300  # a child that has not finished by then is stopped and the parent draws instead
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PIPE_BYTES = 1 << 20  # the pipe to a child: room for the figures' data (Linux allows up to 1 MB unprivileged)


class FiguresFailed(Exception):
    """The figures could not be drawn, neither in the background nor in this process."""


def default_groups() -> tuple:
    """TWO_GROUPS when, besides this run, more than a core is idle (1-minute load average), else ONE_GROUP: on a busy
    machine a second process (another matplotlib import, ~0.7 CPU-s) would only take CPU time from the run. The
    figures are the same either way."""
    try:
        idle = (os.cpu_count() or 1) - os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this platform
        return ONE_GROUP
    return TWO_GROUPS if idle > 1.5 else ONE_GROUP


def worker_command() -> list[str]:
    """The child's command line: this interpreter, without the current directory on sys.path (-P), importing the
    same `simulator` package as this process."""
    root = str(Path(__file__).resolve().parents[2])
    return [sys.executable, "-P", "-c",
            f"import sys; sys.path.insert(0, {root!r}); from simulator.output.figure_worker import main; main()"]


class DetachedFigures:
    """Figures that `run_folder.write_run` hands to a process started once the run folder is in place, which adds
    them after `sim run` has returned (in a terminal). Started only then, it takes no CPU from the model or the
    tables: drawing beside them slowed `sim run` by about half a second here. The hand-over has a random `token`,
    written in the folder's figures.pending mark: the process places the figures only into the folder that still
    carries it (not into one deleted, moved or replaced meanwhile)."""

    def __init__(self, layout: dict, data: dict):
        import secrets

        self.layout, self.data, self.token = layout, data, secrets.token_hex(8)

    def start(self, folder: Path) -> None:
        """Hand the figures of the run folder `folder` (marked figures.pending with the token) to a new process,
        which draws them into a hidden folder inside it (so nothing is left elsewhere) and renames that into place."""
        background = BackgroundFigures(self.layout, ONE_GROUP, drawn=Path(folder) / f".figures-{self.token}",
                                       quiet=True)
        background.submit(self.data)
        background.detach(folder, self.token)


class BackgroundFigures:
    """The figure processes of one run: start them with the figures' layout (`figures.layout`), `submit` the data
    once the run is done, then `finish` into the run's staging folder (or `cancel`), or `detach` (one process).
    They draw into `drawn` (default: a new temporary folder); `quiet` sends their stderr nowhere, for a process that
    outlives the one that started it."""

    def __init__(self, layout: dict, groups=None, drawn: Path | None = None, quiet: bool = False):
        from .figures import split_layout

        groups = default_groups() if groups is None else groups
        self.scratch = None if drawn is not None else Path(tempfile.mkdtemp(prefix="sim-figures-"))
        self.tmp = Path(drawn) if drawn is not None else self.scratch / "figures"
        self.tmp.mkdir(exist_ok=True)  # as the user's umask has it (mkdtemp's folder is private)
        self.files = [f for group in groups for f in group]
        self.procs, self.errors, self._sender, self.data = [], [], None, None
        for group in groups:
            try:
                proc = subprocess.Popen(worker_command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL if quiet else subprocess.PIPE, close_fds=True,
                                        start_new_session=os.name == "posix")
            except (OSError, TypeError, ValueError) as err:  # could not start (no interpreter?): the parent draws
                self.errors.append(f"could not start a figure process: {err}")
                continue
            self.procs.append((proc, group))
            _widen(proc.stdin)
            try:
                proc.stdin.write(pickle.dumps(split_layout(layout, group), protocol=pickle.HIGHEST_PROTOCOL))
                proc.stdin.flush()
            except OSError:  # it died at once: finish() reports its exit status and stderr, and the parent draws
                _close(proc)

    def submit(self, data: dict) -> None:
        """Send each process the run's figure data (from a thread: a busy child must not hold up the parent)."""
        from .figures import split_layout

        def send():
            for proc, group in self.procs:
                if proc.stdin is None:  # it died before the layout arrived
                    continue
                try:
                    proc.stdin.write(pickle.dumps((split_layout(data, group), str(self.tmp)),
                                                  protocol=pickle.HIGHEST_PROTOCOL))
                    proc.stdin.flush()
                except OSError:  # the child died; finish() reports its exit status and stderr
                    _close(proc)

        self.data = data
        self._sender = threading.Thread(target=send, name="sim-figures-send", daemon=True)
        self._sender.start()

    def _wait(self) -> list[str]:
        """Wait for every child; the problems found (none when all drew their figures)."""
        problems = list(self.errors)
        if self._sender is not None:
            self._sender.join(TIMEOUT_SECONDS)
        procs, self.procs = self.procs, []
        for proc, group in procs:
            _close(proc)  # EOF: the child exits once it has drawn
            try:
                _, err = proc.communicate(timeout=TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
                problems.append(f"the process drawing {', '.join(group)} took over {TIMEOUT_SECONDS} s and was "
                                f"stopped")
                continue
            text = (err or b"").decode(errors="replace").strip()
            if proc.returncode != 0:
                last = text.splitlines()[-1] if text else "no message"
                problems.append(f"the process drawing {', '.join(group)} failed (exit status {proc.returncode}): "
                                f"{last}")
        bad = [f for f in self.files if not valid_png(self.tmp / f)]
        if bad and not problems:
            problems.append(f"the figure processes did not write {', '.join(bad)}")
        return problems

    def finish(self, target: Path) -> None:
        """Put every figure into `target` (a folder that does not exist yet). Tells the user on stderr if the
        background processes failed and the figures were drawn here instead; raises FiguresFailed if that failed
        too."""
        try:
            problems = self._wait()
            if not problems:
                shutil.move(str(self.tmp), str(target))
                return
            print(f"Note: {'; '.join(problems)}. Drawing the figures in this process instead.", file=sys.stderr)
            from .figures import draw_figures

            try:
                if self.data is None:
                    raise ValueError("finish() before submit(): no figure data")
                draw_figures(self.data, target)
            except Exception as err:  # noqa: BLE001 - reported to the user, with what failed before
                shutil.rmtree(target, ignore_errors=True)
                raise FiguresFailed(f"{type(err).__name__}: {err} (before that, {'; '.join(problems)})") from err
        finally:
            self._remove_drawn()

    def detach(self, folder: Path, token: str) -> None:
        """Leave the figures to the one child: the run folder `folder` (in place, marked figures.pending with
        `token`) names it as the process drawing them, and it renames them into place once drawn; nothing waits for
        it. If it cannot take them over, they are drawn here and placed now (FiguresFailed, with figures.failed
        written, if that fails too)."""
        from .run_folder import figures_failed, mark_figures_pending, place_figures

        if self._sender is not None:
            self._sender.join(TIMEOUT_SECONDS)
        if len(self.procs) == 1 and self.procs[0][0].stdin is not None:
            proc = self.procs[0][0]
            mark_figures_pending(folder, proc.pid, token)
            try:
                proc.stdin.write(pickle.dumps((str(folder), token), protocol=pickle.HIGHEST_PROTOCOL))
                proc.stdin.flush()
            except OSError:  # it died: draw here
                pass
            else:
                _close(proc)
                self.procs, self.tmp = [], None  # it lives on, drawing into tmp: cancel() must not touch either
                return
        mark_figures_pending(folder, os.getpid(), token)
        here = Path(folder) / f".figures-{token}-here"
        try:
            self.finish(here)
        except FiguresFailed as err:
            figures_failed(folder, str(err), token)
            raise
        place_figures(folder, here, token)

    def cancel(self) -> None:
        """Stop the processes (if still running) and remove what they drew."""
        procs, self.procs = self.procs, []
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
            _close(proc)
            proc.wait()
            if proc.stderr is not None:
                proc.stderr.close()
        self._remove_drawn()

    def _remove_drawn(self) -> None:
        """Remove the folder drawn into (and the temporary one around it), unless a detached child now owns it."""
        for path in (self.tmp, self.scratch):
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)


def _widen(pipe) -> None:
    """Make the pipe to a child hold the figures' data (100 KB; 64 KB by default on Linux), so sending it never
    waits for a child still starting up. Where that cannot be done, sending just takes a little longer."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _close(proc) -> None:
    """Close the child's stdin (EOF: no more messages) and forget it, so communicate() does not flush it."""
    if proc.stdin is not None:
        try:
            proc.stdin.close()
        except OSError:
            pass
        proc.stdin = None


def valid_png(path: Path) -> bool:
    """True if `path` is a whole PNG file (signature and final IEND chunk)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            f.seek(-12, os.SEEK_END)
            tail = f.read(12)
    except OSError:
        return False
    return head == PNG_SIGNATURE and tail[4:8] == b"IEND"


def main() -> None:
    """The child: lay out the figures, wait for the data, draw, then either exit (0, or 1 with a traceback on stderr
    if drawing failed) or, if the parent hands over its run folder, place the figures there (`detach`). Exits 0
    without drawing if the parent closed stdin early, which means it was cancelled."""
    messages = _messages(sys.stdin.buffer)
    problem = drawing = None
    spec = messages.get()
    if spec is None:
        return
    try:
        from .figures import Drawing

        drawing = Drawing(spec)  # imports matplotlib and builds the empty panels while the parent simulates
    except Exception as err:  # noqa: BLE001 - told to whoever takes the figures: the parent or the run folder
        problem = _report(err)
    received = messages.get()
    if received is None:
        return
    data, drawn = received
    if problem is None:
        try:
            drawing.finish(data, Path(drawn))
        except Exception as err:  # noqa: BLE001 - as above
            problem = _report(err)
    handed = messages.get()
    if handed is None:  # the parent collects the figures (finish)
        os._exit(1 if problem else 0)  # at once: nothing of this process is needed any more
    folder, token = handed
    _place(Path(folder), Path(drawn), list(spec["files"]), problem, token)


def _messages(stream):
    """The parent's pickled messages as they arrive, read by a thread into a queue (None after the last), so a
    parent sending its data (100 KB, more than a pipe holds) never waits for the drawing."""
    import queue

    arrived = queue.Queue()

    def read():
        try:
            while True:
                arrived.put(pickle.load(stream))
        except Exception:  # noqa: BLE001 - EOF (the parent is done, or gone) or a broken message: no more
            pass
        finally:
            arrived.put(None)

    threading.Thread(target=read, name="sim-figures-read", daemon=True).start()
    return arrived


def _report(err: Exception) -> str:
    """The traceback on stderr (for a parent that waits), and one line for the run folder."""
    import traceback

    traceback.print_exc()
    sys.stderr.flush()
    return f"{type(err).__name__}: {err}"


def _place(folder: Path, drawn: Path, files: list[str], problem: str | None, token: str) -> None:
    """Rename the figures drawn into `drawn` (inside the run folder) into place, or say there why they could not be
    drawn; either only while the folder carries this hand-over's `token`."""
    from .run_folder import figures_failed, place_figures

    bad = [f for f in files if not valid_png(drawn / f)]
    try:
        if problem is None and not bad:
            place_figures(folder, drawn, token)
        else:
            figures_failed(folder, f"drawing the figures failed: {problem or 'no valid ' + ', '.join(bad)}", token)
    except OSError:  # the run folder was moved or deleted meanwhile: nobody left to tell
        pass
    finally:
        shutil.rmtree(drawn, ignore_errors=True)
