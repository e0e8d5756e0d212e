"""Sweep throughput and memory, printed next to the project's targets.

Measures, on this machine:
  (1) `sim sweep` of 1,000,000 two-year (104-week) worlds as a subprocess with default workers (all cores):
      wall time (target < 120 s), worlds/s, and peak memory (target < 2 GB) as the peak summed RSS (and PSS) of the
      whole process tree, sampled from /proc every 0.2 s, plus the largest single process (wait4 ru_maxrss);
  (2) worlds/s of mesa.batch_run(LeverageModel, ...) with 2 processes, one world per run, against (1) (target >= 100x);
  (3) the same sweep with --workers 1 and --workers 2 (target: 2 workers >= 1.8x one).
It prints figures, it asserts nothing. Sweep folders go to a temporary directory that is deleted afterwards.

Run from the repository root:
    .venv/bin/python benchmarks/bench_sweep.py                      # full run, a few minutes
    .venv/bin/python benchmarks/bench_sweep.py --worlds 100000 --scaling-worlds 40000 --batch-runs 40   # quick check
    .venv/bin/python benchmarks/bench_sweep.py --only batch
"""

import argparse
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEEKS = 104
TARGET_SECONDS = 120.0  # 1,000,000 worlds
TARGET_MEMORY_GB = 2.0
TARGET_BATCH_RATIO = 100.0
TARGET_SCALING = 1.8
PAGE = os.sysconf("SC_PAGE_SIZE")
GB = 1024**3

SWEEP_YAML = """\
name: bench_sweep
description: benchmarks/bench_sweep.py, {worlds:,} worlds
scenario: {scenario}
design: lhs
samples: {samples}
replications: {replications}
seed: 20240115
weeks: {weeks}
parameters:
  us_dollar_access: {{range: [0.3, 1.0]}}
  iran_power_share: {{range: [0.2, 0.45]}}
  iraq_dollar_fear: {{range: [0.5, 6.0]}}
  militia_dollar_stake: {{range: [0.0, 3.0]}}
outcomes:
  - us_left_iraq
  - peak_parallel_rate
  - mean_attacks_per_week
  - salaries_cut
"""


