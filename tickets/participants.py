"""Work an adapter must do inside a ticket service's own transaction.

Every service runs in one durable transaction, so a caller cannot wrap a service call in a
transaction of its own. An adapter that must store something atomically with the change (the
API's idempotency record: the answer to a request is stored with the change it reports, or
neither is) registers a callback with `joining` around one service call; the service runs it
after writing its event, as the last step before commit (`services._announce`). If the callback
raises, the whole change is rolled back.

The registration lives in a context variable, so it covers exactly the calls made inside the
`with` block, in this thread or task.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Callback = Callable[..., None]  # callback(ticket, event)

_callbacks: ContextVar[tuple[Callback, ...]] = ContextVar("ticket_participants", default=())


@contextmanager
def joining(callback: Callback) -> Iterator[None]:
    """Run `callback(ticket, event)` inside the transaction of each service called meanwhile."""
    token = _callbacks.set((*_callbacks.get(), callback))
    try:
        yield
    finally:
        _callbacks.reset(token)


def run(ticket, event) -> None:
    """Called by the services, inside their transaction, after the event is written."""
    for callback in _callbacks.get():
        callback(ticket, event)
