"""Performance figures for the simulator, printed as tables next to the project's targets.

Why: the model is meant to be cheap enough to run large ensembles interactively, so we track
  (a) stepping throughput (world-weeks per second) on ONE core, for 1 to 100,000 worlds over 104 weeks,
      with the default settings (recording and event log on) and with record=False, log_events=False,
      plus model construction time on its own;
  (b) the wall time of `sim run scenarios/<name>.yaml` for every shipped scenario (or --scenarios), as a subprocess
      with interpreter start included: in a terminal (it returns with the tables; the figures follow, and when they
      are in place is printed too), in a script (it waits for its figures) and with --no-figures, side by side, and
      the CPU time (less sensitive to other processes);
  (c) the import time of `simulator` and `simulator.interfaces.cli` in a fresh interpreter, and which heavy modules
      (numpy, pandas, mesa, matplotlib) each import pulls in.
Targets: `sim run` under 3 s wall on the 2-core dev machine, `sim run withdrawal` in a terminal under 1.5 s;
>= 1,000,000 world-weeks/s on one core at 10,000 worlds. It prints figures, it asserts nothing.

With `--before REV` (REV defaults to `main`), part (a) becomes a before/after comparison instead: REV is checked out
in a temporary `git worktree`, and the same 10,000-world, 104-week throughput (default and lean settings) is measured
for REV and for this working tree, each in a one-core subprocess with PYTHONPATH pointing at its tree (same venv,
same packages), in alternating rounds (best of each), so machine noise hits both alike. The table gives the
after/before ratio against the change's target (after >= 70% of before). Part (b) with `--before` runs `sim run`
of --scenarios (default withdrawal) from both trees the same way, in ABBA order. The worktree is removed at the end.

Run from the repository root:
    .venv/bin/python benchmarks/bench_model.py              # full run, a few minutes
    .venv/bin/python benchmarks/bench_model.py --quick      # one repeat, no 100,000-world case
    .venv/bin/python benchmarks/bench_model.py --only model --repeats 5
    .venv/bin/python benchmarks/bench_model.py --only model --before main   # before/after, 3 rounds, ~2 min
    .venv/bin/python benchmarks/bench_model.py --only cli --before main --repeats 5   # sim run withdrawal, A/B
"""

import os

ORIGINAL_ENV = dict(os.environ)  # subprocesses (part b, c) get the user's ordinary environment
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # before numpy is imported, so the stepping figures are single-threaded

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WEEKS = 104
TARGET_WWPS = 1_000_000  # world-weeks per second on one core, at 10,000 worlds
TARGET_WWPS_WORLDS = 10_000
TARGET_RUN_SECONDS = 3.0  # `sim run` wall time
TARGET_WITHDRAWAL = 1.5  # `sim run withdrawal` (1,000 worlds, figures on) wall time, issue 10 item 6
HEAVY = ("numpy", "pandas", "mesa", "matplotlib", "pyarrow", "yaml", "rich")
SETTINGS = {"default": {}, "lean": {"record": False, "log_events": False}}
TARGET_RATIO = 0.70  # model 2: after >= 70% of before's throughput


