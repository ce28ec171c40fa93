"""numpy/scipy side of the self-distillation benchmark (bench/sd.sh, bench/SD.md).

The same algorithms as the Swift study (Sources/Studies/SelfDistillation), written as a
researcher would with numpy and scipy, at the authors' cross-check setting
(rho = 0.4, Delta = 0.5, theta = 0.2, lambda = (1.5, 0.5, 2), beta = (0.8, 1.2),
cross-entropy, alpha = 3):

- sd_theory_ce_T3_gh24: the three-stage replica theory with tensor Gauss-Hermite 24^3
  (nodes reused by every stage), the proximal map by vectorised safeguarded Newton over
  all points, damping 0.2 raised when the residual grows, tolerance 1e-9.
- sd_simulation_N1000_20: 20 datasets at N = 1000 (M = 3000), three stages each fitted by
  scipy's L-BFGS-B (gtol 1e-5, memory 10, warm-started from the previous stage),
  epsilon from (m, Q, B).

Prints `task seconds` lines (median of 3 runs after a warm-up) and the errors as `#` notes.
"""

import statistics
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import erfc, expit

RHO, DELTA, THETA, ALPHA = 0.4, 0.5, 0.2, 3.0
LAMBDAS, BETAS = [1.5, 0.5, 2.0], [0.8, 1.2]


def H(x):
    return 0.5 * erfc(x / np.sqrt(2.0))


def test_error(m, q, b):
    s = np.sqrt(DELTA * q)
    return RHO * H((m + b) / s) + (1 - RHO) * H((m - b) / s)


def prox(h, y, c, z0):
    """z = c (y - sigmoid(h + z)), safeguarded Newton on the bracket [c(y-1), c y]."""
    lo, hi = c * (y - 1), c * y
    z = np.clip(z0, lo, hi)
    for _ in range(100):
        s = expit(h + z)
        sp = s * (1 - s)
        g = z / c + s - y
        hi = np.where(g > 0, z, hi)
        lo = np.where(g < 0, z, lo)
        nxt = z - g / (1 / c + sp)
        bad = ~((nxt > lo) & (nxt < hi))
        nxt = np.where(bad, 0.5 * (lo + hi), nxt)
        step = nxt - z
        z = nxt
        if np.all(np.abs(step) <= 1e-13 * (1 + np.abs(z))):
            break
    s = expit(h + z)
    sp = s * (1 - s)
    return z, -c * sp / (1 + c * sp)


