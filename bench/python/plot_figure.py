"""The 2×2 paper figure of examples/figure.rpl drawn with matplotlib (Agg), written to
sys.argv[1] (format from the extension). Benchmark twin of bench/scripts/plot_figure.rpl."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

out = sys.argv[1]
fig, axs = plt.subplots(2, 2, figsize=(7, 5), layout="constrained")

ax = axs[0, 0]
t = np.linspace(0, 6, 25)
ax.plot(t, np.exp(-t / 2), "o-", label=r"theory $e^{-t/2}$", ms=4)
ax.plot(t, np.exp(-t / 2) * (1 + 0.3 * np.sin(2 * t)), "s--", label="simulation", ms=4)
ax.plot(t, 0.6 * np.exp(-t), "^:", label=r"$\alpha = 0.5$", ms=4)
ax.set_xlabel("time $t$")
ax.set_ylabel("overlap $m(t)$")
ax.legend(loc="best")

ax = axs[0, 1]
a = np.linspace(0, 1, 12)
mean = 1 - a**2
ax.fill_between(a, mean - 0.1, mean + 0.1, alpha=0.3, label="mean ± sd", color="C0")
ax.plot(a, mean, label="mean", color="C0")
ax.errorbar(a, mean + 0.03 * np.sin(9 * a), 0.05 + 0 * a, fmt="o", capsize=3,
            label="one run", color="C1", ms=4)
ax.set_xlabel(r"load $\alpha$")
ax.set_ylabel(r"$\langle q \rangle$")
ax.legend(loc="best")

ax = axs[1, 0]
g = np.linspace(-2, 2, 41)
X, Y = np.meshgrid(g, g)
F = np.exp(-(X**2 + Y**2)) * np.cos(2 * X)
im = ax.pcolormesh(g, g, F, cmap="viridis", shading="nearest")
fig.colorbar(im, ax=ax, label=r"$\phi(x, y)$")
ax.contour(g, g, F, levels=6, colors="white", linewidths=0.8)
ax.set_xlabel("$x$")
ax.set_ylabel("$y$")

ax = axs[1, 1]
n = np.logspace(1, 4, 20)
ax.plot(n, 1 / np.sqrt(n), label=r"$N^{-1/2}$")
ax.scatter(n, 1.1 / np.sqrt(n) * (1 + 0.1 * np.sin(n)), label="data", s=16, color="C1")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("system size $N$")
ax.set_ylabel(r"error $\varepsilon_N$")
ax.legend(loc="best")

for k, ax in enumerate(axs.flat):
    ax.set_title(f"({'abcd'[k]})", loc="left", fontweight="bold", x=-0.15)

fig.savefig(out, dpi=150)