def pin_to_one_core():
    """Pin this process to one core; returns the previous CPU set (None where unsupported)."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    return before


def unpin(cpus):
    if cpus is not None:
        os.sched_setaffinity(0, cpus)


def bench_model(worlds_list, repeats):
    sys.path.insert(0, str(ROOT))
    from simulator.model import LeverageModel

    LeverageModel(worlds=10, seed=0, weeks=4).run()  # warm up imports and caches
    print(f"\n(a) Model stepping, one core, {WEEKS} weeks, best of {repeats} "
          f"(default = record and event log on; lean = record=False, log_events=False)")
    print(f"{'worlds':>8} {'settings':>8} {'build s':>9} {'run s':>9} {'ms/week':>9} {'world-weeks/s':>14}  target")
    for worlds in worlds_list:
        for label, options in SETTINGS.items():
            builds, runs = [], []
            for r in range(repeats):
                gc.collect()
                started = time.perf_counter()
                model = LeverageModel(worlds=worlds, seed=1234 + r, weeks=WEEKS, **options)
                built = time.perf_counter()
                model.run()
                done = time.perf_counter()
                builds.append(built - started)
                runs.append(done - built)
                del model
            best = min(runs)
            rate = worlds * WEEKS / best
            target = ""
            if worlds == TARGET_WWPS_WORLDS:
                target = f">= {TARGET_WWPS:,}  {'ok' if rate >= TARGET_WWPS else 'MISSED'}"
            print(f"{worlds:>8,} {label:>8} {min(builds):>9.4f} {best:>9.3f} {best / WEEKS * 1e3:>9.3f} "
                  f"{rate:>14,.0f}  {target}")


THROUGHPUT_PROBE = """
import gc, inspect, json, sys, time
from simulator import LeverageModel  # works for the package (simulator/model/) and old module (simulator/model.py)
import simulator
takes_weeks = "weeks" in inspect.signature(LeverageModel).parameters  # else its default horizon, reported back
weeks = {{"weeks": {weeks}}} if takes_weeks else {{}}
LeverageModel(worlds=10, seed=0, **({{"weeks": 4}} if takes_weeks else {{}})).run()  # warm up imports and caches
figures = {{"simulator": simulator.__file__}}
for label, options in {settings!r}.items():
    gc.collect()
    started = time.perf_counter()
    model = LeverageModel(worlds={worlds}, seed={seed}, **weeks, **options)
    built, cpu = time.perf_counter(), time.process_time()
    model.run()
    done, cpu = time.perf_counter(), time.process_time() - cpu
    figures[label] = {{"build": built - started, "run": done - built, "cpu": cpu, "weeks": int(model.week)}}
    del model
