"""Celery beat's scheduler, with a heartbeat (settings CELERY_BEAT_SCHEDULER).

Beat wakes at least every `beat_max_loop_interval` seconds (settings: 30) to see what is due;
each wake touches the `beat` heartbeat file, so `manage.py healthcheck beat` can tell a live
scheduler from one that hangs or died. Exactly one beat runs per installation (deploy/).
"""

from celery.beat import PersistentScheduler

from . import heartbeat


class HeartbeatScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        heartbeat.touch("beat")
        return super().tick(*args, **kwargs)
