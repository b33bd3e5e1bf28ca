"""The beat schedulers run the full sweep once, when they start sending (portal.beat)."""

from types import SimpleNamespace

import pytest

from portal import beat
from portal.celery import app


@pytest.fixture
def scheduler(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("tickets.tasks.sweep_everything_now", lambda: calls.append(1))
    local = beat.LocalScheduler(app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    monkeypatch.setattr(beat.PersistentScheduler, "tick", lambda self, *a, **k: 5.0)
    return local, calls


def test_the_full_sweep_runs_on_the_first_tick_only(scheduler):
    local, calls = scheduler
    assert [local.tick(), local.tick(), local.tick()] == [5.0, 5.0, 5.0]
    assert calls == [1]


def test_redbeats_lock_receiver_leaves_the_local_scheduler_alone(scheduler):
    from redbeat.schedulers import acquire_distributed_beat_lock

    local, _calls = scheduler
    acquire_distributed_beat_lock(sender=SimpleNamespace(scheduler=local))  # no error, no lock
    assert local.lock_key is None
