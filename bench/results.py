"""Put the measurements together as bench/results/latest.md."""

import os
import platform
import subprocess
from datetime import datetime

import report


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def _commit(root: str) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def busy_others() -> str:
    """What else was using the CPU (other than this benchmark), from ps."""
    try:
        out = subprocess.run(["ps", "-eo", "pid,pcpu,comm,args", "--sort=-pcpu"], text=True,
                             capture_output=True, check=True).stdout.splitlines()[1:]
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    mine = {os.getpid(), os.getppid()}
    busy = []
    for line in out:
        pid, pcpu, comm, args = (line.split(None, 3) + ["", "", "", ""])[:4]
        if float(pcpu or 0) < 20:
            break
        if int(pid) not in mine and "bench" not in args and "wrk" not in comm:
            busy.append(f"{comm} {' '.join(args.split()[1:4])[:60]} ({pcpu} %)")
    return "; ".join(busy[:4]) or "nothing else busy"


def write(b, o, weights, pin_ms: float, argv: list[str]) -> str:
    """Render every table that was measured, write it to o.out, and return it."""
    from run import ROOT

    load_after = os.getloadavg()
    ended = datetime.now().astimezone()
    out = [
        "# 议事厅 benchmark results", "",
        f"- run: {b.started:%Y-%m-%d %H:%M %Z} – {ended:%H:%M} "
        f"(`{' '.join(['.venv/bin/python bench/run.py', *argv])}`), "
        f"commit {_commit(ROOT)} plus the uncommitted working tree",
        f"- machine: {os.cpu_count()} cores ({_cpu()}), Python {platform.python_version()}; "
        f"load average before {b.load_before[0]:.1f}, after {load_after[0]:.1f}",
        "- servers: gunicorn, 2 sync workers, on the same machine as wrk and the Python "
        "client; wrk -t2 -c32 with `Accept-Encoding: gzip` (pages are gzipped by the app)",
        f"- also running at the start: {getattr(b, 'others_before', 'not recorded')}; "
        f"at the end: {busy_others()}",
        f"- one production login (scrypt PIN check): {pin_ms:.0f} ms of CPU",
        "",
        "The machine is shared with other engineers' work (see “also running”): read the "
        "figures as orders of magnitude, not as a capacity guarantee.", ""]
    skipped = getattr(b, "skipped", [])
    out += [f"- {x}" for x in skipped] + ([""] if skipped else [])
    if b.hello:
        out += ["## Ceiling", "", report.ceiling(b.hello), ""]
    ceiling = sum(r.rps for r in b.hello) / len(b.hello) if b.hello else 0
    for (db, size), runs in b.hot.items():
        residents = o.small if size == "small" else o.large
        out += [f"## Hot pages: {db}, {residents:,} residents", "",
                report.hot(runs, ceiling), ""]
    pairs = [(db, a.page, a, c) for (db, size), runs in b.hot.items() if size == "small"
             for a, c in zip(runs, b.hot.get((db, "large"), []), strict=False)]
    if pairs:
        out += [f"## Scale: {o.small:,} vs {o.large:,} residents", "", report.scale(pairs), ""]
    cpu = getattr(b, "cpu", {})
    for db in dict.fromkeys(d for d, _ in cpu):
        if (db, "small") in cpu and (db, "large") in cpu:
            out += [f"## CPU per request in-process ({db}; median of 15, {o.small:,} vs "
                    f"{o.large:,} residents)", "",
                    report.cpu(db, cpu[(db, "small")], cpu[(db, "large")]), ""]
    if b.gen:
        out += ["## City generation (`flask generate`)", "", report.generation(b.gen), ""]
    if b.bursts:
        out += ["## Vote burst", "", report.burst(b.bursts), ""]
    if b.crashes:
        out += ["## Crash test (SIGKILL master and workers mid-burst, restart, resend)", "",
                report.crash(b.crashes), ""]
    if weights:
        rows, js, broken = weights
        out += ["## Page weight (demo data, every role; heaviest page per route)", "",
                report.weights(rows, js), ""]
        if broken:
            out += ["Broken links found while crawling:", ""] + [f"- {x}" for x in broken] + [""]
    text = "\n".join(out)
    os.makedirs(os.path.dirname(o.out), exist_ok=True)
    with open(o.out, "w") as f:
        f.write(text)
    return text
