"""Django's PostgreSQL backend, with a breaker in front of connecting.

A database that does not answer costs the first request DATABASE_CONNECT_TIMEOUT (libpq waits
at least two seconds) or DATABASE_REPLY_TIMEOUT (infra.dbwatch). After that, for
DATABASE_BREAKER_OPEN seconds, connecting fails at once in this process, so every request that
needs the database answers its 503 (or its "we could not save this") at once instead of queueing
behind the others' timeouts; then one request tries again.
"""

from django.db.backends.postgresql import base

from infra import dbwatch


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        breaker = dbwatch.breaker()
        if not breaker.allow():
            raise self.Database.OperationalError(
                "the database did not answer a moment ago: not asked again yet"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except Exception:
            breaker.failed()  # a trial that fails in any way must not leave the breaker stuck
            raise
        breaker.succeeded()
        return connection
