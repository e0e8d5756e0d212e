"""Counter-based random streams: world i's draw depends only on (seed, world id, week, stream name).

No generator state is carried from draw to draw, so results for a world never depend on how many worlds run
together, how they are chunked, or which other draws a scenario makes. Two scenarios with the same seed share
their random numbers (common random numbers) until their decisions diverge.
"""

from __future__ import annotations

import zlib
from functools import lru_cache

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_TO_UNIT = 1.0 / 2.0**53
SQRT12 = np.sqrt(12.0)  # sqrt(12) (u - 1/2): a uniform innovation of mean 0 and variance 1 (no normal needed)


_MASK = (1 << 64) - 1


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser, in place: a bijective avalanche on uint64 (wraps silently on arrays)."""
    x ^= x >> _S30
    x *= _M1
    x ^= x >> _S27
    x *= _M2
    x ^= x >> _S31
    return x


def _mix_int(x: int) -> int:
    """The same finaliser on a Python integer (for per-draw keys, cheaper than one-element arrays)."""
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _scalar_key(*parts: int) -> np.uint64:
    x = 0
    for part in parts:
        x = _mix_int(x ^ (part & _MASK))
    return np.uint64(x)


@lru_cache(maxsize=4096)
def _stream_id(name: str) -> int:
    return zlib.crc32(name.encode())


class RandomStreams:
    """Uniform, normal and Poisson draws for a set of worlds, keyed by (seed, world id, week, stream name)."""

    def __init__(self, seed: int, world_ids: np.ndarray):
        self.seed = int(seed)
        ids = np.asarray(world_ids, dtype=np.uint64)
        self._world_keys = _mix(_mix(ids * _GOLDEN + np.uint64(1)) ^ _scalar_key(self.seed, 0x5EED))
        self.shape = self._world_keys.shape
        self._week, self._drawn = None, {}  # this week's draws of last week's streams, made at once
        self._used: dict[str, None] = {}  # the streams drawn this week, in order of first use

    def uniform(self, stream: str, week: int, at: np.ndarray | None = None) -> np.ndarray:
        """One uniform in [0, 1) per world (or per world index in `at`: the same numbers, for those worlds only).

        At its first draw of a week, the streams drawn the week before are all drawn at once as one block: a model
        draws much the same few dozen streams every week, and one pass over a (streams, worlds) array costs about what
        a single stream's pass does on a thousand worlds (14 array operations of a few microseconds each)."""
        if week != self._week:
            last = list(self._used)
            self._week, self._used, self._drawn = week, {}, dict(zip(last, self._draw(last, week)))
        self._used[stream] = None
        row = self._drawn.get(stream)
        if row is None:
            row = self._drawn[stream] = self._draw([stream], week)[0]
        return row.copy() if at is None else row[at]

    def _draw(self, streams: list[str], week: int) -> np.ndarray:
        """(streams, worlds) uniforms: each row the same numbers whatever the other rows."""
        keys = np.array([_scalar_key(_stream_id(s), week) for s in streams], dtype=np.uint64)[:, None]
        bits = _mix(self._world_keys ^ keys)
        bits += keys
        bits = _mix(bits)
        bits >>= _S11
        return np.multiply(bits, _TO_UNIT, dtype=np.float64)  # exact: 53-bit integers times 2^-53

    def normal(self, stream: str, week: int) -> np.ndarray:
        """One standard normal per world (Box-Muller on two independent uniforms)."""
        u1 = self.uniform(stream + "#1", week)
        u2 = self.uniform(stream + "#2", week)
        return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)

    def poisson(self, stream: str, week: int, mean: np.ndarray) -> np.ndarray:
        """One Poisson count per world by inversion of the CDF (exact for small means, normal beyond 40).

        While many worlds are still counting, the CDF grows on whole arrays (no indexing); once few are left, only
        those are carried from step to step. Both give the same counts."""
        mean = np.broadcast_to(np.asarray(mean, dtype=float), self.shape)
        u = self.uniform(stream, week)
        small = mean <= 40.0
        lam = mean if small.all() else np.where(small, mean, 0.0)
        term = np.exp(-lam) if lam.any() else np.ones(self.shape)  # nothing to draw in a quiet week
        cdf = term.copy()
        count = np.zeros(self.shape)
        going = small & (u > cdf)
        k = 0
        while k < 200:  # 200: floating-point tail, unreachable for means <= 40
            left = np.count_nonzero(going)
            if not left:
                break
            if left < going.size // 8:
                k = _count_few(np.flatnonzero(going), count, u, lam, term, cdf, k)
                break
            k += 1
            count += going
            term = term * lam / k
            cdf = cdf + term
            going &= u > cdf
        if not small.all():
            z = np.sqrt(2.0) * _erfinv(2.0 * u - 1.0)
            count = np.where(small, count, np.maximum(0.0, np.round(mean + np.sqrt(mean) * z)))
        return count


def _count_few(idx, count, u, lam, term, cdf, k) -> int:
    """Go on counting for the few worlds `idx` still short of their draw (in place in `count`); returns the last k.
    A world's count is the k at which its CDF reaches its uniform."""
    u, lam, term, cdf = u[idx], lam[idx], term[idx], cdf[idx]
    while idx.size and k < 200:
        k += 1
        term = term * lam / k
        cdf = cdf + term
        going = u > cdf
        if not going.all():
            count[idx[~going]] = k
            idx, u, lam, term, cdf = idx[going], u[going], lam[going], term[going], cdf[going]
    count[idx] = k  # the 200-step cap (unreachable for means <= 40): the worlds still going stand at k
    return k


def _erfinv(y: np.ndarray) -> np.ndarray:
    """Inverse error function (Giles' approximation, relative error < 1e-6 in the body)."""
    y = np.clip(y, -1 + 1e-15, 1 - 1e-15)
    w = -np.log((1.0 - y) * (1.0 + y))
    small = w < 5.0
    ws = w - 2.5
    p = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
              -0.00417768164, 0.246640727, 1.50140941):
        p = c + p * ws
    wl = np.sqrt(np.maximum(w, 5.0)) - 3.0
    q = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
              0.00943887047, 1.00167406, 2.83297682):
        q = c + q * wl
    return np.where(small, p, q) * y
