"""Shared by the benchmark scripts: run a command, and measure its time and its own peak
resident memory."""

import os
import subprocess
import sys
import time


def high_water_mark(pid):
    """The process's own peak resident memory in KiB (VmHWM). Not ru_maxrss: Linux carries
    the parent's high-water mark into a child across fork and exec, so a harness holding a
    large file in memory would be counted."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(command, **kwargs):
    """Runs `command`; returns (seconds, peak resident KiB, stdout). Exits on failure."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    peak = 0
    while True:
        peak = max(peak, high_water_mark(process.pid))
        pid, status, _ = os.wait4(process.pid, os.WNOHANG)
        if pid != 0:
            break
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{command[0]} failed: {err}")
    return elapsed, peak, out
