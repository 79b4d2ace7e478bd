"""A bounded HTTP load generator for servers on this machine's loopback interface.

Used by tests/test_load.py (a short run that must end with zero errors) and by bench/run.py when
wrk is not installed. Each client is a thread with one keep-alive connection that sends GET
requests in turn over the given paths until the time or the request budget runs out. Only
loopback addresses are accepted as targets.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

OK_STATUSES = frozenset({200, 304})


def ensure_loopback(base_url: str) -> tuple[str, int]:
    """Return (host, port) of base_url, or raise ValueError if it is not a loopback address."""
    parts = urlsplit(base_url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"not an http URL: {base_url!r}")
    host = parts.hostname
    addresses = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 80)}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise ValueError(f"load is only sent to loopback addresses, not {host!r}")
    return host, parts.port or 80


@dataclass
class LoadResult:
    """What a run measured: counts, statuses and each request's latency in seconds."""

    clients: int
    duration: float = 0.0
    requests: int = 0
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in seconds (nearest rank), 0.0 without requests."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank]

    def summary(self) -> dict:
        return {
            "clients": self.clients,
            "requests": self.requests,
            "errors": self.errors,
            "duration_s": round(self.duration, 2),
            "rps": round(self.requests_per_second, 1),
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p95_ms": round(self.percentile(95) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "statuses": dict(sorted(self.statuses.items())),
        }


def run_load(
    base_url: str,
    paths: list[str],
    *,
    clients: int,
    duration: float,
    max_requests: int = 100_000,
    timeout: float = 30.0,
    headers: dict[str, str] | None = None,
    ok_statuses: frozenset[int] = OK_STATUSES,
) -> LoadResult:
    """Send GET requests for `duration` seconds (and at most `max_requests`) from `clients` threads.

    A request counts as an error when it raises (refused, reset, timed out) or answers with a
    status outside `ok_statuses`.
    """
    if not paths:
        raise ValueError("no paths to request")
    if clients < 1 or duration <= 0 or max_requests < 1:
        raise ValueError("clients, duration and max_requests must be positive")
    host, port = ensure_loopback(base_url)
    request_headers = {"Accept-Encoding": "gzip", "Connection": "keep-alive", **(headers or {})}
    result = LoadResult(clients=clients)
    lock = threading.Lock()
    budget = iter(range(max_requests))
    start = time.perf_counter()
    deadline = start + duration

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        latencies: list[float] = []
        statuses: Counter = Counter()
        errors: list[str] = []
        turn = offset
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if next(budget, None) is None:
                        break
                path = paths[turn % len(paths)]
                turn += 1
                sent = time.perf_counter()
                try:
                    connection.request("GET", path, headers=request_headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                    if response.getheader("Connection", "").lower() == "close":
                        connection.close()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    connection = http.client.HTTPConnection(host, port, timeout=timeout)
                    errors.append(f"{path}: {type(error).__name__}: {error}")
                    statuses["error"] += 1
                    continue
                latencies.append(time.perf_counter() - sent)
                statuses[status] += 1
                if status not in ok_statuses:
                    errors.append(f"{path}: HTTP {status}")
        finally:
            connection.close()
            with lock:
                result.latencies.extend(latencies)
                result.statuses.update(statuses)
                result.errors += len(errors)
                result.requests += len(latencies) + statuses["error"]
                result.error_samples.extend(errors[: max(0, 10 - len(result.error_samples))])

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + timeout + 5)
    result.duration = time.perf_counter() - start
    return result
