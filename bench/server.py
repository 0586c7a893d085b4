"""Start and stop gunicorn for a measurement. It runs in its own process group, so one
SIGKILL takes the master and every worker at once (the crash test)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

from client import Session

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_args(target: str, port: int, workers: int = WORKERS) -> list[str]:
    """The same settings for the app and for the hello ceiling: sync workers."""
    return [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
            "--backlog", "2048", "--timeout", "120", "--graceful-timeout", "5",
            "--log-level", "warning", target]


class Server:
    def __init__(self, target: str, log_path: str, env: dict | None = None,
                 ready: str = "/healthz", workers: int = WORKERS):
        self.target, self.log_path, self.ready, self.workers = target, log_path, ready, workers
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def args(self) -> list[str]:
        return gunicorn_args(self.target, self.port, self.workers)

    def start(self, timeout: float = 120) -> "Server":
        log = open(self.log_path, "a")  # noqa: SIM115 - closed by the child's exit
        self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if Session(self.port, timeout=5).get(self.ready).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer {self.ready}; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM the master (graceful), then SIGKILL whatever is left of the group."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        """SIGKILL the master and every worker (same process group), and wait until gone."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for _ in range(100):
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self.proc = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
