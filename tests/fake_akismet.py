"""A stand-in for Akismet's REST API on 127.0.0.1, for the real `akismet` client to talk to."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeAkismet:
    """Answers comment-check with `verdict` ("spam", "ham", "discard"), or misbehaves:
    `delay` seconds before answering, `status` other than 200. Keeps every request."""

    def __init__(self):
        self.verdict = "ham"
        self.delay = 0.0
        self.status = 200
        self.requests = []  # (endpoint, {field: value})
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                endpoint = self.path.rsplit("/", 1)[-1]
                fake.requests.append((endpoint, {k: v[0] for k, v in form.items()}))
                if fake.delay:
                    time.sleep(fake.delay)
                headers = {}
                if endpoint == "comment-check":
                    body = "false" if fake.verdict == "ham" else "true"
                    if fake.verdict == "discard":
                        headers["X-akismet-pro-tip"] = "discard"
                else:
                    body = "Thanks for making the web a better place."
                try:
                    self.send_response(fake.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def calls(self, endpoint):
        return [fields for name, fields in self.requests if name == endpoint]