print(json.dumps(figures))
"""


def _git(*args, check=True):
    return subprocess.run(["git", "-C", str(ROOT), *args], env=ORIGINAL_ENV, capture_output=True, text=True,
                          check=check).stdout.strip()


def _measure_tree(tree, worlds, seed):
    """One subprocess importing `simulator` from `tree`: {settings: {"build", "run", "cpu", "weeks"}}."""
    env = dict(ORIGINAL_ENV, PYTHONPATH=str(tree))
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    probe = THROUGHPUT_PROBE.format(weeks=WEEKS, settings=SETTINGS, worlds=worlds, seed=seed)
    result = subprocess.run([sys.executable, "-c", probe], cwd=tree, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"throughput probe in {tree} failed (exit {result.returncode}):\n"
                           f"{result.stderr.strip()[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    imported = Path(figures.pop("simulator")).resolve()
    if Path(tree).resolve() not in imported.parents:
        raise RuntimeError(f"the probe for {tree} imported simulator from {imported}, not from that tree")
    return figures


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def bench_before_after(rev, rounds, worlds=TARGET_WWPS_WORLDS):
    """Throughput of REV (temporary git worktree) vs this working tree, alternating one-core subprocess rounds."""
    worktree = _Worktree(rev)
    head = _git("rev-parse", "--short", "HEAD")
    dirty = " + uncommitted changes" if _git("status", "--porcelain", "--untracked-files=no") else ""
    print(f"\n(a) Model stepping before/after, one core, {worlds:,} worlds, {WEEKS} weeks, best of {rounds} "
          f"alternating rounds (default = record and event log on; lean = record=False, log_events=False)")
    print(f"    before: {rev} = {worktree.commit[:7]} (temporary git worktree)   after: {ROOT} at {head}{dirty}")
    runs = {side: {label: [] for label in SETTINGS} for side in ("before", "after")}
    cpus = {side: {label: [] for label in SETTINGS} for side in ("before", "after")}
    with worktree:
        trees = {"before": worktree.path, "after": ROOT}
        for r in range(rounds):
            order = ("before", "after") if r % 2 == 0 else ("after", "before")  # ABBA: drift hits both alike
            for side in order:
                figures = _measure_tree(trees[side], worlds, seed=1234 + r)
                for label in SETTINGS:
                    if figures[label]["weeks"] != WEEKS:
                        print(f"note: {side} ran {figures[label]['weeks']} weeks, not {WEEKS}")
                    runs[side][label].append(figures[label]["run"])
                    cpus[side][label].append(figures[label]["cpu"])
            print(f"    round {r + 1}/{rounds}: " + ", ".join(
                f"{side} {label} {runs[side][label][-1]:.2f} s" for side in ("before", "after") for label in SETTINGS),
                flush=True)

    print(f"\n{'settings':>8} {'before world-weeks/s':>21} {'after world-weeks/s':>20} {'after/before':>13}  "
          f"(best run s: before, after)")
    verdicts = []
    for label in SETTINGS:
        before, after = min(runs["before"][label]), min(runs["after"][label])
        rate_before, rate_after = worlds * WEEKS / before, worlds * WEEKS / after
        ratio = rate_after / rate_before
        verdicts.append(f"{label} {ratio:.0%} {'ok' if ratio >= TARGET_RATIO else 'MISSED'}")
        print(f"{label:>8} {rate_before:>21,.0f} {rate_after:>20,.0f} {ratio:>12.2f}x  ({before:.3f}, {after:.3f})")
    print(f"target after >= {TARGET_RATIO:.0%} of before: " + "; ".join(verdicts))
    by_cpu = [f"{label} {min(cpus['before'][label]) / min(cpus['after'][label]):.2f}x" for label in SETTINGS]
    print("after/before by CPU time of the run (less sensitive to other processes sharing the core): "
          + ", ".join(by_cpu))


def _sim_command():
    here = Path(sys.executable).parent / "sim"
    return [str(here)] if here.exists() else [shutil.which("sim") or "sim"]


# `sim` from a given source tree (PYTHONPATH and cwd = that tree), for before/after: the same interpreter and packages
SIM_FROM_TREE = "import sys; sys.argv[0] = 'sim'; from simulator.interfaces.cli import main; main()"


class _Worktree:
    """REV checked out in a temporary `git worktree` (removed on exit, also on Ctrl-C or SIGTERM)."""

    def __init__(self, rev):
        try:
            self.commit = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        except subprocess.CalledProcessError:
            sys.exit(f"--before {rev}: not a git revision of the repository at {ROOT}")
        self.rev = rev

    def __enter__(self):
        self.previous_term = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        self.path = Path(tempfile.mkdtemp(prefix="bench-before-"))
        _git("worktree", "add", "--detach", str(self.path), self.commit)
        return self

    def __exit__(self, *exc):
        _git("worktree", "remove", "--force", str(self.path), check=False)
        shutil.rmtree(self.path, ignore_errors=True)
        _git("worktree", "prune", check=False)
        signal.signal(signal.SIGTERM, self.previous_term)


def _timed_run(command, cwd, env, terminal=False):
    """(wall s, CPU s of the process and everything it waited for, exit status, its stderr or terminal output). With
    `terminal`, stdout and stderr are a pseudo-terminal, as when a student types the command."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    if terminal:
        import pty

        leader, follower = pty.openpty()
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=follower, stderr=follower)
        os.close(follower)
        output = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: sim exited
                break
            if not chunk:
                break
            output.append(chunk)
        os.close(leader)
        status, text = proc.wait(), b"".join(output).decode(errors="replace")
    else:
        result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        status, text = result.returncode, result.stderr
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), status, text


