"""A client-side bound on how long a request waits for PostgreSQL to answer.

A server that accepts a connection and then says nothing (a stalled proxy or pooler, a database
frozen mid-failover) is not noticed by anything else: `statement_timeout` runs on the server,
which never sees the query; TCP keepalives and `tcp_user_timeout` are answered by the proxy's
kernel. Measured through tests/faultproxy.py: with keepalives of 1 s and tcp_user_timeout=1000,
psycopg waited until the socket was cut from outside.

So, while a request runs, a thread of this process looks at the PostgreSQL connections the
request uses. One that has had a command outstanding (libpq's transaction status ACTIVE) with no
new query started for DATABASE_REPLY_TIMEOUT seconds has its socket shut down: the waiting call
gets psycopg's OperationalError at once, Django drops the connection, and the request answers
what a database outage answers (infra.outages).
"""

import contextlib
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05

_lock = threading.Lock()
# thread id -> {alias: [database wrapper, queries started]}
_watched = {}
# per (thread, alias): (psycopg connection id, queries started, since)
_outstanding = {}
_monitor_pid = None


_breaker = None


def breaker():
    """This process's breaker for the database: opened by a failed connect or a cut reply."""
    global _breaker
    if _breaker is None:
        from .cachebreaker import Breaker

        seconds = float(getattr(settings, "DATABASE_BREAKER_OPEN", 0) or 0)
        _breaker = Breaker("The database", failures=1, window=seconds, open_seconds=seconds)
    return _breaker


def _reply_timeout():
    return float(getattr(settings, "DATABASE_REPLY_TIMEOUT", 0) or 0)


def _ensure_monitor():
    global _monitor_pid
    with _lock:
        if _monitor_pid == os.getpid():
            return
        _monitor_pid = os.getpid()
        # After a fork (gunicorn workers) the parent's monitor is gone: start one here.
        _watched.clear()
        _outstanding.clear()
    threading.Thread(target=_monitor, name="database-reply-watch", daemon=True).start()


@contextlib.contextmanager
def watching():
    """Bound the waits of this thread's PostgreSQL connections while the block runs."""
    aliases = [alias for alias in connections if connections[alias].vendor == "postgresql"]
    if not aliases or _reply_timeout() <= 0:
        yield
        return
    _ensure_monitor()
    thread = threading.get_ident()
    entries = {alias: [connections[alias], 0] for alias in aliases}

    def counted(entry):
        def wrapper(execute, sql, params, many, context):
            entry[1] += 1
            return execute(sql, params, many, context)

        return wrapper

    with contextlib.ExitStack() as stack:
        for entry in entries.values():
            stack.enter_context(entry[0].execute_wrapper(counted(entry)))
        with _lock:
            _watched[thread] = entries
        try:
            yield
        finally:
            with _lock:
                _watched.pop(thread, None)
                for alias in aliases:
                    _outstanding.pop((thread, alias), None)


def _active(pg):
    import psycopg

    try:
        return not pg.closed and pg.info.transaction_status == psycopg.pq.TransactionStatus.ACTIVE
    except Exception:  # noqa: BLE001 (a connection closing under our feet is not waiting)
        return False


def cut(pg):
    """Shut the connection's socket down: whoever waits on it gets an error now."""
    try:
        duplicate = socket.socket(fileno=os.dup(pg.fileno()))
    except Exception:  # noqa: BLE001 (closed meanwhile: nobody waits on it any more)
        return
    with contextlib.suppress(OSError):
        duplicate.shutdown(socket.SHUT_RDWR)
    duplicate.close()


def _check(now, timeout):
    with _lock:
        watched = [
            (thread, alias, entry)
            for thread, entries in _watched.items()
            for alias, entry in entries.items()
        ]
    for thread, alias, (wrapper, started) in watched:
        pg = wrapper.connection
        key = (thread, alias)
        if pg is None or not _active(pg):
            _outstanding.pop(key, None)
            continue
        seen = (id(pg), started)
        previous = _outstanding.get(key)
        if previous is None or previous[:2] != seen:
            _outstanding[key] = (*seen, now)
        elif now - previous[2] >= timeout:
            logger.warning(
                "The database %r did not answer for %.1fs: connection cut", alias, timeout
            )
            _outstanding.pop(key, None)
            breaker().failed()
            cut(pg)


def _monitor():
    pid = os.getpid()
    while _monitor_pid == pid:
        time.sleep(POLL_SECONDS)
        timeout = _reply_timeout()
        if timeout > 0:
            try:
                _check(time.monotonic(), timeout)
            except Exception:  # noqa: BLE001 (the watch must outlive any one odd connection)
                logger.exception("The database reply watch failed once")
