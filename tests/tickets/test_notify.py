"""The channels: SMS backends (against a real local HTTP server for the gateway) and e-mail."""

import io
import json

import pytest

from tickets import notify
from tickets.notify import DeliveryError

from .gateways import ANSWER, Gateway, TrickleGateway


@pytest.fixture
def gateway():
    server = Gateway()
    yield server
    server.close()


def http_backend(url, **options):
    return notify.HTTPGatewaySMSBackend(
        url=url, token="s3cret", sender="12345", timeout=5, **options
    )


def test_gateway_gets_the_text_the_token_and_the_idempotency_key(gateway):
    http_backend(gateway.url).send(to="13812345678", text="您的诉求已受理", key="k-1")
    ((headers, body),) = gateway.requests
    assert headers["Idempotency-Key"] == "k-1"
    assert headers["Authorization"] == "Bearer s3cret"
    assert body == {"to": "13812345678", "text": "您的诉求已受理", "sender": "12345"}


def test_a_repeated_key_is_sent_once_and_counts_as_delivered(gateway):
    backend = http_backend(gateway.url)
    backend.send(to="13812345678", text="a", key="k-1")
    backend.send(to="13812345678", text="a", key="k-1")  # 409: already accepted, no error
    assert len(gateway.requests) == 2 and list(gateway.sent) == ["k-1"]


def test_a_gateway_trickling_its_answer_is_cut_off_at_the_timeout_of_the_whole_attempt():
    """One byte every 0.2 s: each read comes well within any socket timeout, so a per-read
    timeout would wait for the whole answer (17 s); the attempt ends at 1 s, retryable."""
    gateway = TrickleGateway(interval=0.2)
    try:
        with pytest.raises(DeliveryError, match="did not answer within 1 s") as raised:
            notify.HTTPGatewaySMSBackend(url=gateway.url, timeout=1).send(
                to="13812345678", text="a", key="k-1"
            )
        assert not raised.value.permanent
        assert gateway.requests == 1 and 0 < gateway.bytes_sent[0] < len(ANSWER)
    finally:
        gateway.close()


@pytest.mark.parametrize(("status", "permanent"), [(503, False), (429, False), (400, True)])
def test_gateway_errors_are_retryable_or_permanent(gateway, status, permanent):
    gateway.plan = [status]
    with pytest.raises(DeliveryError) as error:
        http_backend(gateway.url).send(to="13812345678", text="a", key="k-1")
    assert error.value.permanent is permanent


def test_an_unreachable_gateway_is_worth_retrying():
    # A port nobody listens on: a real refused connection.
    with pytest.raises(DeliveryError) as error:
        http_backend("http://127.0.0.1:1/sms").send(to="13812345678", text="a", key="k")
    assert not error.value.permanent


def test_a_gateway_without_url_is_a_permanent_error():
    with pytest.raises(DeliveryError) as error:
        http_backend("").send(to="13812345678", text="a", key="k")
    assert error.value.permanent


def test_file_backend_writes_one_message_per_key(tmp_path):
    backend = notify.FileSMSBackend(directory=str(tmp_path))
    assert backend.send(to="13812345678", text="first", key="k-1") is True
    assert backend.send(to="13812345678", text="again", key="k-1") is False
    (message,) = tmp_path.glob("*.json")
    assert json.loads(message.read_text())["text"] == "first"
    assert not list(tmp_path.glob(".*.tmp"))


def test_console_backend_masks_the_number():
    stream = io.StringIO()
    notify.ConsoleSMSBackend(stream=stream).send(to="13812345678", text="hi", key="k-1")
    assert "138****5678" in stream.getvalue() and "13812345678" not in stream.getvalue()


def test_email_carries_the_key_as_message_id(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "12345@hotline.example"
    notify.send_email(to="a@example.org", subject="主题", body="正文", key="k-1")
    (mail,) = mailoutbox
    assert mail.extra_headers["Message-ID"] == "<k-1@hotline.example>"
    assert mail.to == ["a@example.org"] and mail.subject == "主题"


def test_missing_addresses_are_permanent_errors():
    with pytest.raises(DeliveryError) as sms:
        notify.send_sms(to="", text="a", key="k")
    with pytest.raises(DeliveryError) as email:
        notify.send_email(to="", subject="s", body="b", key="k")
    assert sms.value.permanent and email.value.permanent
