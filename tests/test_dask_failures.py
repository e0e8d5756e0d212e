"""Distributed sweeps that fail cleanly, on a real Dask scheduler and real workers started as subprocesses and killed:
no worker for --worker-timeout seconds, or a lost scheduler, stops `sim sweep` with exit 1, the number of chunks saved
and the exact --resume command; a scheduler address that does not answer is refused within CONNECT_SECONDS, exit 2."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import SCENARIOS, SIM, sim

from simulator.sweeps.executors import CONNECT_SECONDS

DASK = Path(sys.executable).with_name("dask")
SWEEP = f"""
name: long
scenario: {SCENARIOS / 'baseline.yaml'}
design: grid
replications: 10
weeks: 20
chunk_worlds: 10
parameters:
  iran_power_share: {{values: [0.2, 0.23, 0.26, 0.29, 0.32, 0.35, 0.38, 0.41, 0.44]}}
outcomes: [us_left_iraq, peak_parallel_rate]
"""


def start(*args, cwd) -> subprocess.Popen:
    return subprocess.Popen([str(a) for a in args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def _address(file) -> str | None:
    """The scheduler's address from its scheduler file, or None while the file is missing or half written."""
    try:
        return json.loads(file.read_text())["address"]
    except (OSError, ValueError, KeyError):
        return None


@pytest.fixture
def cluster(tmp_path):
    """(address, start_worker): a scheduler subprocess; workers are started on request. Everything is killed after."""
    procs = []
    file = tmp_path / "scheduler.json"
    procs.append(start(DASK, "scheduler", "--scheduler-file", file, "--host", "127.0.0.1", "--port", 0,
                       "--no-dashboard", cwd=tmp_path))
    wait_for(lambda: _address(file), 20, "the scheduler")  # Dask writes the file in more than one step
    address = _address(file)

    def start_worker():
        procs.append(start(DASK, "worker", address, "--nthreads", 1, "--no-nanny", "--no-dashboard", cwd=tmp_path))
        return procs[-1]

    yield procs[0], address, start_worker
    for proc in procs:
        kill(proc)


def chunks(out: Path) -> int:
    return len(list((out / "chunks").glob("chunk-*.parquet")))


def sweep_subprocess(tmp_path, address, *args) -> tuple[subprocess.Popen, Path]:
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    out = tmp_path / "out"
    proc = subprocess.Popen([str(a) for a in (SIM, "sweep", "sweep.yaml", "--out", "out", "--scheduler", address,
                                              *args)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    return proc, out


def stopped(proc: subprocess.Popen, seconds: float) -> str:
    try:
        stdout, stderr = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        kill(proc)
        stdout, stderr = proc.communicate()
        raise AssertionError(f"`sim sweep` still running {seconds} s after the cluster failed; it had printed:\n"
                             f"{stdout}\n{stderr}") from None
    assert proc.returncode == 1, f"exit {proc.returncode}\n{stdout}\n{stderr}"
    assert "Traceback" not in stdout + stderr, stderr
    return stderr


def test_losing_every_worker_stops_with_the_resume_command_which_then_finishes(tmp_path, cluster, monkeypatch):
    _, address, start_worker = cluster
    worker = start_worker()
    proc, out = sweep_subprocess(tmp_path, address, "--worker-timeout", 2)
    wait_for(lambda: chunks(out) >= 2, 25, "two chunks")
    kill(worker)
    killed_at = time.monotonic()
    message = stopped(proc, 15)
    assert time.monotonic() - killed_at < 2 + 6, "the stop came later than --worker-timeout allows"
    saved = chunks(out)
    assert 2 <= saved < 9, f"{saved} chunks"
    assert "no Dask worker has been alive for 2 s" in message and f"{saved} finished chunks are saved" in message
    command = re.search(r"Finish with: (sim sweep .*)", message).group(1)
    assert command == f"sim sweep sweep.yaml --out out --resume --scheduler {address}"

    start_worker()
    monkeypatch.chdir(tmp_path)  # the printed command is relative to where the sweep ran
    resumed = sim(*shlex.split(command)[1:])
    assert resumed.exit_code == 0, resumed.output
    assert f"{saved} already finished" in resumed.output
    table = pd.read_parquet(out / "chunks")
    assert len(table) == 90 and table["world"].is_unique


def test_losing_the_scheduler_stops_the_sweep(tmp_path, cluster):
    scheduler, address, start_worker = cluster
    start_worker()
    proc, out = sweep_subprocess(tmp_path, address)
    wait_for(lambda: chunks(out) >= 1, 25, "a chunk")
    kill(scheduler)
    message = stopped(proc, CONNECT_SECONDS + 10)
    assert f"the connection to the Dask scheduler {address} was lost" in message
    assert "finished chunks are saved" in message and f"--resume --scheduler {address}" in message


def test_a_finished_result_lost_with_its_worker_is_run_again_not_waited_for(cluster):
    """The race behind a sweep that once never stopped: a chunk finishes, its worker dies before the result is fetched.
    Fetching it must give up (Dask then runs it again on the next worker), not wait for a worker that is gone."""
    from dask.distributed import Client, wait

    from simulator.sweeps.executors import _LOST, _fetch

    _, address, start_worker = cluster
    worker = start_worker()
    with Client(address, timeout=CONNECT_SECONDS) as client:
        future = client.submit(sum, [1, 2], pure=False)
        future.result(timeout=20)
        kill(worker)
        started = time.monotonic()
        assert _fetch(future) is _LOST and time.monotonic() - started < 5, "the lost result was waited for"
        start_worker()
        wait(future, timeout=20)
        assert _fetch(future) == 3, "the lost chunk was not run again on the new worker"


def test_a_scheduler_without_workers_is_given_up_after_the_worker_timeout(tmp_path, cluster):
    _, address, _ = cluster
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    started = time.monotonic()
    result = sim("sweep", tmp_path / "sweep.yaml", "--out", tmp_path / "out", "--scheduler", address,
                 "--worker-timeout", 1)
    assert result.exit_code == 1 and time.monotonic() - started < 10, result.output
    assert "no Dask worker has been alive for 1 s" in result.output and "0 finished chunks" in result.output


def test_a_scheduler_address_that_does_not_answer_is_refused_within_the_connect_timeout(tmp_path):
    """In a subprocess, so that anything Dask prints at exit would be seen too."""
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    started = time.monotonic()
    proc = subprocess.run([str(SIM), "sweep", "sweep.yaml", "--out", "out", "--scheduler", "tcp://127.0.0.1:1"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < CONNECT_SECONDS + 10
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    error = proc.stderr[proc.stderr.index("Error: "):]
    assert "option --scheduler tcp://127.0.0.1:1: no Dask scheduler answered there within 5 s" in error
    assert "\n\n" not in error.strip() and not (tmp_path / "out").exists()


def test_a_malformed_scheduler_address_is_refused_at_once(tmp_path):
    (tmp_path / "sweep.yaml").write_text(SWEEP)
    result = sim("sweep", tmp_path / "sweep.yaml", "--out", tmp_path / "out", "--scheduler", "no-port-here")
    assert result.exit_code == 2 and "option --scheduler no-port-here" in result.output, result.output
    assert "missing port number" in result.output and "Traceback" not in result.output
