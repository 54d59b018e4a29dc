"""Two app servers behind nginx, as two machines would run them, all on 127.0.0.1.

The servers are started by tests/topology_servers.py. Runs with `pytest -m topology`; skipped
where PostgreSQL, redis-server or nginx is missing.
"""

import contextlib
import io
import re
import secrets
import signal
import tempfile
import threading
import time

import httpx
import pytest
from PIL import Image

from comments.benchmarks import form_fields, post_comment
from tests.topology_servers import (
    BUCKET,
    PASSWORD,
    SEED_FILM,
    SEED_POST,
    Topology,
    admin_form,
    wait_for,
)

pytestmark = pytest.mark.topology


@pytest.fixture(scope="module")
def topology():
    with (
        tempfile.TemporaryDirectory(prefix="topology-") as workdir,
        contextlib.ExitStack() as stack,
    ):
        running = Topology(workdir)
        running.start(stack)
        yield running


def logged_in_client(topology, server, username, login_path, login_field):
    client = httpx.Client(timeout=30)
    page = client.get(topology.url(server, login_path))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        topology.url(server, login_path),
        data={login_field: username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": topology.url(server, login_path)},
    )
    assert answer.status_code == 302, answer.text[:500]
    return client


def poster_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (700, 1000), (20, 120, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_image_uploaded_on_a_is_served_on_a_page_rendered_by_b(topology):
    admin = logged_in_client(topology, "a", "boss", "/admin/login/", "username")
    # The session started on A is good on B: DB sessions, one SECRET_KEY.
    assert admin.get(topology.url("b", "/admin/")).status_code == 200
    film_id = topology.sql(
        "SELECT id FROM reviews_documentary WHERE slug = 'ai-weiwei-never-sorry-2012'"
    )[0][0]
    change = f"/admin/reviews/documentary/{film_id}/change/"
    data = admin_form(admin.get(topology.url("a", change)).text, "documentary_form")
    data["_save"] = ["Save"]
    content = poster_jpeg()
    answer = admin.post(
        topology.url("a", change),
        data=data,
        files={"poster": ("topology.jpg", content, "image/jpeg")},
        headers={"Referer": topology.url("a", change)},
    )
    assert answer.status_code == 302, answer.text[:2000]

    reader = httpx.Client(timeout=30)
    bucket_url = re.escape(f"{topology.url('s3')}/{BUCKET}/")
    page = reader.get(topology.url("b", SEED_FILM)).text
    original = re.search(rf'<img src="({bucket_url}posters/\d{{4}}/topology[^"]*\.jpg)"', page)
    assert original, "B's page does not link the poster in the bucket"
    assert httpx.get(original.group(1)).content == content

    # The worker makes the smaller copies from the bucket, into the bucket; B's page shows them.
    def copies_on_b():
        html = reader.get(topology.url("b", SEED_FILM)).text
        return re.search(rf'({bucket_url}posters/\d{{4}}/topology[^" ]*\.w320\.webp) 320w', html)

    copy = wait_for(copies_on_b, 60, "the poster's renditions showing on B")
    with Image.open(io.BytesIO(httpx.get(copy.group(1)).content)) as served:
        assert (served.format, served.width) == ("WEBP", 320)
    # Neither server kept the upload on its own disk.
    assert not list(topology.workdir.glob("server-*/media/**/*.jpg"))


def test_a_comment_posted_on_a_shows_on_the_next_request_to_b_and_its_mail_is_sent(topology):
    page = httpx.get(topology.url("a", SEED_POST)).text
    text = f"Seen from two servers {secrets.token_hex(4)}"
    post_comment(topology.url("a"), form_fields(page), text, "topology")
    assert text in httpx.get(topology.url("b", SEED_POST)).text
    assert text in httpx.get(topology.url("nginx", SEED_POST + "?after-comment")).text

    # The post's author is told by the worker, not by the request.
    def mailed():
        return [
            envelope
            for envelope in topology.mail.messages
            if "liam@example.com" in envelope.rcpt_tos and text.encode() in envelope.content
        ]

    assert wait_for(mailed, 30, "the comment's mail reaching the SMTP server")


def test_a_reader_logged_in_on_a_is_logged_in_on_b(topology):
    reader = logged_in_client(topology, "a", "reader", "/accounts/login/", "login")
    on_b = reader.get(topology.url("b", "/accounts/email/"))
    assert on_b.status_code == 200
    assert "reader@example.com" in on_b.text
    assert httpx.get(topology.url("b", "/accounts/email/")).status_code == 302  # not logged in


def test_like_limits_count_across_both_servers(topology):
    post_id = topology.sql(
        "SELECT id FROM blog_post WHERE slug = 'movie-review-ai-weiwei-never-sorry-2012'"
    )[0][0]
    answers = []
    for server in ("a", "b", "a", "b"):
        # A new reader each time, from the same address: only the address is counted.
        answers.append(
            httpx.post(
                topology.url(server, f"/comments/likes/post/{post_id}/"),
                headers={"Accept": "application/json"},
            ).status_code
        )
    assert answers == [200, 200, 200, 429]


def test_healthz_follows_redis_and_readers_keep_getting_pages(topology):
    topology.stop("redis")
    for server in ("a", "b", "nginx"):
        response = httpx.get(topology.url(server, "/healthz"), timeout=5)
        assert response.status_code == 503
        assert response.json()["cache"] is False
    # Pages come from the database meanwhile, on both servers and through nginx.
    for server in ("a", "b", "nginx"):
        page = httpx.get(topology.url(server, f"{SEED_POST}?redis-down-{server}"), timeout=10)
        assert page.status_code == 200
        assert "Ai Weiwei" in page.text

    topology.start_redis()
    for server in ("a", "b", "nginx"):
        wait_for(
            lambda server=server: httpx.get(topology.url(server, "/healthz")).status_code == 200,
            15,
            f"/healthz on {server} answering 200 again",
        )


def test_a_rolling_reload_of_both_servers_loses_no_request(topology):
    answers = []
    done = threading.Event()

    def reader():
        with httpx.Client(timeout=30) as client:
            n = 0
            while not done.is_set():
                n += 1  # a new address each time: past nginx's micro-cache, to the servers
                answers.append(client.get(topology.url("nginx", f"/?reload={n}")).status_code)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for server in ("a", "b"):
            # What a deploy does: gunicorn's graceful reload, one server at a time.
            topology.processes[server].send_signal(signal.SIGHUP)
            time.sleep(3)
            wait_for(
                lambda server=server: (
                    httpx.get(topology.url(server, "/healthz")).status_code == 200
                ),
                30,
                f"{server} answering after its reload",
            )
    finally:
        done.set()
        thread.join()
    assert len(answers) > 10
    assert set(answers) == {200}


def test_nginx_sends_gets_to_the_other_server_when_one_stops(topology):
    topology.stop("a")
    answers = [
        httpx.get(topology.url("nginx", f"/?after-a-stopped={n}"), timeout=20).status_code
        for n in range(6)
    ]
    assert answers == [200] * 6
