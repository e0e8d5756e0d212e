"""Where chunks run: in this process, in a pool of local processes, or on a Dask cluster. Same results everywhere.

Each executor takes tasks and calls done(task, result, error, trace) as chunks finish, keeping only a few chunks in
flight so memory stays bounded however large the sweep.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections import deque

from ..errors import UserError
from .worker import run_chunk

CONNECT_SECONDS = 5  # a --scheduler that does not answer within this is refused (exit 2)
WORKER_LOSS_SECONDS = 60  # default of `sim sweep --worker-timeout`: stop when no Dask worker has been alive this long
POLL_SECONDS = 0.5  # how often the cluster is checked while waiting for chunks


class ClusterLost(Exception):
    """The Dask cluster stopped being able to run chunks mid-sweep: no worker for too long, or the scheduler lost.
    The chunks finished so far are saved; the message says what happened (the caller adds what was saved)."""


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


def run_dask(tasks, done, client=None, local_workers: int = 2, worker_timeout: float = WORKER_LOSS_SECONDS) -> None:
    """On the Dask cluster of `client` (from connect(); the caller closes it), or on a local cluster of
    `local_workers` processes started for the run. Raises ClusterLost when no worker has been alive for
    `worker_timeout` seconds or the scheduler is lost, instead of waiting for ever."""
    from dask.distributed import LocalCluster

    with _quiet_dask_logs():
        if client is not None:
            _run_on(client, tasks, done, worker_timeout, client.scheduler.address)
            return
        with LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, _client(cluster) as local:
            _run_on(local, tasks, done, worker_timeout, "of the local cluster")


@contextlib.contextmanager
def connect(address: str):
    """A client of the scheduler at `address` for the length of the `with` (Dask's own log lines silenced), or a
    UserError within CONNECT_SECONDS, before any work is done."""
    with _quiet_dask_logs():
        try:
            client = _client(address)
        except (OSError, ValueError, TypeError) as err:
            reason = str(err).split("\n")[0][:200]
            raise UserError(f"command line, option --scheduler {address}: no Dask scheduler answered there within "
                            f"{CONNECT_SECONDS} s ({reason}). Expected the address of a running scheduler, such as "
                            f"tcp://host:8786 (start one with `dask scheduler`), or --local-cluster N to start one "
                            f"for this run; nothing was run.") from None
        try:
            yield client
        finally:
            client.close(timeout=CONNECT_SECONDS)


def _client(target):
    from dask.distributed import Client

    return Client(target, timeout=CONNECT_SECONDS)


@contextlib.contextmanager
def _quiet_dask_logs():
    """Silence Dask's own log lines (tracebacks of a lost connection among them) while it runs chunks: when the
    cluster fails, our message says what happened and what to do. Its loggers set their own levels, so each one;
    and asyncio's, which reports the tasks Dask leaves behind when a fetch from a dead worker is given up."""
    import logging

    import distributed  # noqa: F401 (creates its loggers)

    loggers = [logging.getLogger(name) for name in ["distributed", "asyncio", *logging.root.manager.loggerDict]
               if name in ("distributed", "asyncio") or name.startswith("distributed.")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def _run_on(client, tasks, done, worker_timeout: float, where: str) -> None:
    from dask.distributed import wait

    pending = deque(tasks)
    running = {}
    alive_at = time.monotonic()
    while pending or running:
        if client.status != "running" or any(f.status == "cancelled" for f in running):
            raise ClusterLost(f"the connection to the Dask scheduler {where} was lost")
        workers = _workers(client)
        if workers:
            alive_at = time.monotonic()
        elif time.monotonic() - alive_at > worker_timeout:
            raise ClusterLost(f"no Dask worker has been alive for {worker_timeout:g} s on the scheduler {where}")
        while pending and len(running) < 2 * max(workers, 1):
            task = pending.popleft()
            running[client.submit(run_chunk, task, pure=False)] = task
        try:
            finished, _ = wait(list(running), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
        except TimeoutError:
            continue
        except Exception:  # the client closed under us: the scheduler is gone
            raise ClusterLost(f"the connection to the Dask scheduler {where} was lost") from None
        for future in finished:
            if future.status == "cancelled":
                raise ClusterLost(f"the connection to the Dask scheduler {where} was lost")
            if future.status == "error":
                _report(running.pop(future), future.result, done)
                continue
            try:
                value = _fetch(future)
            except Exception as err:  # noqa: BLE001 - a result this process cannot take in (it does not unpickle)
                _failed(running.pop(future), err, done)
                continue
            if value is not _LOST:
                done(running.pop(future), value, None, None)


_LOST = object()


def _fetch(future):
    """A finished chunk's result, or _LOST when the worker holding it, or the scheduler, went away before it arrived:
    the loop above then checks the cluster again (and Dask runs the chunk again on a worker), where waiting for the
    result would wait for ever. Each attempt waits twice as long as the one before (an attempt that runs out starts
    the transfer again), so a large result on a slow network still arrives."""
    import asyncio
    from concurrent.futures import CancelledError

    seconds = POLL_SECONDS
    while future.status == "finished":
        try:
            return future.result(timeout=seconds)
        except TimeoutError:
            seconds *= 2
        except (OSError, CancelledError, asyncio.CancelledError):  # Dask's CommClosedError, or its
            return _LOST  # FutureCancelledError: the connection closed, or the scheduler was lost while it waited
    return _LOST


def _workers(client) -> int:
    """Workers alive now, as the scheduler reports them."""
    try:
        info = client.scheduler_info(n_workers=-1)  # some Dask versions list only a few workers unless asked
    except TypeError:  # older Dask: no such argument, and every worker listed
        info = client.scheduler_info()
    return len(info.get("workers", {}))


def _report(task, result, done):
    try:
        value = result()
    except Exception as err:
        _failed(task, err, done)
    else:
        done(task, value, None, None)


def _failed(task, err: Exception, done):
    done(task, None, f"{type(err).__name__}: {err}", "".join(traceback.format_exception(err)))
