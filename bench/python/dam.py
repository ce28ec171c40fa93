"""numpy side of the `dam` benchmark (see bench/dam.sh and bench/DAM.md).

The same simulation as DAM.simulate in Sources/Studies/DenseAssociativeMemory: p =
round(alpha N^(n-1)) random +-1 patterns, the initial state flips exactly
round((1 - m0) N / 2) spins of pattern 1, and each parallel T = 0 step sets
sigma_i = sgn h_i (sgn 0 = +1) with the exact Krotov-Hopfield field, neuron i excluded:
    a = Xi sigma,  h = Xi^T E(a) + sigma * sum O(a),
    E(a) = [F(a + 2) - F(a - 2)] / 2,  O(a) = -[F(a + 2) - 2 F(a) + F(a - 2)] / 2,
F(x) = x^n. Patterns are float64 so that both products go to BLAS (dgemv), the fastest
numpy route; trials run one after another.

    python dam.py [N] [trials]      defaults: N = 1024, trials = 12 (n = 3, alpha = 0.05,
                                    m0 = 0.7, 20 steps)
Prints `dam_simulate_N<N> seconds` and the mean overlap per step as a `#` note.
"""

import sys
import time

import numpy as np


def trial(rng, n_neurons, order, alpha, m0, steps):
    p = int(np.floor(alpha * n_neurons ** (order - 1) + 0.5))
    xi = rng.integers(0, 2, size=(p, n_neurons), dtype=np.int8).astype(np.float64)
    xi = 2.0 * xi - 1.0
    target = xi[0].copy()
    sigma = target.copy()
    flips = int(np.floor(0.5 * (1 - m0) * n_neurons + 0.5))
    sigma[rng.choice(n_neurons, size=flips, replace=False)] *= -1
    overlaps = [float(target @ sigma) / n_neurons]
    for _ in range(steps):
        a = xi @ sigma
        fp, f0, fm = (a + 2) ** order, a**order, (a - 2) ** order
        e = 0.5 * (fp - fm)
        o = -0.5 * (fp - 2 * f0 + fm)
        h = xi.T @ e + sigma * o.sum()
        sigma = np.where(h >= 0, 1.0, -1.0)
        overlaps.append(float(target @ sigma) / n_neurons)
    return overlaps


def main():
    n_neurons = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    trials = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    order, alpha, m0, steps = 3, 0.05, 0.7, 20
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    runs = np.array([trial(rng, n_neurons, order, alpha, m0, steps) for _ in range(trials)])
    elapsed = time.perf_counter() - start
    print(f"dam_simulate_N{n_neurons} {elapsed!r}")
    mean = runs.mean(axis=0)
    print("# numpy mean m(t): " + " ".join(f"{m:.4f}" for m in mean))


if __name__ == "__main__":
    main()