def _figures_ready(folder: Path, started: float, timeout: float = 120.0) -> float:
    """Seconds from `started` until the run folder has its figures/ (drawn after `sim run` returned in a terminal)."""
    while not (folder / "figures").is_dir() and time.perf_counter() - started < timeout:
        if (folder / "figures.failed").exists():
            return float("nan")
        time.sleep(0.02)
    return time.perf_counter() - started


# How `sim run` is timed: in a terminal (figures follow after it returns), as a script would run it (it waits for its
# figures), and with --no-figures
MODES = ("terminal", "script", "no-figures")


def bench_cli(repeats, names=None, before=None):
    """`sim run` of each scenario as a subprocess, in a terminal, in a script and with --no-figures, in rotating
    order (so load from other processes hits each alike), side by side, with when the figures are in place; with
    `before` (a _Worktree), the same for that revision in ABBA order."""
    scenarios = sorted((ROOT / "scenarios").glob("*.yaml"))
    if names:
        scenarios = [p for p in scenarios if p.stem in names]
    sides = {"after": ROOT} if before is None else {"before": before.path, "after": ROOT}
    print(f"\n(b) `sim run scenarios/<name>.yaml --out <fresh temp folder>` wall time, subprocess, interpreter start "
          f"included, all cores, median (min) of {repeats} repeats: in a terminal (a pseudo-terminal: `sim run` "
          f"returns with the tables and the figures follow; 'figures in' = when figures/ is in place), in a script "
          f"(output piped: it waits for its figures) and with --no-figures, in rotating order, each after the "
          f"previous run's figures are in; CPU s = user + system of the script run and its children / of the "
          f"--no-figures run; target < {TARGET_RUN_SECONDS:g} s (withdrawal in a terminal < {TARGET_WITHDRAWAL:g} s)")
    if before is not None:
        print(f"    before: {before.rev} = {before.commit[:7]} (temporary git worktree)   after: {ROOT} at "
              f"{_git('rev-parse', '--short', 'HEAD')}; each run `python -c <sim main>` with PYTHONPATH=<tree>")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"    load average at start: {' '.join(f'{x:.2f}' for x in load) if load else 'n/a'} "
          f"({os.cpu_count()} CPUs)")
    print(f"{'scenario':<16} {'side':<6} {'terminal s':>12} {'figures in':>11} {'script s':>12} {'--no-figures':>12} "
          f"{'CPU s':>11}  target")
    with tempfile.TemporaryDirectory(prefix="bench-sim-run-") as tmp:
        for path in scenarios:
            walls = {(side, mode): [] for side in sides for mode in MODES}
            ready, cpus = {side: [] for side in sides}, {key: [] for key in walls}
            failed = False
            for r in range(repeats):
                for side in (list(sides) if r % 2 == 0 else list(reversed(sides))):
                    for mode in MODES[r % 3:] + MODES[:r % 3]:
                        out = Path(tmp) / f"{path.stem}-{side}-{mode}-{r}"
                        args = ["run", str(path.relative_to(ROOT)), "--out", str(out)] + \
                            (["--no-figures"] if mode == "no-figures" else [])
                        if before is None:
                            command, env = _sim_command() + args, ORIGINAL_ENV
                        else:
                            command = [sys.executable, "-c", SIM_FROM_TREE] + args
                            env = dict(ORIGINAL_ENV, PYTHONPATH=str(sides[side]))
                        started = time.perf_counter()
                        wall, cpu, status, text = _timed_run(command, sides[side], env, terminal=mode == "terminal")
                        if mode == "terminal" and status == 0:
                            ready[side].append(_figures_ready(out, started))
                        shutil.rmtree(out, ignore_errors=True)
                        if status != 0:
                            print(f"{path.stem} ({side}, {mode}): exit {status}: {text.strip()[-300:]}")
                            failed = True
                            break
                        walls[side, mode].append(wall)
                        cpus[side, mode].append(cpu)
                    if failed:
                        break
                if failed:
                    break
            if failed:
                continue
            target = TARGET_WITHDRAWAL if path.stem == "withdrawal" else TARGET_RUN_SECONDS
            cell = lambda xs: f"{statistics.median(xs):>5.2f} ({min(xs):.2f})"
            for side in sides:
                term = statistics.median(walls[side, "terminal"])
                cpu = f"{statistics.median(cpus[side, 'script']):.2f}/{statistics.median(cpus[side, 'no-figures']):.2f}"
                print(f"{path.stem:<16} {side:<6} {cell(walls[side, 'terminal']):>12} "
                      f"{statistics.median(ready[side]):>11.2f} {cell(walls[side, 'script']):>12} "
                      f"{cell(walls[side, 'no-figures']):>12} "
                      f"{cpu:>11}"
                      f"  {'ok' if term < target else 'MISSED'} (terminal median < {target:g} s)")
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"    load average at end: {' '.join(f'{x:.2f}' for x in load) if load else 'n/a'}")


