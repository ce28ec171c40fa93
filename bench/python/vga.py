"""numpy side of the variational-replica benchmark (bench/vga.sh, bench/VGA.md).

A 20-point VGA learning curve of ridge regression (matrix version) on a pool of
M0 = 1e5 examples in d = 100 with a 1000-point test set, sizes log-spaced from 200 to 1e5,
lambda = 0.1, tolerance 1e-10, each size warm-started from the previous one: the same
iteration as Sources/Studies/VariationalReplica (fixed point of (S2) on nu = 1/(1 + V),
m from (S1), fixed point of the linear Q-equation (S3) on s = x^T Q x), written as a
researcher would in numpy. Same deterministic hashed data as
bench/Sources/replica-bench/VGABench.swift.

Prints `vga_curve_20pt_1e5x100 seconds` (one run: the task takes minutes) and the first
and last test errors and total iterations as a `#` note.
"""

import time

import numpy as np

M0, D, NTEST, POINTS, LAM, TOL, MAXIT = 100_000, 100, 1000, 20, 0.1, 1e-10, 2000


def hashed(offset, rows, cols, scale):
    """Unit-variance entries from frac(43758.5453 sin(12.9898 i + 78.233 j)), i offset."""
    i = np.arange(offset, offset + rows, dtype=np.float64)[:, None]
    j = np.arange(cols, dtype=np.float64)[None, :]
    h = np.sin(12.9898 * i + 78.233 * j) * 43758.5453
    h = h - np.floor(h)
    return scale * (h - 0.5) * np.sqrt(12.0)


def data(offset, rows):
    x = hashed(offset, rows, D, 1 / np.sqrt(D))
    teacher = hashed(500_000, 1, D, 1.0)[0]
    noise = hashed(offset + 700_000, rows, 1, 0.5)[:, 0]
    return x, x @ teacher + noise


def gram(x, w):
    a = x.T @ (x * w[:, None])
    return 0.5 * (a + a.T)


def rowquad(x, a):
    return np.einsum("ij,ij->i", x @ a, x)


def thermal(x, nu, tau):
    a = tau * gram(x, nu) + LAM * np.eye(D)
    c = np.linalg.inv(a)
    return 0.5 * (c + c.T)


def solve(x, y, xt, yt, tau, nu):
    for it in range(1, MAXIT + 1):
        g = 1 / (1 + np.maximum(rowquad(x, thermal(x, nu, tau)), 0))
        done = np.max(np.abs(g - nu)) <= TOL
        nu = g
        if done:
            break
    else:
        raise RuntimeError("S2 did not converge")
    c = thermal(x, nu, tau)
    v = rowquad(x, c)
    m = c @ (x.T @ (tau * nu * y))
    r = y - x @ m
    a = tau * nu * nu
    q0 = c @ gram(x, a * r * r) @ c
    q0 = 0.5 * (q0 + q0.T)
    s0 = rowquad(x, q0)
    u = x @ c
    tol = TOL * max(1.0, s0.max())
    s = s0
    for qit in range(1, MAXIT + 1):
        g = s0 + rowquad(u, gram(x, a * s))
        done = np.max(np.abs(g - s)) <= tol
        s = g
        if done:
            break
    else:
        raise RuntimeError("S3 did not converge")
    cpc = c @ gram(x, a * s) @ c
    q = q0 + 0.5 * (cpc + cpc.T)
    s = rowquad(x, q)
    test = np.mean((yt - xt @ m) ** 2 + rowquad(xt, q))
    g2 = ((y - x @ m) ** 2 + s) / (1 + v) ** 2
    return test, g2.mean(), 2 * np.mean(g2 * v), v, it + qit


def curve(x, y, xt, yt, sizes):
    nu = np.ones(M0)
    tests, iterations = [], 0
    for size in sizes:
        test, train, penalty, v, its = solve(x, y, xt, yt, size / M0, nu)
        nu = 1 / (1 + v)
        tests.append(test)
        iterations += its
    return tests, iterations


def main():
    x, y = data(0, M0)
    xt, yt = data(10_000_000, NTEST)
    sizes = [int(round(200 * (M0 / 200) ** (k / (POINTS - 1)))) for k in range(POINTS)]
    start = time.perf_counter()
    tests, iterations = curve(x, y, xt, yt, sizes)
    elapsed = time.perf_counter() - start
    print(f"# numpy test[0] {tests[0]:.10f} test[-1] {tests[-1]:.10f} iterations {iterations}")
    print(f"vga_curve_20pt_1e5x100 {elapsed}")


if __name__ == "__main__":
    main()
