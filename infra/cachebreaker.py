"""Django's Redis cache with a circuit breaker: a Redis that hangs or is gone costs little.

Every call is bounded by the socket timeouts in OPTIONS. After `breaker_failures` connection
errors or timeouts within `breaker_window` seconds the breaker opens: for `breaker_open` seconds
every call raises `CacheUnavailable` at once, without touching the network. The first call after
that is a trial: if it works the breaker closes, if it fails it opens again. Callers already treat
any cache exception as a miss (a page rendered afresh, a limit not counted).

One breaker per Redis server and process, shared by every alias and thread that uses it.

A write that did not reach Redis (a new page version, say) leaves what Redis holds stale once it
answers again. The first call that works after such a loss runs the hooks given to
`when_writes_lost()`: the page cache moves its version there.
"""

import functools
import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

BREAKER_OPTIONS = {"breaker_failures": 3, "breaker_window": 10.0, "breaker_open": 5.0}


class CacheUnavailable(RedisConnectionError):
    """The breaker is open: Redis was not asked."""


class Breaker:
    def __init__(self, name, failures, window, open_seconds, clock=time.monotonic):
        self.name = name
        self.failures = failures
        self.window = window
        self.open_seconds = open_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._recent = []
        self._open_until = None
        self._trial_running = False
        self._lost_writes = False

    @property
    def is_open(self):
        with self._lock:
            return self._open_until is not None

    def allow(self):
        """May a call go out? While open, no; once the time is up, one trial call may."""
        with self._lock:
            if self._open_until is None:
                return True
            if self.clock() < self._open_until or self._trial_running:
                return False
            self._trial_running = True
            return True

    def lost_write(self):
        with self._lock:
            self._lost_writes = True

    def take_lost_writes(self):
        with self._lock:
            lost, self._lost_writes = self._lost_writes, False
            return lost

    def succeeded(self):
        with self._lock:
            if self._open_until is not None:
                logger.warning("%s answers again: breaker closed", self.name)
            self._open_until = None
            self._trial_running = False
            self._recent.clear()

    def failed(self):
        with self._lock:
            now = self.clock()
            self._trial_running = False
            if self._open_until is not None:
                self._open_until = now + self.open_seconds
                return
            self._recent = [at for at in self._recent if now - at < self.window] + [now]
            if len(self._recent) >= self.failures:
                self._open_until = now + self.open_seconds
                self._recent.clear()
                logger.warning(
                    "%s failed %d times: not asked for %ss",
                    self.name,
                    self.failures,
                    self.open_seconds,
                )


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, **options):
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = Breaker(
                location,
                int(options["breaker_failures"]),
                float(options["breaker_window"]),
                float(options["breaker_open"]),
            )
        return _breakers[location]


_lost_write_hooks = []


def when_writes_lost(hook):
    """Call `hook()` once Redis answers again after writes to it were lost."""
    if hook not in _lost_write_hooks:
        _lost_write_hooks.append(hook)


def _after_lost_writes():
    for hook in _lost_write_hooks:
        try:
            hook()
        except Exception:
            logger.warning("A hook after lost cache writes failed", exc_info=True)


UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _guarded(method, writes=False):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if not self.breaker.allow():
            if writes:
                self.breaker.lost_write()
            raise CacheUnavailable(f"the cache {self.breaker.name} is not asked for a while")
        try:
            result = method(self, *args, **kwargs)
        except UNREACHABLE:
            self.breaker.failed()
            if writes:
                self.breaker.lost_write()
            raise
        except Exception:
            # Redis answered, with an error of its own (out of memory, say): it is reachable.
            self.breaker.succeeded()
            raise
        self.breaker.succeeded()
        if self.breaker.take_lost_writes():
            _after_lost_writes()
        return result

    return call


class BreakerRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        breaker_options = {key: options.pop(key, value) for key, value in BREAKER_OPTIONS.items()}
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = breaker_for(server, **breaker_options)

    get = _guarded(RedisCache.get)
    get_many = _guarded(RedisCache.get_many)
    has_key = _guarded(RedisCache.has_key)
    add = _guarded(RedisCache.add, writes=True)
    set = _guarded(RedisCache.set, writes=True)
    touch = _guarded(RedisCache.touch, writes=True)
    delete = _guarded(RedisCache.delete, writes=True)
    incr = _guarded(RedisCache.incr, writes=True)
    set_many = _guarded(RedisCache.set_many, writes=True)
    delete_many = _guarded(RedisCache.delete_many, writes=True)
    clear = _guarded(RedisCache.clear, writes=True)


class FragmentRedisCache(BreakerRedisCache):
    """For Django's `{% cache %}` tag, which lets a cache's errors through to the page: a part
    that cannot be read is rendered, one that cannot be kept is not."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception:  # noqa: BLE001 (the breaker has counted it)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except Exception:  # noqa: BLE001
            logger.debug("A page part was not kept: the cache did not answer")
