"""Time the archive, search and feed pages with many posts, in-process, and print figures.

Runs against the configured database (SQLite or PostgreSQL) inside a transaction that is
rolled back at the end, so generated posts never stay. Load the demo content first
(`manage.py load_demo`) for the seed review to be among the results.
"""

import datetime
import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import override_settings

from blog.challenge import LETTERS, letter_day
from blog.models import Challenge, Post, Tag

WORDS = [
    "archive",
    "film",
    "river",
    "city",
    "music",
    "war",
    "art",
    "science",
    "ocean",
    "history",
    "portrait",
    "street",
    "school",
    "election",
    "border",
    "climate",
    "island",
    "memory",
    "camera",
    "prison",
    "road",
    "family",
    "forest",
]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time archive, search and feed pages with generated posts (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=2000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, posts, repeat, **options):
        try:
            with transaction.atomic():
                self.generate(posts)
                self.measure(repeat)
                raise Rollback
        except Rollback:
            pass

    def generate(self, count):
        rng = random.Random(5)  # noqa: S311 (repeatable test data, not secrets)
        author, _ = get_user_model().objects.get_or_create(username="bench-author")
        tags = [Tag.objects.get_or_create(name=f"bench {w}", slug=f"bench-{w}")[0] for w in WORDS]
        base = datetime.datetime(2000, 1, 3, 9, tzinfo=datetime.UTC)
        start = time.perf_counter()
        for index in range(count):
            challenge, letter = None, ""
            published = base + datetime.timedelta(days=index)
            if index % 3 == 0:  # a third of them belong to a challenge year
                year = 1900 + index // 78
                challenge = Challenge.objects.get_or_create(name="Bench A to Z", year=year)[0]
                letter = LETTERS[(index // 3) % 26]
                day = letter_day(year, letter)
                published = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
            body = " ".join(rng.choice(WORDS) for _ in range(300))
            post = Post.objects.create(
                title=f"Bench post {index} about {rng.choice(WORDS)}",
                slug=f"bench-post-{index}",
                author=author,
                body=body,
                status=Post.Status.PUBLISHED,
                published_at=published,
                challenge=challenge,
                challenge_letter=letter,
            )
            post.tags.add(*rng.sample(tags, 3))
        self.stdout.write(
            f"{connection.vendor}: generated {count} posts in {time.perf_counter() - start:.1f}s "
            f"({Post.objects.published().count()} published in all)"
        )

    def measure(self, repeat):
        client = Client()
        pages = [
            ("archive index", "/archive/"),
            ("challenge index", "/challenge/"),
            ("A to Z grid", "/challenge/1901/"),
            ("letter page", "/challenge/letter/a/"),
            ("tag page", "/tag/bench-river/"),
            ("year archive", "/2003/"),
            ("month archive", "/2003/04/"),
            ("search (1 word)", "/search/?q=river"),
            ("search (3 words)", "/search/?q=river+camera+memory"),
            ("search (director)", "/search/?q=Klayman"),
            ("search (no hit)", "/search/?q=zzzzqqq"),
            ("RSS feed", "/feed/"),
            ("sitemap.xml", "/sitemap.xml"),
        ]
        self.stdout.write(
            f"{'page':<20} {'status':>6} {'queries':>7} {'median ms':>10} {'max ms':>8}"
        )
        with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
            for label, url in pages:
                client.get(url)  # warm caches and the connection
                timings = []
                for _ in range(repeat):
                    reset_queries()
                    start = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - start) * 1000)
                queries = len(connection.queries)
                self.stdout.write(
                    f"{label:<20} {response.status_code:>6} {queries:>7} "
                    f"{statistics.median(timings):>10.1f} {max(timings):>8.1f}"
                )
