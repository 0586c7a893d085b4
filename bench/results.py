"""Put the measurements together as bench/results/latest.md."""

import os
import platform
import subprocess
import time
from datetime import datetime

import report
from benchapp import PIN_HASH_METHOD
from datasets import communities_for


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


def _dirty(root: str) -> bool:
    try:
        return bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                   cwd=root, text=True, capture_output=True,
                                   check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        return False


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


def header(b, argv: list[str], script: str, pin_ms: float) -> list[str]:
    """When, what, where: the lines above every results file."""
    from common import ROOT

    load_after = os.getloadavg()
    ended = datetime.now().astimezone()
    minutes = (time.monotonic() - b.clock) / 60
    return [
        "# 议事厅 benchmark results", "",
        f"- run: {b.started:%Y-%m-%d %H:%M %Z} – {ended:%H:%M} ({minutes:.1f} min; "
        f"`{' '.join([f'.venv/bin/python bench/{script}', *argv])}`), "
        f"commit {_commit(ROOT)}" + (" plus uncommitted changes" if _dirty(ROOT) else ""),
        f"- machine: {os.cpu_count()} cores ({_cpu()}), Python {platform.python_version()}; "
        f"load average before {b.load_before[0]:.1f}, after {load_after[0]:.1f}",
        "- servers: gunicorn, 2 sync workers, on the same machine as wrk and the Python "
        "client; wrk -t2 -c32 with `Accept-Encoding: gzip` (pages are gzipped by the app)",
        f"- also running at the start: {getattr(b, 'others_before', 'not recorded')}; "
        f"at the end: {busy_others()}",
        f"- one login's PIN check in-process (pepper, then {PIN_HASH_METHOD}): "
        f"{pin_ms:.0f} ms of CPU",
        "",
        "The machine may be shared with other work (see “also running”): throughput figures "
        "are ratios to the “hello” ceiling measured in the same run for that reason.", ""] + \
        [f"- {x}" for x in b.skipped] + ([""] if b.skipped else [])


def _save(path: str, out: list[str]) -> str:
    text = "\n".join(out)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return text


def write_fast(b, o, argv: list[str]) -> tuple[str, str]:
    """The fast run's summary table, then every table it measured, to o.out.
    Returns (the summary with its heading lines, the whole file)."""
    out = header(b, argv, "run.py", b.pin_ms)
    cold = (", ".join(f"{k}={v}" for k, v in b.cold_keys.items()) if b.cold_keys
            else "no cache setting found in the app's config: cold is the cached run")
    what = ([f"{o.residents:,}-resident city"] if b.gen else []) + \
        ([f"{o.voters:,}-voter electorate"] if b.logins or b.bursts else [])
    head = [f"## Summary ({'; '.join(what)})", "",
            report.summary(b), "",
            f"Ratios are req/s over the mean of the “hello” runs; wrk -c32, {o.duration} s a "
            f"page. Cold board: a second server with {cold}. CPU and queries: in-process, "
            "median CPU and most queries of 15 warm requests.", ""]
    out += head
    if b.hello:
        out += ["## Ceiling", "", report.ceiling(b.hello), ""]
    for db, runs in b.hot.items():
        out += [f"## Hot pages under wrk: {db}, {o.residents:,} residents", "",
                report.hot(runs, b.hello_rps), ""]
    for db, costs in b.cpu.items():
        out += [f"## CPU and queries per request in-process: {db}", "",
                report.pages_cpu(costs), ""]
    if b.gen:
        out += ["## City generation (`flask generate`)", "", report.generation(
            [{"db": d, "residents": o.residents, "rows": s.rows, "seconds": s.seconds,
              "size": s.size_bytes, "communities": communities_for(o.residents)}
             for d, s in b.gen.items()]), ""]
    if b.logins:
        out += ["## Logins under wrk (32 connections)", "", report.logins(b.logins), ""]
    if b.bursts:
        out += ["## Vote burst", "", report.burst(b.bursts), ""]
    if b.crashes:
        out += ["## Crash test (SIGKILL master and workers mid-burst, restart, resend)", "",
                report.crash(b.crashes), ""]
    text = _save(o.out, out)
    return "\n".join(head), text


def write_city(b, o, weights, argv: list[str]) -> str:
    """Every table the city run measured, to o.out; returns the text."""
    out = header(b, argv, "city.py", b.pin_ms)
    if b.hello:
        out += ["## Ceiling", "", report.ceiling(b.hello), ""]
    for (db, residents, beside), runs in b.hot.items():
        out += [f"## Hot pages: {db}, {residents:,} residents (served beside {beside:,})", "",
                report.hot(runs, b.hello_rps), ""]
    pairs = [(db, f"{a.page} ({large:,})", a, c)
             for (db, size, large), runs in b.hot.items() if size == o.small
             for a, c in zip(runs, b.hot.get((db, large, size), []), strict=False)]
    if pairs:
        out += [f"## Scale: {o.small:,} residents vs each larger city", "",
                report.scale(pairs), ""]
    for (db, residents), costs in b.cpu.items():
        if residents != o.small and (db, o.small) in b.cpu:
            out += [f"## CPU per request in-process ({db}; median of 15, {o.small:,} vs "
                    f"{residents:,} residents)", "",
                    report.cpu(db, b.cpu[(db, o.small)], costs), ""]
    if b.gen:
        out += ["## City generation (`flask generate`)", "", report.generation(b.gen), ""]
    if weights:
        rows, js, broken = weights
        out += ["## Page weight (demo data, every role; heaviest page per route)", "",
                report.weights(rows, js), ""]
        if broken:
            out += ["Broken links found while crawling:", ""] + [f"- {x}" for x in broken] + [""]
    return _save(o.out, out)
