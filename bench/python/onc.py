"""numpy/scipy side of the ordinal neural collapse benchmark (bench/onc.sh, bench/ONC.md).

Two tasks, as a researcher would write them with numpy and scipy:

1. `onc_ufm_Q3_N150_d16`: minimise the unconstrained feature model
   L(H, w) = (1/N) sum_i l(w.h_i; y_i) + (lh/2N) sum_i |h_i|^2 + (lw/2)|w|^2
   with the logit cumulative link loss, thresholds b = (-10, -8, 3, 10), 50 samples per
   class, d = 16, lh = 1, lw = 0.3, by scipy's L-BFGS-B (maxcor 10, gtol 1e-9) from one
   random start, in the variables (h_i / sqrt(N), w) like the Replica side.
2. `onc_mlp_200_epochs`: 200 full-batch gradient-descent epochs of an MLP 8 -> 64 -> 16
   (ReLU) with a logit CLM head, fixed thresholds (-4, -2, 2, 4), weight decay 5e-3,
   step 0.2, N = 600, with hand-written backpropagation and the collapse metrics (NC1 by
   eigh of Sigma_B, tr Sigma_W / tr Sigma_B, ONC2, ordering, midpoint distance) at every
   epoch.

Prints `name seconds` (median of 5 runs after a warm-up) and `#` notes with the results.
`RB_RUNS=n` times n runs instead and prints every sample to standard error.
"""

import os
import statistics
import sys
import time

import numpy as np
import scipy
from scipy.optimize import minimize

LN2 = np.log(2.0)


def log_sigmoid(x):
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def log1mexp(d):
    with np.errstate(divide="ignore"):
        return np.where(d > -LN2, np.log(-np.expm1(np.minimum(d, -1e-300))),
                        np.log1p(-np.exp(d)))


def clm_terms(z, y, b):
    """log P, g'(u)/P and g'(l)/P of the logit CLM for latents z, labels y, thresholds b."""
    u = b[y + 1] - z
    l = b[y] - z
    fu, fl = log_sigmoid(u), log_sigmoid(l)
    su, sl = log_sigmoid(-u), log_sigmoid(-l)
    logp = np.where(l < 0, fu + log1mexp(fl - fu), sl + log1mexp(su - sl))
    upper = np.exp(fu + su - logp)
    lower = np.exp(fl + sl - logp)
    return logp, upper, lower


def ufm_objective(x, y, b, n, d, lh, lw):
    g = x[: n * d].reshape(n, d)
    w = x[n * d:]
    root = np.sqrt(n)
    z = root * (g @ w)
    logp, upper, lower = clm_terms(z, y, b)
    dz = (upper - lower) / root
    value = -logp.mean() + 0.5 * lh * np.sum(g * g) + 0.5 * lw * np.dot(w, w)
    grad_g = np.outer(dz, w) + lh * g
    grad_w = g.T @ dz + lw * w
    return value, np.concatenate([grad_g.ravel(), grad_w])


def run_ufm():
    b = np.array([-10.0, -8.0, 3.0, 10.0])
    n_class, d, lh, lw = 50, 16, 1.0, 0.3
    y = np.repeat(np.arange(3), n_class)
    n = y.size
    rng = np.random.default_rng(1)
    x0 = np.concatenate([rng.standard_normal(n * d) / np.sqrt(n), rng.standard_normal(d)])
    res = minimize(ufm_objective, x0, args=(y, b, n, d, lh, lw), jac=True,
                   method="L-BFGS-B",
                   options={"maxcor": 10, "gtol": 1e-9, "ftol": 0.0, "maxiter": 20000})
    h = res.x[: n * d].reshape(n, d) * np.sqrt(n)
    w = res.x[n * d:]
    z = h @ w
    means = np.array([z[y == k].mean() for k in range(3)])
    return means, np.linalg.norm(w), res.nit


