"""Celery beat schedulers: at most one beat sends the schedule, however many are started, and
each beat shows it is alive.

`LockedScheduler` (production, `BEAT_LOCK_REDIS_URL` set) is celery-redbeat's scheduler: the
schedule and its last-run times live in Redis, and a beat sends nothing until it holds a lock
there (`redbeat:lock`, expiring after `BEAT_LOCK_TIMEOUT_SECONDS` unless the holder extends it
at every tick). A second beat on another host waits for the lock, trying again every
`beat_max_loop_interval`, and takes over within about one timeout after the first one dies.
Why redbeat: a maintained scheduler built for exactly this, on the Redis the portal already
runs as broker; a PostgreSQL advisory lock of our own would hold as long as the dead holder's TCP
connection looks alive to the server (hours without keepalives), while redbeat's lock expires.

`LocalScheduler` (the default; `make run` and a single-host layout) is Celery's file-backed
scheduler for one beat.

Both run the full sweep once when they start sending: what came due while no beat ran is found
at once, not at the next hourly full sweep. It runs on the first tick, i.e. only in the beat that
holds the lock (a `beat_init` receiver would run in the waiting beat as well).

Beat wakes at least every `beat_max_loop_interval` seconds (settings: 30) to see what is due;
each wake touches the `beat` heartbeat file, so `manage.py healthcheck beat` can tell a live
scheduler (sending or waiting for the lock) from one that hangs or died.
"""

from celery.beat import PersistentScheduler
from redbeat import RedBeatScheduler

from . import heartbeat


class StartupSweep:
    _swept = False

    def tick(self, *args, **kwargs):
        heartbeat.touch("beat")
        if not self._swept:
            self._swept = True
            from tickets.tasks import sweep_everything_now

            sweep_everything_now()
        return super().tick(*args, **kwargs)


class LocalScheduler(StartupSweep, PersistentScheduler):
    """One beat, its schedule in a file (CELERY_BEAT_SCHEDULE_FILENAME)."""

    # redbeat's `beat_init` receiver (connected when this module imports redbeat) asks every
    # scheduler for its lock key: none here, so it leaves this one alone.
    lock_key = None


class LockedScheduler(StartupSweep, RedBeatScheduler):
    """Any number of beats, one of them active: celery-redbeat's lock in Redis."""
