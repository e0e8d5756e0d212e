"""Where chunks run: in this process, in a pool of local processes, or on a Dask cluster. Same results everywhere.

Each executor takes tasks and calls done(task, result, error, trace) as chunks finish, keeping only a few chunks in
flight so memory stays bounded however large the sweep.
"""

from __future__ import annotations

import traceback
from collections import deque

from .worker import run_chunk


def run_in_process(tasks, done) -> None:
    for task in tasks:
        _call(task, done)


def _call(task, done):
    try:
        result = run_chunk(task)
    except Exception as err:  # a failing chunk is recorded and the sweep carries on
        done(task, None, f"{type(err).__name__}: {err}", traceback.format_exc())
    else:
        done(task, result, None, None)


def run_local_pool(tasks, done, workers: int) -> None:
    """A pool of fresh Python processes (spawned: Mesa sets that start method anyway)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pending = deque(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        running = {}
        try:
            while pending or running:
                while pending and len(running) < 2 * workers:
                    task = pending.popleft()
                    running[pool.submit(run_chunk, task)] = task
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    _report(running.pop(future), future.result, done)
        except BaseException:
            for future in running:
                future.cancel()
            raise


def run_dask(tasks, done, address: str | None = None, local_workers: int = 2) -> None:
    """On the Dask scheduler at `address`, or on a local cluster of `local_workers` processes started for the run."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None if address else LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                                                dashboard_address=None)
    client = Client(address or cluster)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        pending = deque(tasks)
        by_future = {}
        stream = as_completed()

        def submit():
            task = pending.popleft()
            future = client.submit(run_chunk, task, pure=False)
            by_future[future] = task
            stream.add(future)

        for _ in range(min(len(pending), 2 * workers)):
            submit()
        for future in stream:
            _report(by_future.pop(future), future.result, done)
            if pending:
                submit()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _report(task, result, done):
    try:
        value = result()
    except Exception as err:
        done(task, None, f"{type(err).__name__}: {err}", "".join(traceback.format_exception(err)))
    else:
        done(task, value, None, None)
