"""Mail servers on 127.0.0.1 for fault tests: one that works (aiosmtpd), one that accepts the
connection and never answers, one that answers "try again later"."""

import socket
import threading

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Collecting:
    def __init__(self, answer=None):
        self.messages = []
        self.answer = answer  # e.g. "451 4.3.0 Try again later"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.answer:
            return self.answer
        self.messages.append(envelope)
        return "250 OK"


class WorkingServer:
    """A real SMTP server; `messages` holds what it received (envelopes)."""

    def __init__(self, answer=None):
        self.handler = _Collecting(answer)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    @property
    def port(self):
        return self.controller.port

    @property
    def messages(self):
        return self.handler.messages

    def recipients(self):
        return [rcpt for envelope in self.messages for rcpt in envelope.rcpt_tos]

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class HangingServer:
    """Accepts connections and never says a word, as a stuck mail host does."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self):
        self.listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self.connections:
            conn.close()
        self.listener.close()
