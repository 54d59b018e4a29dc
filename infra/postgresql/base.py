"""Django's PostgreSQL backend, with a breaker in front of connecting.

A database that does not answer costs the first request DATABASE_CONNECT_TIMEOUT (libpq waits
at least two seconds) or DATABASE_REPLY_TIMEOUT (infra.dbwatch). After that, connecting fails
at once in this process, so every request that needs the database answers its 503 (or its "we
could not save this") at once instead of queueing behind the others' timeouts. Every
DATABASE_BREAKER_OPEN seconds a thread of its own tries to connect, so no reader waits for the
trial either; once that works, requests connect again.
"""

import threading

from django.db.backends.postgresql import base

from infra import dbwatch


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        breaker = dbwatch.breaker()
        if breaker.is_open:
            if breaker.allow():  # time for a trial: in the background
                threading.Thread(
                    target=self._trial, args=(conn_params,), name="database-trial", daemon=True
                ).start()
            raise self.Database.OperationalError(
                "the database did not answer a moment ago: not asked again yet"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except Exception:
            breaker.failed()
            raise
        breaker.succeeded()
        return connection

    def _trial(self, conn_params):
        breaker = dbwatch.breaker()
        try:
            self.Database.connect(**conn_params).close()
        except Exception:  # noqa: BLE001 (still away: the breaker stays open)
            breaker.failed()
        else:
            breaker.succeeded()
