"""Logins per second under gunicorn: wrk posts the login form for the electorate's residents
in turn (bench/login.lua), each a real PIN check (pepper, scrypt at production's cost)."""

import json
import os
import subprocess
from dataclasses import dataclass
from urllib.parse import quote

from client import Session, csrf_of
from server import ROOT

LUA = os.path.join(ROOT, "bench", "login.lua")


@dataclass
class Logins:
    per_second: float
    p50: float  # milliseconds
    p95: float
    failed: int  # answers other than 303, and socket errors
    requests: int


def logins(port: int, codes: list[str], pin: str, seconds: int,
           connections: int = 32) -> Logins:
    """`connections` connections posting logins for `seconds`; codes are consecutive numbers."""
    first, n = int(codes[0]), len(codes)
    if codes[-1] != str(first + n - 1):
        raise ValueError("login codes must be consecutive numbers")
    s = Session(port)
    token = csrf_of(s.get("/login").body)
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", LUA,
            "-H", f"Cookie: {s.cookie_header()}",
            "-H", "Content-Type: application/x-www-form-urlencoded",
            f"http://127.0.0.1:{port}/login", "--", quote(token, safe=""), pin, str(first),
            str(n)]
    s.close()
    out = subprocess.run(args, capture_output=True, text=True, check=True,
                         timeout=seconds + 60).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    w = json.loads(line[len("BENCH "):])
    failed = w["not_303"] + w["connect"] + w["read"] + w["write"] + w["timeout"]
    return Logins((w["requests"] - failed) / (w["duration_us"] / 1e6), w["p50"] / 1e3,
                  w["p95"] / 1e3, failed, w["requests"])
