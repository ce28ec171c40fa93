"""numpy side of the `numerics` benchmark group (see bench/README.md).

Prints one `name seconds` line per task, the median of several runs after one warm-up
run, with the same task names, data and repetition counts as the `numerics` group of
bench/Sources/replica-bench/main.swift. Lines starting with `#` are notes.
"""

import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info


def hash_matrix(n, symmetric):
    """The fractional part of 43758.5453 * sin(12.9898 i + 78.233 j), as in main.swift."""
    i = np.arange(n, dtype=np.float64)[:, None]
    j = np.arange(n, dtype=np.float64)[None, :]
    h = np.sin(12.9898 * i + 78.233 * j) * 43758.5453
    h = h - np.floor(h)
    return 0.5 * (h + h.T) if symmetric else h


def timed(name, repetitions, run, sink):
    sink.append(run())
    samples = []
    for _ in range(repetitions):
        start = time.perf_counter()
        sink.append(run())
        samples.append(time.perf_counter() - start)
    print(f"{name} {statistics.median(samples)!r}", flush=True)


def main():
    n = 1000
    a = hash_matrix(n, symmetric=False)
    # The Swift side transposes a copy; here the transpose is made contiguous likewise.
    b = np.ascontiguousarray(hash_matrix(n, symmetric=False).T)
    s = hash_matrix(n, symmetric=True)
    x = np.linspace(0.0, 1.0, 10_000_000)
    positive = np.linspace(0.5, 1000.0, 10_000_000)
    angles = np.linspace(-10.0, 10.0, 10_000_000)

    for pool in threadpool_info():
        print(
            f"# numpy {np.__version__}: {pool.get('internal_api')} {pool.get('version')}"
            f" kernel {pool.get('architecture')} threads {pool.get('num_threads')}"
        )

    sink = []
    timed("matmul_1000x1000", 7, lambda: (a @ b)[n - 1, n - 1], sink)

    def eigh():
        values, vectors = np.linalg.eigh(s)
        return values[n - 1] + vectors[0, 0]

    timed("eigh_1000x1000_values_vectors", 5, eigh, sink)
    timed("exp_then_sum_1e7", 7, lambda: np.exp(x).sum(), sink)
    timed("sum_exp_fused_1e7", 7, lambda: np.exp(x).sum(), sink)
    timed("sum_exp_times_x_fused_1e7", 7, lambda: (np.exp(x) * x).sum(), sink)
    timed("log_1e7", 7, lambda: np.log(positive).sum(), sink)
    timed("sin_1e7", 7, lambda: np.sin(angles).sum(), sink)
    i = np.arange(100_000, dtype=np.float64)[:, None]
    j = np.arange(100, dtype=np.float64)[None, :]
    h = np.sin(12.9898 * i + 78.233 * j) * 43758.5453
    tall = h - np.floor(h) - 0.5
    h7 = np.sin(12.9898 * np.arange(100_000, dtype=np.float64) + 78.233 * 7) * 43758.5453
    weights = 0.5 + (h7 - np.floor(h7))
    spd = hash_matrix(100, symmetric=True) + 100 * np.eye(100)
    timed("weighted_gram_1e5x100", 7, lambda: (tall.T @ (tall * weights[:, None]))[99, 0], sink)
    timed("row_quadratic_forms_1e5x100", 7,
          lambda: np.einsum("ij,ij->i", tall @ spd, tall).sum(), sink)
    rng = np.random.default_rng(1)  # PCG64 + numpy's Ziggurat, the default a researcher uses
    timed("normal_draws_1e7", 7, lambda: rng.standard_normal(10_000_000)[0] * 0, sink)
    print(f"# numpy checksum {float(sum(sink))!r}")


if __name__ == "__main__":
    main()
