"""Prometheus metrics, one registry per app so tests can build many apps in one process."""

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("balance_http_requests", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("balance_http_request_seconds", "Request latency", ["route"], registry=self.registry,
                                 buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32))
        self.segments = Counter("balance_segments_classified", "Segments classified", registry=self.registry)
        self.errors = Counter("balance_errors", "Error answers by code", ["code"], registry=self.registry)
        self.jobs = Counter("balance_jobs", "Job attempts by kind and outcome", ["kind", "outcome"], registry=self.registry)
        self.job_queue = Gauge("balance_job_queue", "Jobs in the database by status", ["status"], registry=self.registry)


def install(app: FastAPI, metrics: Metrics) -> None:
    """Count and time every request by its route template (not its raw path, which would explode labels)."""

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        metrics.requests.labels(request.method, name, str(response.status_code)).inc()
        metrics.latency.labels(name).observe(time.perf_counter() - started)
        return response
