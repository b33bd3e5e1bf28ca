"""A webhook receiver as a client would write one: a separate process that verifies every
request's signature with the Standard Webhooks reference library before trusting it.

    python receiver.py PORT SECRET LOG [--mode ok|fail|drip] [--old-secret SECRET]

Each request is one JSON line in LOG: the headers' `webhook-id`, the body's `type`, ticket
number, event time and cursor, whether the signature verified (`verified`), and the status
answered. Modes: `ok` answers 204 to a verified request (401 otherwise); `fail` answers 500
after verifying; `drip` sends its status line and headers one byte every half second (for the
sender's total time limit). With `--old-secret`, a request must verify with that secret too
(a receiver that has not switched after a rotation).
"""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("secret")
    parser.add_argument("log")
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--old-secret", default="")
    args = parser.parse_args()
    secrets = [args.secret] + ([args.old_secret] if args.old_secret else [])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            verified, payload = True, {}
            for secret in secrets:
                try:
                    payload = Webhook(secret).verify(body, headers)
                except WebhookVerificationError:
                    verified = False
            status = 204 if verified else 401
            if args.mode == "fail" and verified:
                status = 500
            data = payload.get("data", {})
            record = {
                "id": headers.get("webhook-id"),
                "type": payload.get("type"),
                "ticket": data.get("ticket", {}).get("number"),
                "at": data.get("event", {}).get("created_at"),
                "cursor": data.get("cursor"),
                "verified": verified,
                "status": status,
                "user_agent": headers.get("user-agent"),
            }
            with LOCK, open(args.log, "a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if args.mode == "drip":
                for byte in b"HTTP/1.1 204 No Content\r\nX-Slow: yes\r\n\r\n":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.5)
                return
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
