"""kombu's Redis transport, with the one change that keeps a worker alive through a broker blip.

The crash (issue 13, fault 1): a worker consuming from Redis logs "Restoring N unacknowledged
message(s)" and dies with `Unrecoverable error: AttributeError("'NoneType' object has no
attribute 'hostname'")` when Redis drops while it is busy. The sequence, in celery 5.7.0 and
kombu 5.7.0 (the newest releases; redis-py plays no part):

1. The consumer's connection fails; `Consumer.on_connection_error_after_connected` calls
   `connection.collect()`. That closes the default channel: kombu's `Channel.close` first reads
   the pending BRPOP reply (`_brpop_read`, added by kombu PR #1733 so a popped message is not
   lost), which raises the connection error *before* the channel is marked closed.
   `collect()` then detaches the transport from the connection (`transport.client = None`).
2. New in celery 5.7, the same handler then calls `connection.close()` "so the old socket is
   released". The half-closed channel is closed again: this time it goes on to restore the
   unacknowledged messages, needs a new Redis client, and builds its parameters from
   `self.connection.client.hostname` — the client step 1 set to None. The AttributeError is not
   a connection error, so `ignore_errors` lets it through and the worker stops for good.
   (celery 5.6 has no second close, hence "no crash with older versions" reports.)

The fix here: a channel whose transport was detached answers with the connection error it is,
which celery's reconnect path already handles; the unacknowledged messages stay in Redis and are
restored by the visibility timeout, as after any lost connection. Settings selects this transport
for `redis://` and `rediss://` broker URLs (`CELERY_BROKER_TRANSPORT`); the test
`tests/tickets/test_fault_broker.py` drops the broker under a busy worker. Remove the transport
when kombu's Channel.close finishes closing after a failed BRPOP read.

Also here: `quick_connection`, a broker connection for callers that must not wait (the outbox's
hand-off after a resident's request, the relay, the health check): each of its network calls
gives up after a quarter of the caller's budget, so two tries of connect-and-command fit in it.
"""

import contextlib

from kombu.transport import redis
from redis.exceptions import ConnectionError as BrokerConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection.client is None:  # the transport was detached (Connection.collect)
            raise BrokerConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel


def url() -> str:
    """The broker URL publishers use."""
    from .celery import app

    return app.conf.broker_write_url or app.conf.broker_url


def quick_connection(budget: float):
    """A connection whose connect, each command and its reconnection are bounded by `budget`."""
    from .celery import app

    part = budget / 4
    return app.connection_for_write(
        connect_timeout=part,
        transport_options={
            "socket_timeout": part,
            "socket_connect_timeout": part,
            "max_retries": 1,
        },
    )


def answers(budget: float) -> bool:
    """Does the broker answer within `budget` seconds? (A new Redis channel sends PING.)"""
    connection = quick_connection(budget)
    try:
        connection.default_channel  # noqa: B018  (connects and opens a channel)
        return True
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):  # closing a connection that never opened
            connection.release()
