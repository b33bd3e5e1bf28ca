"""Local SMS gateways for the tests: real servers in threads of the test process, which the code
under test (in this process or a worker process) reaches over the network.

- `Gateway` honours Idempotency-Key like a real gateway and answers planned status codes;
- `TrickleGateway` is the slow gateway of issue 13 (fault 4): each request is read whole, then a
  valid 201 answer is trickled at `interval` seconds a byte, so every single read succeeds well
  within any socket timeout while the whole answer takes `len(ANSWER) * interval` seconds.
"""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    """A tiny SMS gateway: honours Idempotency-Key, answers with planned status codes."""

    def __init__(self):
        self.requests = []
        self.sent = {}
        self.plan = []  # status codes to answer before accepting
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                gateway.requests.append((dict(self.headers), body))
                if gateway.plan:
                    status = gateway.plan.pop(0)
                elif key in gateway.sent:
                    status = 409
                else:
                    gateway.sent[key] = body
                    status = 201
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


ANSWER = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class TrickleGateway:
    def __init__(self, interval: float = 0.2):
        self.interval = interval
        self.requests = 0
        self.bytes_sent = []  # per request: how many bytes of the answer went out
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}/sms"
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self._server.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _address = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(client,), daemon=True).start()

    def _answer(self, client: socket.socket):
        self.requests += 1
        index = len(self.bytes_sent)
        self.bytes_sent.append(0)
        with client:
            client.settimeout(5)
            request = b""
            try:
                while b"\r\n\r\n" not in request:
                    request += client.recv(4096)
                head, _sep, body = request.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                while len(body) < length:
                    body += client.recv(4096)
                for byte in ANSWER:
                    if self._stop.is_set():
                        return
                    client.sendall(bytes([byte]))
                    self.bytes_sent[index] += 1
                    time.sleep(self.interval)
            except OSError:  # the client hung up: what the deadline is for
                return

    @property
    def answered_whole(self) -> int:
        return sum(1 for sent in self.bytes_sent if sent == len(ANSWER))

    def close(self):
        self._stop.set()
        self._server.close()