def collapse_metrics(h, y, w, b, q, rtol=1e-6):
    n, d = h.shape
    means = np.stack([h[y == k].mean(axis=0) for k in range(q)])
    glob = h.mean(axis=0)
    c = h - means[y]
    sw = c.T @ c / n
    mb = means - glob
    sb = mb.T @ mb / q
    vals, vecs = np.linalg.eigh(sb)
    keep = vals > rtol * vals[-1]
    inv = (vecs[:, keep] / vals[keep]) @ vecs[:, keep].T
    nc1 = np.trace(sw @ inv) / q
    ratio = np.trace(sw) / np.trace(sb)
    onc2 = w @ sb @ w / (w @ w * np.trace(sb))
    zbar = means @ w
    ordered = np.mean(zbar[1:] > zbar[:-1])
    mids = 0.5 * (b[:-1] + b[1:])
    finite = np.isfinite(mids)
    midpoint = np.mean(np.abs(zbar[finite] - mids[finite]))
    return nc1, ratio, onc2, ordered, midpoint


def run_mlp():
    n, p, q, widths = 600, 8, 3, [64, 16]
    b = np.array([-4.0, -2.0, 2.0, 4.0])
    wd, lr, epochs = 5e-3, 0.2, 200
    rng = np.random.default_rng(3)
    beta = rng.standard_normal(p)
    beta /= np.linalg.norm(beta)
    x = rng.standard_normal((n, p))
    t = x @ beta
    y = np.empty(n, dtype=int)
    y[np.argsort(t)] = np.arange(n) * q // n
    sizes = [p] + widths
    ws = [rng.standard_normal((sizes[k + 1], sizes[k])) / np.sqrt(sizes[k])
          for k in range(len(widths))]
    cs = [np.zeros(sizes[k + 1]) for k in range(len(widths))]
    head = rng.standard_normal(widths[-1]) / np.sqrt(widths[-1])
    history = []
    for epoch in range(epochs + 1):
        pre, post = [], [x]
        for wk, ck in zip(ws, cs):
            a = post[-1] @ wk.T + ck
            pre.append(a)
            post.append(np.maximum(a, 0.0))
        h = post[-1]
        z = h @ head
        logp, upper, lower = clm_terms(z, y, b)
        loss = -logp.mean()
        history.append((loss,) + collapse_metrics(h, y, head, b, q))
        if epoch == epochs:
            break
        dz = (upper - lower) / n
        g_head = h.T @ dz + wd * head
        delta = np.outer(dz, head)
        for k in reversed(range(len(ws))):
            delta = delta * (pre[k] > 0)
            g_w = delta.T @ post[k] + wd * ws[k]
            g_c = delta.sum(axis=0) + wd * cs[k]
            if k > 0:
                delta = delta @ ws[k]
            ws[k] -= lr * g_w
            cs[k] -= lr * g_c
        head -= lr * g_head
    return history[-1]


def timed(name, fn):
    fn()
    samples = []
    runs = int(os.environ.get("RB_RUNS", "5"))
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    print(f"{name} {statistics.median(samples)}")
    if runs != 5:
        print(name, ["%.3f" % x for x in samples], file=sys.stderr)
    return result


def main():
    print(f"# numpy {np.__version__}, scipy {scipy.__version__}")
    means, norm, nit = timed("onc_ufm_Q3_N150_d16", run_ufm)
    print(f"# numpy ufm z_mean {means[0]:.6f} {means[1]:.6f} {means[2]:.6f} |w| {norm:.6f} "
          f"iterations {nit}")
    loss, nc1, ratio, onc2, ordered, midpoint = timed("onc_mlp_200_epochs", run_mlp)
    print(f"# numpy mlp loss {loss:.4f} trW/trB {ratio:.4f} onc2 {onc2:.4f} "
          f"ordered {ordered:.2f} midpoint {midpoint:.4f}")


if __name__ == "__main__":
    main()
