# sum(exp(x) * x) over 10^7 points: the numpy side of bench/scripts/vector.rpl.
import numpy as np

x = np.linspace(0, 1, 10_000_000)
print(np.sum(np.exp(x) * x))
