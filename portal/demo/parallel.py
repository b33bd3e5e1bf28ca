"""Running the generator's chunks in several processes at once.

Simulating a ticket's life and encoding its rows is Python work; parsing them and writing pages is
PostgreSQL's. One process alternates between the two and keeps one core busy; several processes
(each with its own connection, each chunk in its own transaction) keep every core busy.

The processes are forked from the loader after it has built the generator's context (the city,
the staff, the residents), so they share it without pickling, and Django's connections are closed
first so that each child opens its own. Only where `fork` exists (Linux, BSD, macOS) and outside a
transaction; elsewhere the chunks run one after the other in this process.
"""

import multiprocessing
import multiprocessing.util
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, connections

_job: Callable | None = None  # set before the fork, read by the children


def run(job: Callable, parts: Iterable, *, workers: int = 1) -> Iterator:
    """`job(part)` for each part, yielding results as chunks finish (in no fixed order)."""
    parts = list(parts)
    if workers <= 1 or len(parts) <= 1 or not can_fork():
        for part in parts:
            yield job(part)
        return
    global _job
    _job = job
    connections.close_all()
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(min(workers, len(parts)), initializer=_child_started) as pool:
            # chunksize=1 hands the parts out in order: the chunks stay near the calendar's
            # front, so the date-ordered indexes keep growing at their ends.
            yield from pool.imap_unordered(_run_in_child, parts, chunksize=1)
            pool.close()
            pool.join()
    finally:
        _job = None


def can_fork() -> bool:
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def _child_started():
    # Say goodbye to PostgreSQL when the pool ends this process, rather than dropping the line.
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _run_in_child(part):
    return _job(part)
