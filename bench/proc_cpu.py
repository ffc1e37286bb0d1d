#!/usr/bin/env python3
"""proc_cpu.py - CPU time and RSS of a process tree, sampled from /proc

    bench/proc_cpu.py ROOT_PID INTERVAL_S OUT.json

Samples ROOT_PID and every descendant every INTERVAL_S seconds until ROOT_PID
is gone, keeping each process's last CPU time (utime + stime, seconds) and its
RSS over time (kB). A process's CPU after its last sample is lost (at most one
interval of it). Writes {pid: {comm, cpu_s, rss_kb: [[t_s, kb], ...],
first_s, last_s}} to OUT.json. Used by bench/overhead.sh and bench/soak.sh.
"""
import json
import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def stat_of(pid):
    """(ppid, comm, cpu seconds, rss kB) of pid, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    comm = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    #  fields[0] is state (stat field 3): ppid 4, utime 14, stime 15, rss 24
    ppid = int(fields[1])
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    rss = int(fields[21]) * PAGE_KB
    return ppid, comm, cpu, rss


def program_of(pid, comm):
    """The basename of pid's argv[0] (comm is cut at 15 bytes), or comm."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv0 = handle.read().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return comm
    return os.path.basename(argv0) or comm


def tree(root):
    """Every live pid under root (root included), with its stat."""
    parents = {}
    stats = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        stat = stat_of(int(name))
        if stat:
            parents[int(name)] = stat[0]
            stats[int(name)] = stat
    members = {}
    for pid, stat in stats.items():
        walk = pid
        while walk in parents and walk != root and walk > 1:
            walk = parents[walk]
        if walk == root:
            members[pid] = stat
    return members


def main():
    root, interval, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    start = time.monotonic()
    seen = {}
    while True:
        members = tree(root)
        if root not in members:
            break
        now = round(time.monotonic() - start, 1)
        for pid, (_, comm, cpu, rss) in members.items():
            entry = seen.setdefault(str(pid), {"comm": comm, "cpu_s": 0.0, "rss_kb": [],
                                               "first_s": now})
            entry["comm"] = program_of(pid, comm)   #  exec may rename it
            entry["cpu_s"] = cpu
            entry["rss_kb"].append([now, rss])
            entry["last_s"] = now
        time.sleep(interval)
    with open(out, "w") as handle:
        json.dump(seen, handle)


if __name__ == "__main__":
    main()
