"""Markdown tables for bench/results/latest.md."""

from hot import Run
from weight import BUDGET, Weight


def table(head: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def ms(x: float) -> str:
    return f"{x:.1f}"


def n(x: float) -> str:
    return f"{x:,.0f}"


def ceiling(hello: list[Run]) -> str:
    single = any(r.single_p50 for r in hello)
    return table(["bare Flask “hello” (gunicorn -w 2)", "req/s", "p50 ms", "p95 ms", "p99 ms",
                  *(["1 connection p50 ms"] if single else [])],
                 [[r.page, n(r.rps), ms(r.p50), ms(r.p95), ms(r.p99),
                   *([ms(r.single_p50)] if single else [])] for r in hello])


def hot(runs: list[Run], ceiling_rps: float) -> str:
    single = any(r.single_p50 for r in runs)  # the 1-connection runs were made
    return table(["page", "req/s", "ratio to hello", "p50 ms", "p95 ms", "p99 ms",
                  *(["1 connection p50 ms"] if single else []), "bytes/response (gzip)",
                  "errors"],
                 [[r.page, n(r.rps), f"{r.rps / ceiling_rps:.2f}", ms(r.p50), ms(r.p95),
                   ms(r.p99), *([ms(r.single_p50)] if single else []), n(r.avg_bytes),
                   r.errors] for r in runs])


def scale(rows: list[tuple[str, str, Run, Run]]) -> str:
    """(database, page, small run, large run) → p95 and req/s side by side, with the ratio."""
    return table(["database", "page", "p95 small ms", "p95 large ms", "p95 ratio (≤ 1.5)",
                  "1-conn p50 small ms", "1-conn p50 large ms", "req/s small", "req/s large"],
                 [[d, page, ms(a.p95), ms(b.p95), f"{b.p95 / a.p95:.2f}", ms(a.single_p50),
                   ms(b.single_p50), n(a.rps), n(b.rps)] for d, page, a, b in rows])


def generation(rows: list[dict]) -> str:
    return table(["database", "residents", "communities", "rows written", "seconds",
                  "database size MiB"],
                 [[r["db"], n(r["residents"]), n(r["communities"]), n(sum(r["rows"].values())),
                   f"{r['seconds']:.1f}", f"{r['size'] / 2**20:.1f}"] for r in rows])


def burst(rows: list[dict]) -> str:
    return table(["database", "voters × copies", "connections", "seconds", "confirmations/s",
                  "votes/s", "p50 ms", "p95 ms", "p99 ms", "lost", "duplicates", "5xx",
                  "other answers", "receipts differing between copies"],
                 [[r["db"], f"{r['voters']:,} × 2", r["connections"], f"{r['seconds']:.2f}",
                   n(r["sent"] / r["seconds"]), n(r["votes"] / r["seconds"]), ms(r["p50"]),
                   ms(r["p95"]), ms(r["p99"]), r["lost"], r["duplicates"], r["5xx"],
                   r["other"], r["receipt_mismatch"]] for r in rows])


def crash(rows: list[dict]) -> str:
    return table(["database", "answered 303 before SIGKILL (voters)", "of those counted",
                  "lost", "counted but unanswered (in flight)", "no answer (server gone)",
                  "after restart and resend: counted", "duplicates", "integrity / audit"],
                 [[r["db"], n(r["answered"]), n(r["answered_counted"]), r["lost"],
                   r["in_flight"], r["no_answer"], f"{r['final_voters']:,} of {r['voters']:,}",
                   r["duplicates"], r["integrity"]] for r in rows])


def weights(rows: list[Weight], js: int) -> str:
    body = table(["page (route pattern)", "heaviest as", "HTML gzip", "CSS gzip",
                  "first visit", "repeat visit", f"≤ {BUDGET:,} B"],
                 [[f"`{w.pattern}`", w.role, n(w.html), n(w.css), n(w.first), n(w.html),
                   "yes" if w.ok else "**NO**"] for w in rows])
    return body + (f"\n\nhtmx (deferred, cached for a year, outside the budget): {js:,} B gzip."
                   if js else "")


def cpu(db: str, small: list, large: list) -> str:
    """CPU per request in-process, small city beside large city."""
    return table([f"{db}: request", "CPU ms small", "CPU ms large", "ratio", "wall ms small",
                  "wall ms large"],
                 [[a.what, ms(a.cpu_ms), ms(b.cpu_ms), f"{b.cpu_ms / a.cpu_ms:.2f}",
                   ms(a.wall_ms), ms(b.wall_ms)] for a, b in zip(small, large, strict=False)])


# The summary of the fast run (bench/run.py): each figure beside its target (issue 19 §5).
DB_NAMES = {"sqlite": "SQLite (FULL)", "pg": "PostgreSQL"}
HOT_TARGET = 0.2
BOARD_CACHED_TARGET, BOARD_COLD_TARGET = 0.5, 0.15
EMPTY_CPU_TARGET_MS = 0.6
QUERY_TARGET = 8
BURST_TARGET, BURST_P95_TARGET_MS = 500, 200
LOGIN_TARGET = 50


def _mark(value: str, ok: bool | None) -> str:
    return value if ok is None else f"{value} {'✓' if ok else '✗'}"


def _share(runs: dict, page: str, ceiling_rps: float, target: float | None) -> str:
    r = runs.get(page)
    if r is None:
        return "–"
    ratio = r.rps / ceiling_rps if ceiling_rps else 0.0
    return _mark(f"{ratio:.2f} ({r.rps:,.0f}/s)", None if target is None else ratio >= target)


def summary(b) -> str:
    """One table: each measured figure per database, beside its target. `b` is a bench.run
    Fast (or anything with its attributes)."""
    from hot import BOARD, EMPTY_PAGE

    dbs = [d for d in ("sqlite", "pg") if d in b.hot or d in b.logins
           or any(x["db"] == d for x in b.bursts)]
    ceiling_rps = b.hello_rps
    hot = {d: {r.page: r for r in b.hot.get(d, [])} for d in dbs}
    cpu = {d: {c.what: c for c in b.cpu.get(d, [])} for d in dbs}
    bursts = {x["db"]: x for x in b.bursts}
    crashes = {x["db"]: x for x in b.crashes}
    cold_note = "" if b.cold_keys else " (the app has no cache setting: same as cached)"
    rows: list[list] = []

    def row(what: str, target: str, cell) -> None:
        rows.append([what, target, *[cell(d) for d in dbs]])

    hello = " / ".join(f"{r.rps:,.0f}" for r in b.hello) or "–"
    row("“hello” ceiling, req/s (start / end; ratios use the mean)", "–", lambda d: hello)
    row("empty logged-in view, share of hello", "–",
        lambda d: _share(hot[d], EMPTY_PAGE, ceiling_rps, None))
    for page in ("/", "/ballots/<id>", "/issues", "/ballots/<id>/results"):
        row(f"{page} logged in, share of hello", f"≥ {HOT_TARGET}",
            lambda d, page=page: _share(hot[d], page, ceiling_rps, HOT_TARGET))
    row("/board/<id> anonymous, cached, share of hello", f"≥ {BOARD_CACHED_TARGET}",
        lambda d: _share(hot[d], BOARD, ceiling_rps, BOARD_CACHED_TARGET))
    row(f"/board/<id> anonymous, cold, share of hello{cold_note}", f"≥ {BOARD_COLD_TARGET}",
        lambda d: _share(hot[d], BOARD + " cold", ceiling_rps, BOARD_COLD_TARGET))

    def empty_cpu(d):
        c = cpu[d].get(EMPTY_PAGE)
        return "–" if c is None else _mark(f"{c.cpu_ms:.2f} ms", c.cpu_ms <= EMPTY_CPU_TARGET_MS)
    row("empty logged-in view, CPU in-process", f"≤ {EMPTY_CPU_TARGET_MS} ms", empty_cpu)

    def queries(d, page, target=QUERY_TARGET):
        c = cpu[d].get(page)
        if c is None or c.queries is None:
            return "–"
        return _mark(str(c.queries), None if target is None else c.queries <= target)

    for page in ("/", "/ballots/<id>", "/issues"):
        row(f"queries: {page}", f"≤ {QUERY_TARGET}", lambda d, page=page: queries(d, page))

    def board_queries(d):
        cached, cold = cpu[d].get(BOARD), cpu[d].get(BOARD + " cold") or cpu[d].get(BOARD)
        if cached is None:
            return "–"
        return _mark(f"{cold.queries} (cached: {cached.queries})", cold.queries <= QUERY_TARGET)
    row("queries: /board/<id> cold (and cached)", f"≤ {QUERY_TARGET}", board_queries)
    row("queries: /ballots/<id>/results", "–",
        lambda d: queries(d, "/ballots/<id>/results", None))

    def burst_cell(d, what):
        x = bursts.get(d)
        if x is None:
            return "–"
        if what == "rate":
            rate = x["sent"] / x["seconds"]
            return _mark(f"{rate:,.0f} ({x['votes'] / x['seconds']:,.0f} votes/s)",
                         rate >= BURST_TARGET)
        if what == "bad":
            return _mark(f"{x['lost']} / {x['duplicates']} / {x['5xx']}",
                         x["lost"] == x["duplicates"] == x["5xx"] == 0)
        return _mark(f"{x['p95']:,.0f} ms", x["p95"] <= BURST_P95_TARGET_MS)
    voters = f"{b.o.voters:,} voters × 2, {b.o.connections} connections"
    row(f"vote burst ({voters}), confirmations/s", f"≥ {BURST_TARGET}",
        lambda d: burst_cell(d, "rate"))
    row("vote burst: lost / duplicate / 5xx", "0 / 0 / 0", lambda d: burst_cell(d, "bad"))
    row("vote burst: p95", f"≤ {BURST_P95_TARGET_MS} ms", lambda d: burst_cell(d, "p95"))

    def crash_cell(d):
        x = crashes.get(d)
        if x is None:
            return "–"
        return _mark(f"{x['lost']} (of {x['answered']:,} answered; after resend "
                     f"{x['final_voters']:,}/{x['voters']:,})",
                     x["lost"] == 0 and x["final_voters"] == x["voters"])
    row("crash test (kill -9 mid-burst): lost", "0", crash_cell)

    def login_cell(d):
        x = b.logins.get(d)
        if x is None:
            return "–"
        return _mark(f"{x.per_second:,.0f}" + (f" ({x.failed} failed)" if x.failed else ""),
                     x.per_second >= LOGIN_TARGET and not x.failed)
    row("logins per second (gunicorn -w 2, 32 connections)", f"≥ {LOGIN_TARGET}", login_cell)
    return table(["measured in one run", "target", *[DB_NAMES[d] for d in dbs]], rows)


def pages_cpu(costs: list) -> str:
    """CPU, wall time and SQL queries per request in-process (fast run)."""
    return table(["request", "CPU ms", "wall ms", "queries (most of the n)", "n"],
                 [[c.what, f"{c.cpu_ms:.2f}", ms(c.wall_ms),
                   "–" if c.queries is None else c.queries, c.n] for c in costs])


def logins(rows: dict) -> str:
    return table(["database", "logins/s", "p50 ms", "p95 ms", "requests", "failed"],
                 [[d, n(x.per_second), ms(x.p50), ms(x.p95), n(x.requests), x.failed]
                  for d, x in rows.items()])
