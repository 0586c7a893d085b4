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
    return table(["bare Flask “hello” (gunicorn -w 2)", "req/s", "p50 ms", "p95 ms", "p99 ms",
                  "1 connection p50 ms"],
                 [[r.page, n(r.rps), ms(r.p50), ms(r.p95), ms(r.p99), ms(r.single_p50)]
                  for r in hello])


def hot(runs: list[Run], ceiling_rps: float) -> str:
    return table(["page", "req/s", "ratio to hello", "p50 ms", "p95 ms", "p99 ms",
                  "1 connection p50 ms", "bytes/response (gzip)", "errors"],
                 [[r.page, n(r.rps), f"{r.rps / ceiling_rps:.2f}", ms(r.p50), ms(r.p95),
                   ms(r.p99), ms(r.single_p50), n(r.avg_bytes), r.errors] for r in runs])


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
