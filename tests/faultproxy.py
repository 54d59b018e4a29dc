"""A TCP proxy that stands between the site and a real server and misbehaves on demand.

    with FaultProxy("127.0.0.1", 6379) as proxy:      # the site talks to proxy.port
        proxy.hang()     # accept connections, forward nothing, answer nothing (a silent peer)
        proxy.delay(0.3) # forward everything, each chunk this many seconds late
        proxy.refuse()   # nothing listens: connecting is refused, open connections are reset
        proxy.cut()      # forward requests, cut every reply after a few bytes
        proxy.pass_()    # forward everything again

While it hangs nothing is read from either side, so the kernel acknowledges what is sent and the
sender sees no error: only its own timeouts can help it. Connections held through a hang carry
on where they stopped when it ends, as after a healed partition.
"""

import contextlib
import select
import socket
import struct
import threading
import time

PASS, DELAY, HANG, REFUSE, CUT = "pass", "delay", "hang", "refuse", "cut"


def _reset(sock):
    """Close with a RST, as a crashed peer or a firewall would."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class FaultProxy:
    def __init__(self, upstream_host, upstream_port, port=0, cut_after=8):
        self.upstream = (upstream_host, upstream_port)
        self.cut_after = cut_after
        self.mode = PASS
        self.seconds = 0.0
        self.accepted = 0
        self._changed = threading.Condition()
        self._closing = False
        self._connections = set()
        self._listener = None
        self._reserved = None
        self.port = port
        self._listen()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    # --- switching ---------------------------------------------------------------------------

    def _set(self, mode, seconds=0.0):
        with self._changed:
            previous, self.mode, self.seconds = self.mode, mode, seconds
            if mode == REFUSE and previous != REFUSE:
                for pair in list(self._connections):
                    for sock in pair:
                        _reset(sock)
                self._connections.clear()
                self._unlisten()
            elif previous == REFUSE and mode != REFUSE:
                self._listen()
            self._changed.notify_all()

    def pass_(self):
        self._set(PASS)

    def delay(self, seconds):
        self._set(DELAY, seconds)

    def hang(self):
        self._set(HANG)

    def refuse(self):
        self._set(REFUSE)

    def cut(self):
        self._set(CUT)

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    # --- plumbing ----------------------------------------------------------------------------

    def _bound(self):
        # A socket closed while a thread of ours waits on it in select() lives until that wait
        # ends (a tenth of a second at most): until then the port is taken.
        deadline = time.monotonic() + 2
        while True:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", self.port))
            except OSError:
                sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
                continue
            self.port = sock.getsockname()[1]
            return sock

    def _listen(self):
        listener, self._reserved = (self._reserved or self._bound()), None
        listener.listen(128)
        self._listener = listener

    def _unlisten(self, keep_port=True):
        listener, self._listener = self._listener, None
        if listener is not None:
            _reset(listener)
        if keep_port and not self._closing:
            # Bound but not listening: connecting is refused, and no outgoing connection of
            # this machine is given the port meanwhile, so it can listen there again.
            self._reserved = self._bound()
        elif self._reserved is not None:
            _reset(self._reserved)
            self._reserved = None

    def _accept_loop(self):
        while not self._closing:
            listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                readable, _, _ = select.select([listener], [], [], 0.1)
                if not readable:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                continue
            self.accepted += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _wait_while_hanging(self):
        with self._changed:
            while self.mode == HANG and not self._closing:
                self._changed.wait(0.1)
            return self.mode

    def _serve(self, client):
        if self._wait_while_hanging() == REFUSE or self._closing:
            _reset(client)
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _reset(client)
            return
        pair = (client, upstream)
        with self._changed:
            self._connections.add(pair)
        threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True).start()
        self._pump(client, upstream, False)
        with self._changed:
            self._connections.discard(pair)

    def _pump(self, source, target, is_reply):
        sent = 0
        try:
            while not self._closing:
                mode = self._wait_while_hanging()
                readable, _, _ = select.select([source], [], [], 0.1)
                if not readable:
                    continue
                mode = self._wait_while_hanging()
                data = source.recv(65536)
                if not data:
                    with contextlib.suppress(OSError):
                        target.shutdown(socket.SHUT_WR)
                    return
                if mode == DELAY:
                    time.sleep(self.seconds)
                if mode == CUT and is_reply:
                    target.sendall(data[: max(self.cut_after - sent, 0) or 1])
                    _reset(source)
                    _reset(target)
                    return
                target.sendall(data)
                sent += len(data)
        except (OSError, ValueError):
            _reset(source)
            _reset(target)

    def close(self):
        self._closing = True
        with self._changed:
            self._changed.notify_all()
            self._unlisten(keep_port=False)
            for pair in list(self._connections):
                for sock in pair:
                    _reset(sock)
            self._connections.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
