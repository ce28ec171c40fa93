"""CSV loading on the Python side of bench/data.sh.

usage: dataio.py pandas|numpy FILE
Prints `seconds <median of REPEAT runs (default 3)>` and `rows <n>`.
"""
import os
import sys
import time


def main():
    tool, path = sys.argv[1], sys.argv[2]
    repeats = int(os.environ.get("REPEAT", "3"))
    if tool == "pandas":
        import pandas as pd

        def load():
            return len(pd.read_csv(path))
    elif tool == "numpy":
        import numpy as np

        def load():
            return np.loadtxt(path, delimiter=",", skiprows=1).shape[0]
    else:
        sys.exit(f"unknown tool {tool!r}; expected pandas or numpy")
    times = []
    rows = 0
    for _ in range(max(repeats, 1)):
        start = time.perf_counter()
        rows = load()
        times.append(time.perf_counter() - start)
    print(f"seconds {sorted(times)[len(times) // 2]}")
    print(f"rows {rows}")


if __name__ == "__main__":
    main()