IMPORT_PROBE = """
import sys, time
started = time.perf_counter()
import {module}
elapsed = time.perf_counter() - started
print(elapsed, ",".join(m for m in {heavy!r} if m in sys.modules))
"""


def bench_imports(repeats):
    print(f"\n(c) Import time in a fresh interpreter (best of {repeats}), and heavy modules it loads")
    print(f"{'statement':<26} {'import ms':>10} {'with interpreter ms':>20}  heavy modules loaded")
    for module in ("simulator", "simulator.interfaces.cli"):
        probe = IMPORT_PROBE.format(module=module, heavy=HEAVY)
        inner, wall, heavy = [], [], ""
        for _ in range(repeats):
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=ORIGINAL_ENV,
                                    capture_output=True, text=True, check=True)
            wall.append(time.perf_counter() - started)
            seconds, _, heavy = result.stdout.strip().partition(" ")
            inner.append(float(seconds))
        print(f"{'import ' + module:<26} {min(inner) * 1e3:>10.1f} {min(wall) * 1e3:>20.1f}  {heavy or '-'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="repeats per figure (best/min and median reported)")
    parser.add_argument("--quick", action="store_true", help="one repeat and no 100,000-world case")
    parser.add_argument("--worlds", type=int, nargs="+", help="world counts for (a) (default 1 100 10000 100000)")
    parser.add_argument("--only", choices=("model", "cli", "imports"), help="run only one part")
    parser.add_argument("--before", nargs="?", const="main", metavar="REV",
                        help="parts (a) and (b) compare this git revision (default main), checked out in a "
                             "temporary worktree, with the working tree: (a) at 10,000 worlds, in --repeats "
                             "alternating rounds (2 with --quick; --worlds WORLDS changes the 10,000); (b) `sim run` "
                             "of --scenarios (default withdrawal), figures on and off")
    parser.add_argument("--scenarios", nargs="+", metavar="NAME", help="part (b) for these scenarios only")
    args = parser.parse_args()
    repeats = 1 if args.quick else max(1, args.repeats)
    worlds = args.worlds or ([1, 100, 10_000] if args.quick else [1, 100, 10_000, 100_000])

    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs; repository {ROOT}")
    if args.only in (None, "model"):
        cpus = pin_to_one_core()
        print("pinned to one core" if cpus is not None else "note: could not pin to one core on this platform")
        try:
            if args.before:
                bench_before_after(args.before, rounds=2 if args.quick else max(2, args.repeats),
                                   worlds=args.worlds[0] if args.worlds else TARGET_WWPS_WORLDS)
            else:
                bench_model(worlds, repeats)
        finally:
            unpin(cpus)
    if args.only in (None, "cli"):
        if args.before:
            with _Worktree(args.before) as worktree:
                bench_cli(repeats, args.scenarios or ["withdrawal"], before=worktree)
        else:
            bench_cli(repeats, args.scenarios)
    if args.only in (None, "imports"):
        bench_imports(max(repeats, 3))


if __name__ == "__main__":
    main()
