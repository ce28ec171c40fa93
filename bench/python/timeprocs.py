"""Times whole processes side by side: each command runs `--runs` times, interleaved
with the others so machine load affects them alike; prints one line per command with
the median wall time and the median user+sys CPU time, in seconds.

    timeprocs.py --runs 7 NAME CMD [NAME CMD ...]     (CMD is one shell string)
"""
import os
import resource
import statistics
import subprocess
import sys
import time


def run_once(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv):
    runs = 7
    if argv[:1] == ["--runs"]:
        runs = int(argv[1])
        argv = argv[2:]
    pairs = list(zip(argv[0::2], argv[1::2]))
    walls = {n: [] for n, _ in pairs}
    cpus = {n: [] for n, _ in pairs}
    for name, cmd in pairs:  # one warm-up run each (page cache, dynamic loader)
        run_once(cmd)
    for _ in range(runs):
        for name, cmd in pairs:
            w, c = run_once(cmd)
            walls[name].append(w)
            cpus[name].append(c)
    for name, _ in pairs:
        print(f"{name} {statistics.median(walls[name]):.4f} {statistics.median(cpus[name]):.4f}")


if __name__ == "__main__":
    main(sys.argv[1:])
