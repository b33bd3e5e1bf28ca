"""Channels that carry a notification: e-mail through Django's mailers, SMS through a backend.

Every send takes the notification's idempotency key (`Notification.idempotency_key`, stable
across attempts). The HTTP gateway passes it as the `Idempotency-Key` header, so a gateway that
honours it sends one SMS however often a delivery is retried; the file backend honours it the same
way (one file per key). E-mail has no such key: the key goes into the `Message-ID`, which lets
mail clients fold duplicates, but an SMTP server accepts the same message twice. See README
"Reminders and notifications" for the window that leaves.

A backend raises `DeliveryError` (permanent or not); `tickets.outbox` records it and retries.
"""

import contextlib
import http.client
import json
import logging
import os
import smtplib
import socket
import sys
import threading
import urllib.parse
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.module_loading import import_string

from .privacy import mask_phone

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not deliver. `permanent`: retrying cannot help (bad address, refused)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


# ---------------------------------------------------------------------------------------------
# SMS


class SMSBackend:
    """Send one text to one mainland mobile number. Subclasses implement `send`."""

    def __init__(self, **options):
        self.options = options

    def send(self, *, to: str, text: str, key: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(SMSBackend):
    """Development: print the text (the number masked) to the worker's output."""

    def send(self, *, to, text, key):
        stream = self.options.get("stream") or sys.stdout
        stream.write(f"SMS to {mask_phone(to)} [{key}]\n{text}\n{'-' * 40}\n")
        stream.flush()


class FileSMSBackend(SMSBackend):
    """Development and tests: one JSON file per idempotency key in `directory`.

    A second send with the same key finds the file and does nothing, as a gateway would.
    Returns whether this call wrote the message.
    """

    def send(self, *, to, text, key) -> bool:
        directory = Path(self.options["directory"])
        directory.mkdir(parents=True, exist_ok=True)
        record = {"to": to, "text": text, "key": key, "at": timezone.now().isoformat()}
        # Written aside, then linked into place: the file appears whole, and only once.
        draft = directory / f".{key}.{uuid.uuid4().hex}.tmp"
        draft.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        try:
            os.link(draft, directory / f"{key}.json")
        except FileExistsError:
            return False  # already delivered under this key
        finally:
            draft.unlink()
        return True


class HTTPGatewaySMSBackend(SMSBackend):
    """Production: POST {"to", "text", "sender"} as JSON to the gateway's URL.

    Sends `Authorization: Bearer <token>` and `Idempotency-Key: <key>`. 2xx is delivered; 409 is
    "this key was already accepted" (delivered); 408, 429 and 5xx are worth retrying; any other
    4xx is permanent. `timeout` bounds the whole attempt, from connecting to the last byte of the
    answer: a gateway that trickles its answer is cut off then (`post_within`).
    """

    def send(self, *, to, text, key):
        url = self.options.get("url")
        if not url:
            raise DeliveryError("SMS_GATEWAY_URL is not set", permanent=True)
        body = json.dumps(
            {"to": to, "text": text, "sender": self.options.get("sender", "")},
            ensure_ascii=False,
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {self.options.get('token', '')}",
            "Idempotency-Key": key,
        }
        timeout = float(self.options.get("timeout", 10))
        try:
            status = post_within(url, body, headers, timeout=timeout)
        except TimeoutError:
            raise DeliveryError(f"gateway did not answer within {timeout:g} s") from None
        except (OSError, http.client.HTTPException) as error:
            raise DeliveryError(f"gateway unreachable: {error}") from None
        if 200 <= status < 300 or status == 409:
            return
        transient = status in (408, 429) or status >= 500
        raise DeliveryError(f"gateway answered {status}", permanent=not transient)


def post_within(url: str, body: bytes, headers: dict, *, timeout: float) -> int:
    """POST `body` and read the whole answer within `timeout` seconds; return the status.

    Socket timeouts (urllib's, and those of requests, httpx and urllib3) bound each read, so an
    answer trickled a byte at a time never times out. Here a timer shuts the socket down at the
    deadline, which ends whatever read is waiting; that raises TimeoutError.
    """
    parts = urllib.parse.urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    expired = threading.Event()

    def cut_off():
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, cut_off)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        if expired.is_set():  # the deadline passed while connecting, before the timer saw a socket
            raise TimeoutError
        path = parts.path or "/"
        connection.request(
            "POST", f"{path}?{parts.query}" if parts.query else path, body=body, headers=headers
        )
        response = connection.getresponse()
        response.read()
        if expired.is_set():
            raise TimeoutError
        return response.status
    except (OSError, http.client.HTTPException):
        if expired.is_set():
            raise TimeoutError from None
        raise
    finally:
        timer.cancel()
        connection.close()


def sms_backend() -> SMSBackend:
    return import_string(settings.PORTAL_SMS_BACKEND)(**settings.PORTAL_SMS_OPTIONS)


def send_sms(*, to: str, text: str, key: str) -> None:
    if not to:
        raise DeliveryError("no mobile number", permanent=True)
    sms_backend().send(to=to, text=text, key=key)


# ---------------------------------------------------------------------------------------------
# E-mail


def send_email(*, to: str, subject: str, body: str, key: str) -> None:
    """One plain-text message through the default mailer; the key becomes its Message-ID."""
    if not to:
        raise DeliveryError("no e-mail address", permanent=True)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": f"<{key}@{domain}>", "X-Idempotency-Key": key},
    )
    try:
        message.send(using="default")
    except ValueError as error:  # a header Django refuses (e.g. a newline in the subject)
        raise DeliveryError(f"invalid message: {error}", permanent=True) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"address refused: {error}", permanent=True) from None
    except OSError as error:  # smtplib's errors are OSErrors
        raise DeliveryError(f"mail server: {error}") from None
