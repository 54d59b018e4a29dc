"""Akismet through the `akismet` package: comment-check on arrival, corrections afterwards."""

import logging
from contextlib import contextmanager

import akismet
import httpx

from . import conf

logger = logging.getLogger(__name__)


class _EndpointTransport(httpx.HTTPTransport):
    """Sends the client's requests to another Akismet-compatible endpoint."""

    def __init__(self, base_url, **kwargs):
        super().__init__(**kwargs)
        self.base = httpx.URL(base_url)

    def handle_request(self, request):
        request.url = request.url.copy_with(
            scheme=self.base.scheme, host=self.base.host, port=self.base.port
        )
        return super().handle_request(request)


def enabled():
    return bool(conf.get("AKISMET_API_KEY"))


@contextmanager
def session():
    """A client for the configured key over a connection closed afterwards."""
    api_url = conf.get("AKISMET_API_URL")
    http = httpx.Client(
        headers={"User-Agent": akismet.USER_AGENT},
        timeout=float(conf.get("AKISMET_TIMEOUT")),
        transport=_EndpointTransport(api_url) if api_url else None,
    )
    config = akismet.Config(key=conf.get("AKISMET_API_KEY"), url=conf.get("AKISMET_SITE_URL"))
    try:
        yield akismet.SyncClient(config=config, http_client=http)
    finally:
        http.close()


def comment_arguments(*, text, name, email, url, user_agent, referrer, permalink=""):
    arguments = {
        "comment_type": "comment",
        "comment_content": text,
        "comment_author": name,
        "comment_author_email": email,
        "comment_author_url": url,
        "user_agent": user_agent,
        "referrer": referrer,
        "permalink": permalink,
    }
    return {key: value for key, value in arguments.items() if value}


def check(ip, **arguments):
    """True for spam, False for ham; raises akismet.AkismetError when Akismet can't answer."""
    with session() as api:
        answer = api.comment_check(ip or "", **comment_arguments(**arguments))
    return answer != akismet.CheckResponse.HAM


def submit(is_spam, ip, **arguments):
    """Report a moderator's correction; returns whether Akismet took it (never raises)."""
    try:
        with session() as api:
            method = api.submit_spam if is_spam else api.submit_ham
            return method(ip or "", **comment_arguments(**arguments))
    except akismet.AkismetError:
        logger.warning("Akismet did not take a %s report", "spam" if is_spam else "ham")
        return False
