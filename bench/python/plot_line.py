"""One line of n = 10⁶ points to sys.argv[1] (PNG, 6 × 4 in at 150 dpi) with matplotlib
(Agg, default path simplification). Benchmark twin of bench/scripts/plot_line.rpl."""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
x = np.linspace(0, 1, n)
y = np.sin(2 * np.pi * 3 * x) + 0.2 * np.sin(100_000 * x)
fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
ax.plot(x, y, lw=0.5)
ax.set_xlabel("$x$")
ax.set_ylabel("$y$")
fig.savefig(out, dpi=150)
