"""numpy side of the recurrent self-attention benchmark (bench/rsa.sh, bench/RSA.md).

The top-3 Lyapunov exponents of random-weight normalised iterated self-attention,
X <- RMSNorm(X + eta (MSA(X) + C)), n = 8 tokens, d = 16, H = 4 heads, 100 burn-in steps
then T = 300 measured steps, by the QR (Benettin) method with the analytic step Jacobian
J_F = D_RMS(Z) (I + eta J_MSA(X)) formed by einsum, as a researcher would write it. The
weights are the same deterministic hash as bench/Sources/replica-bench/RSABench.swift.

Prints `rsa_lyapunov_top3_T300 seconds` (median of 5 runs after a warm-up) and the
exponents as a `#` note so both sides can be compared.
"""

import statistics
import time

import numpy as np

N, D, H, T, BURN, K = 8, 16, 4, 300, 100, 3
ETA, EPS, SCALE = 1.0, 1e-6, 1.0


def hashed(offset, rows, cols):
    """Unit-variance entries from frac(43758.5453 sin(12.9898 i + 78.233 j)), i offset."""
    i = np.arange(offset, offset + rows, dtype=np.float64)[:, None]
    j = np.arange(cols, dtype=np.float64)[None, :]
    h = np.sin(12.9898 * i + 78.233 * j) * 43758.5453
    h = h - np.floor(h)
    return (h - 0.5) * np.sqrt(12.0)


DK = D // H
WQ = [SCALE / np.sqrt(D) * hashed(1000 * (3 * h), D, DK) for h in range(H)]
WK = [SCALE / np.sqrt(D) * hashed(1000 * (3 * h + 1), D, DK) for h in range(H)]
WV = [SCALE / np.sqrt(D) * hashed(1000 * (3 * h + 2), D, D) for h in range(H)]
U = hashed(99000, N, D)
S = 1.0 / np.sqrt(DK)


def heads(x):
    out = []
    for h in range(H):
        q, k, v = x @ WQ[h], x @ WK[h], x @ WV[h]
        logits = S * q @ k.T
        a = np.exp(logits - logits.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
        out.append((q, k, v, a, a @ v))
    return out


def rms(z):
    r = np.sqrt((z * z).mean(axis=1, keepdims=True) + EPS)
    return z / r, r


def step_and_jacobian(x):
    hs = heads(x)
    msa = sum(c[4] for c in hs)
    z = x + ETA * (msa + U)
    jm = np.zeros((N, D, N, D))
    eye = np.eye(N)
    for h, (q, k, v, a, vbar) in enumerate(hs):
        dv = v[None, :, :] - vbar[:, None, :]  # (i, k, a)
        u = q @ WK[h].T  # (i, b)
        g = k @ WQ[h].T  # (l, b)
        jm += np.einsum("ik,ba->iakb", a, WV[h])
        jm += S * np.einsum("ik,ika,ib->iakb", a, dv, u)
        jm += S * np.einsum("il,ila,lb,ik->iakb", a, dv, g, eye)
    jm = ETA * jm.reshape(N * D, N * D) + np.eye(N * D)
    y, r = rms(z)
    blocks = (np.eye(D)[None] - np.einsum("ia,ib->iab", z, z) / (D * r[:, :, None] ** 2)) / r[
        :, :, None
    ]
    jf = np.einsum("iac,icm->iam", blocks, jm.reshape(N, D, N * D)).reshape(N * D, N * D)
    return y, jf


def lyapunov():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.standard_normal((N * D, K)))
    x = U.copy()
    sums = np.zeros(K)
    for t in range(BURN + T):
        y, jf = step_and_jacobian(x)
        q, r = np.linalg.qr(jf @ q)
        if t >= BURN:
            sums += np.log(np.abs(np.diag(r)))
        x = y
    return np.sort(sums / T)[::-1]


def main():
    exponents = lyapunov()
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        lyapunov()
        samples.append(time.perf_counter() - start)
    print(f"# numpy {np.__version__}; exponents {' '.join(f'{e:.6f}' for e in exponents)}")
    print(f"rsa_lyapunov_top3_T300 {statistics.median(samples)}")


if __name__ == "__main__":
    main()
