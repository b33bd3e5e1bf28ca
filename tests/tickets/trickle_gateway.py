"""A local SMS gateway that answers one byte at a time: the slow gateway of issue 13 (fault 4).

A real TCP server in a thread of the test process; the worker process under test talks to it
over the network like to a gateway. Each request is read whole, then a valid 201 answer is
trickled at `interval` seconds a byte, so every single read succeeds well within any socket
timeout while the whole answer takes `len(ANSWER) * interval` seconds.
"""

import socket
import threading
import time

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
