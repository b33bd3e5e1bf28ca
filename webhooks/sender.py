"""One HTTP POST with a bounded total time: connecting, sending and the answer together.

httpx's timeouts bound each phase and each read, so a receiver that answers one byte at a time
could hold a call far longer than any of them; the call runs under `asyncio.timeout` instead,
which cancels it at the limit whatever it is doing. Redirects are not followed (a receiver's
URL is what the admin registered) and no proxy settings are read from the environment. Only the
first `EXCERPT_BYTES` of the answer are read, for the delivery log.
"""

import asyncio
import time
from dataclasses import dataclass

import httpx

EXCERPT_BYTES = 1000


@dataclass(frozen=True)
class Result:
    status: int | None
    error: str
    excerpt: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Result:
    started = time.monotonic()
    status, excerpt, error = None, "", ""
    try:
        status, excerpt = asyncio.run(_post(url, body, headers, timeout))
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except TimeoutError:
        error = f"no complete answer within {timeout:g} s"
    except Exception as failure:  # refused, reset, DNS, TLS, a malformed URL or answer
        error = f"{type(failure).__name__}: {failure}"[:2000]
    duration = int((time.monotonic() - started) * 1000)
    return Result(status, error, excerpt, duration)


async def _post(url, body, headers, timeout) -> tuple[int, str]:
    async with (
        asyncio.timeout(timeout),
        httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client,
        client.stream("POST", url, content=body, headers=headers) as response,
    ):
        excerpt = b""
        async for chunk in response.aiter_raw():
            excerpt += chunk
            if len(excerpt) >= EXCERPT_BYTES:
                break
        return response.status_code, excerpt[:EXCERPT_BYTES].decode("utf-8", "replace")