def write_sweep(folder: Path, worlds: int) -> Path:
    replications = math.gcd(worlds, 1000)  # points x replications = worlds exactly
    path = folder / f"sweep-{worlds}.yaml"
    path.write_text(SWEEP_YAML.format(worlds=worlds, scenario=ROOT / "scenarios" / "baseline.yaml",
                                      samples=worlds // replications, replications=replications, weeks=WEEKS))
    return path


def _tree_memory(root: int, pss: bool) -> tuple[int, int]:
    """(summed RSS bytes, summed PSS bytes or 0) of `root` and all its descendants, read from /proc."""
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    parents[int(entry.name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    rss = proportional = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as f:
                rss += int(f.read().split()[1]) * PAGE
            if pss:
                with open(f"/proc/{pid}/smaps_rollup") as f:
                    proportional += next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return rss, proportional


def _cpu_seconds() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in f.readline().split()[1:9])
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


def run_sweep(sweep: Path, out: Path, workers: int | None = None) -> dict:
    """Run `sim sweep` as a subprocess; wall time, the sweep's own timing and peak memory of the process tree."""
    command = [str(Path(sys.executable).parent / "sim"), "sweep", str(sweep), "--out", str(out)]
    if workers:
        command += ["--workers", str(workers)]
    log = out.with_suffix(".log")
    peak = {"rss": 0, "pss": 0}
    with open(log, "w") as sink:
        busy, steal = _cpu_seconds()
        own = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT)
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                rss, pss = _tree_memory(proc.pid, pss=True)
                peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
                stop.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # usage.ru_maxrss: largest single process of the tree, KiB
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        sampler.join()
        busy_after, steal_after = _cpu_seconds()
        mine = resource.getrusage(resource.RUSAGE_SELF)
        ours = usage.ru_utime + usage.ru_stime + mine.ru_utime + mine.ru_stime - own.ru_utime - own.ru_stime
    text = log.read_text()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {proc.returncode}):\n{text[-2000:]}")
    found = re.search(r"([\d,]+) worlds in ([\d.]+) s", text)
    worlds, inner = int(found.group(1).replace(",", "")), float(found.group(2))
    shutil.rmtree(out, ignore_errors=True)
    return {"command": " ".join(command), "worlds": worlds, "wall": wall, "inner": inner,
            "rate": worlds / wall, "inner_rate": worlds / inner, "tree_rss": peak["rss"], "tree_pss": peak["pss"],
            "max_single": usage.ru_maxrss * 1024,
            "cpu": ours, "other_cpu": max(0.0, busy_after - busy - ours), "steal": steal_after - steal}


def load_note(r: dict) -> str:
    """CPU used by processes outside the benchmark during a run: other work on the machine skews the figures."""
    return (f"sweep used {r['cpu']:.1f} CPU-s; other processes {r['other_cpu']:.1f} CPU-s, "
            f"VM steal {r['steal']:.1f} s in {r['wall']:.1f} s")


def ok(good: bool) -> str:
    return "ok" if good else "MISSED"


def bench_full(tmp: Path, worlds: int) -> dict:
    sweep = write_sweep(tmp, worlds)
    print(f"\n(1) `sim sweep` of {worlds:,} worlds x {WEEKS} weeks, default workers (all {os.cpu_count()} cores), "
          f"subprocess, interpreter start included")
    r = run_sweep(sweep, tmp / "full")
    scaled = r["wall"] * 1_000_000 / worlds
    print(f"    command: sim sweep {sweep.name} --out <tmp>  (LHS, 4 parameters, 4 outcomes, baseline scenario)")
    print(f"    wall time              {r['wall']:>10.1f} s        target < {TARGET_SECONDS:g} s for 1,000,000 worlds: "
          f"{ok(scaled < TARGET_SECONDS)}" + ("" if worlds == 1_000_000 else f" (scaled: {scaled:.1f} s)"))
    print(f"    sweep's own timing     {r['inner']:>10.1f} s        (runner only, without start-up and design)")
    print(f"    throughput             {r['rate']:>10,.0f} worlds/s ({r['inner_rate']:,.0f} by the sweep's own timing)")
    print(f"    peak RSS, process tree {r['tree_rss'] / GB:>10.2f} GB       target < {TARGET_MEMORY_GB:g} GB: "
          f"{ok(r['tree_rss'] < TARGET_MEMORY_GB * GB)}")
    print(f"    peak PSS, process tree {r['tree_pss'] / GB:>10.2f} GB       (shared pages counted once)")
    print(f"    largest one process    {r['max_single'] / GB:>10.2f} GB       (wait4 ru_maxrss)")
    print(f"    machine load           {load_note(r)}")
    return r


def bench_batch(runs: int, sweep_rate: float | None) -> float:
    sys.path.insert(0, str(ROOT))
    import mesa

    from simulator.model import LeverageModel

    seeds = max(1, runs // 4)
    grid = {"us_dollar_access": [0.4, 0.6, 0.8, 1.0], "seed": list(range(seeds))}
    count = 4 * seeds
    print(f"\n(2) mesa.batch_run(LeverageModel, {count} runs = 4 us_dollar_access x {seeds} seeds, iterations=1, "
          f"max_steps={WEEKS}, number_processes=2), one world per run")
    started = time.perf_counter()
    results = mesa.batch_run(LeverageModel, parameters=grid, iterations=1, max_steps=WEEKS, number_processes=2,
                             display_progress=False)
    seconds = time.perf_counter() - started
    rate = count / seconds
    print(f"    {len(results)} result rows in {seconds:.1f} s: {rate:,.1f} worlds/s")
    if sweep_rate:
        ratio = sweep_rate / rate
        print(f"    sim sweep {sweep_rate:,.0f} worlds/s / batch_run {rate:,.1f} worlds/s = {ratio:,.0f}x   "
              f"target >= {TARGET_BATCH_RATIO:g}x: {ok(ratio >= TARGET_BATCH_RATIO)}")
    return rate


def bench_scaling(tmp: Path, worlds: int) -> None:
    sweep = write_sweep(tmp, worlds)
    print(f"\n(3) `sim sweep` of {worlds:,} worlds with --workers 1 and --workers 2 (subprocess wall time)")
    rates, inner = {}, {}
    for workers in (1, 2):
        r = run_sweep(sweep, tmp / f"workers-{workers}", workers)
        rates[workers], inner[workers] = r["rate"], r["inner_rate"]
        print(f"    --workers {workers}: {r['wall']:>6.1f} s  {r['rate']:>9,.0f} worlds/s  "
              f"({r['inner_rate']:,.0f} by the sweep's own timing), peak tree RSS {r['tree_rss'] / GB:.2f} GB")
        print(f"                 {load_note(r)}")
    ratio = rates[2] / rates[1]
    print(f"    2 workers / 1 worker = {ratio:.2f}x   target >= {TARGET_SCALING:g}x: {ok(ratio >= TARGET_SCALING)}"
          f"   ({inner[2] / inner[1]:.2f}x by the sweep's own timing)")


def versions() -> str:
    from importlib import metadata

    out = [f"Python {platform.python_version()}"]
    for dist in ("leverage-sim", "mesa", "numpy", "pandas", "pyarrow"):
        try:
            out.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=1_000_000, help="worlds in the sweep of (1) (default 1,000,000)")
    parser.add_argument("--scaling-worlds", type=int, default=1_000_000,
                        help="worlds in the sweeps of (3); short sweeps understate scaling (fixed start-up costs)")
    parser.add_argument("--batch-runs", type=int, default=160, help="mesa.batch_run runs (worlds) in (2)")
    parser.add_argument("--only", choices=("sweep", "batch", "scaling"), help="run only one part")
    args = parser.parse_args()

    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                 platform.processor() or "?")
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"{os.cpu_count()} CPUs ({affinity} usable), {model}; {os.sysconf('SC_PHYS_PAGES') * PAGE / GB:.0f} GB RAM")
    print(versions())
    print(f"repository {ROOT}; {time.strftime('%Y-%m-%d %H:%M')}")
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        full = bench_full(Path(tmp), args.worlds) if args.only in (None, "sweep") else None
        if args.only in (None, "batch"):
            bench_batch(args.batch_runs, full["rate"] if full else None)
        if args.only in (None, "scaling"):
            bench_scaling(Path(tmp), args.scaling_worlds)


if __name__ == "__main__":
    main()