def theory(n_nodes=24, damping0=0.2, tol=1e-9, max_iter=5000):
    T = len(LAMBDAS)
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    w = w / w.sum()
    signs = np.array([1.0, 1.0, -1.0, -1.0])
    first = np.array([1.0, 0.0, 0.0, 1.0])
    bw = np.array([RHO * (1 - THETA), RHO * THETA, (1 - RHO) * (1 - THETA), (1 - RHO) * THETA])
    m = np.zeros(T); b = np.zeros(T); mh = np.zeros(T); lam_eff = np.zeros(T)
    Q = np.zeros((T, T)); chi = np.zeros((T, T)); Qh = np.zeros((T, T))
    chih = np.zeros((T, T)); R = np.zeros((T, T)); U = np.zeros((T, T))
    zs, as_ = [], []
    for t in range(T):
        # stage-t grid: xi[k] over n^(t+1) points, xi_1 most significant
        grids = np.meshgrid(*([x] * (t + 1)), indexing="ij")
        xi = np.stack([g.ravel() for g in grids])
        wt = np.ones(xi.shape[1])
        for g in np.meshgrid(*([w] * (t + 1)), indexing="ij"):
            wt = wt * g.ravel()
        npts = xi.shape[1]
        # frozen earlier stages broadcast to this grid: (4, npts)
        zprev = [np.repeat(z, n_nodes ** (t - s), axis=1) for s, z in enumerate(zs)]
        y = (np.repeat(expit(BETAS[t - 1] * as_[t - 1]), n_nodes, axis=1)
             if t > 0 else np.repeat(first[:, None], npts, axis=1))
        if t == 0:
            mh[0] = 0.5 * ALPHA * (1 - 2 * THETA); Qh[0, 0] = 0.25 * ALPHA * DELTA
            chih[0, 0] = 0.25 * ALPHA * DELTA
        else:
            mh[t] = mh[t - 1]; Qh[t, t] = Qh[t - 1, t - 1]; chih[t, t] = chih[t - 1, t - 1]
            b[t] = b[t - 1]
        zcur = np.zeros((4, npts)); hcur = np.zeros((4, npts))
        d = damping0; prev = np.inf
        for it in range(max_iter):
            # prior side
            lt = LAMBDAS[t] + Qh[t, t]; lam_eff[t] = lt
            m[t] = (mh[t] - Qh[:t, t] @ m[:t]) / lt
            for bb in range(t + 1):
                R[t, bb] = (chih[t, bb] - Qh[:bb, bb] @ R[t, :bb]) / lam_eff[bb]
            for s in range(t):
                R[s, t] = (chih[s, t] - Qh[:t, t] @ R[s, :t]) / lt
            for s in range(t + 1):
                Q[s, t] = (m[t] * mh[s] + R[s, t] - Qh[:s, s] @ Q[:s, t]) / lam_eff[s]
                Q[t, s] = Q[s, t]
            chi[t, t] = 1 / lt
            for s in range(t):
                chi[s, t] = -(Qh[s:t, t] @ chi[s, s:t]) / lt
            # Cholesky column
            for k in range(t):
                U[k, t] = (DELTA * Q[k, t] - U[:k, k] @ U[:k, t]) / U[k, k]
            dd = DELTA * Q[t, t] - U[:t, t] @ U[:t, t]
            U[t, t] = np.sqrt(max(dd, 1e-10 * abs(DELTA * Q[t, t]) + 1e-300))
            c = DELTA * chi[t, t]
            h = (signs[:, None] * m[t] + b[t]) + (U[: t + 1, t] @ xi)[None, :]
            for s in range(t):
                h = h + chi[s, t] / chi[s, s] * zprev[s]
            z, dz = prox(h, y, c, zcur)
            zcur, hcur = z, h
            wz = z * wt
            ez = (wz.sum(axis=1) * bw).sum()
            esz = (wz.sum(axis=1) * bw * signs).sum()
            ezz = ((wz * z).sum(axis=1) * bw).sum()
            edz = ((dz * wt).sum(axis=1) * bw).sum()
            ezs = [((wz * zprev[s]).sum(axis=1) * bw).sum() for s in range(t)]
            exz = [((wz * xi[k]).sum(axis=1) * bw).sum() for k in range(t)]
            g = np.zeros(t + 1); g[t] = edz
            for k in range(t - 1, -1, -1):
                g[k] = (exz[k] - U[k, k + 1: t + 1] @ g[k + 1: t + 1]) / U[k, k]
            old = np.array([mh[t], b[t], *Qh[: t + 1, t], *chih[:t, t], chih[t, t]])
            new = np.array([ALPHA * esz / c, b[t] - ez / edz, *(-(ALPHA / chi[t, t]) * g),
                            *[ALPHA * ezs[s] / (DELTA * chi[t, t] * chi[s, s]) for s in range(t)],
                            ALPHA * ezz / (DELTA * chi[t, t] ** 2)])
            res = np.max(np.abs(new - old) / (1 + np.abs(old)))
            if res > prev:
                d = min(0.98, 0.5 + 0.5 * d)
            prev = res
            new = (1 - d) * new + d * old
            mh[t], b[t] = new[0], new[1]
            Qh[: t + 1, t] = new[2: 3 + t]
            chih[:t, t] = new[3 + t: 3 + 2 * t]; chih[t, :t] = chih[:t, t]
            chih[t, t] = new[3 + 2 * t]
            if res <= tol:
                break
        # final prior side at the last conjugates, then freeze the channel
        lt = LAMBDAS[t] + Qh[t, t]
        m[t] = (mh[t] - Qh[:t, t] @ m[:t]) / lt
        for bb in range(t + 1):
            R[t, bb] = (chih[t, bb] - Qh[:bb, bb] @ R[t, :bb]) / lam_eff[bb]
        for s in range(t):
            R[s, t] = (chih[s, t] - Qh[:t, t] @ R[s, :t]) / lt
        for s in range(t + 1):
            Q[s, t] = (m[t] * mh[s] + R[s, t] - Qh[:s, s] @ Q[:s, t]) / lam_eff[s]
            Q[t, s] = Q[s, t]
        zs.append(zcur); as_.append(hcur + zcur)
    return [test_error(m[t], Q[t, t], b[t]) for t in range(T)]


def simulate(N=1000, datasets=20, seed=1):
    M = int(round(ALPHA * N)); P = int(round(RHO * M))
    errs = np.zeros((datasets, len(LAMBDAS)))
    for r in range(datasets):
        rng = np.random.default_rng([seed, r])
        s = np.where(np.arange(M) < P, 1.0, -1.0)
        X = s[:, None] / np.sqrt(N) + np.sqrt(DELTA) * rng.standard_normal((M, N))
        y = (s + 1) / 2
        y = np.where(rng.random(M) < THETA, 1 - y, y)
        theta = np.zeros(N + 1)
        for t, lam in enumerate(LAMBDAS):
            def fg(p, y=y, lam=lam):
                w, B = p[:N], p[N]
                a = X @ w / np.sqrt(N) + B
                f = np.sum(np.logaddexp(0, a) - y * a) + 0.5 * lam * w @ w
                r_ = expit(a) - y
                return f, np.concatenate([X.T @ r_ / np.sqrt(N) + lam * w, [r_.sum()]])
            theta = minimize(fg, theta, jac=True, method="L-BFGS-B",
                             options={"gtol": 1e-5, "maxcor": 10, "maxiter": 10000,
                                      "ftol": 0.0}).x
            w, B = theta[:N], theta[N]
            errs[r, t] = test_error(w.sum() / N, w @ w / N, B)
            if t + 1 < len(LAMBDAS):
                y = expit(BETAS[t] * (X @ w / np.sqrt(N) + B))
    return errs.mean(axis=0), errs.std(axis=0, ddof=1) / np.sqrt(datasets)


def timed(f, repeats=3):
    f()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


if __name__ == "__main__":
    e = theory()
    print("# numpy theory eps " + " ".join(f"{v:.6f}" for v in e))
    print(f"sd_theory_ce_T3_gh24 {timed(theory):.6f}")
    mean, se = simulate()
    print("# numpy simulation eps " + " ".join(f"{v:.4f}+-{s:.4f}" for v, s in zip(mean, se)))
    t0 = time.perf_counter()
    simulate()
    print(f"sd_simulation_N1000_20 {time.perf_counter() - t0:.6f}")
