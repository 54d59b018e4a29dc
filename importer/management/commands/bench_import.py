"""Time the WordPress import on a generated export; nothing is kept (all rolled back)."""

import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from importer.wordpress import WordPressImporter, wxr

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Benchmark blog</title><link>https://bench.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://bench.example.org</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>bench</wp:author_login>
<wp:author_email>bench@example.org</wp:author_email></wp:author>
"""
BODY = """This is my entry for “{letter}” in the challenge.

Title: Documentary number {n}
Release Date: April {day}, 2012
Director: Director {n} and Co-director {n}
Production Company: Company {n}

A paragraph about the film, long enough to look like a review. It goes on for a while.
<!--more-->
A second paragraph with a <a href="https://example.org/{n}">link</a>.

What Can One Learn From Watching This Documentary: Something worth knowing.
If You Like This You Might Also Want To …: Watch another one.

Source: I watched this movie on Netflix streaming, and it is also available on Hulu.

Rating: ***½"""


def _comment(cid, parent, n):
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author>Reader {cid}</wp:comment_author>"
        f"<wp:comment_author_email>r{cid}@example.org</wp:comment_author_email>"
        f"<wp:comment_author_IP>192.0.2.{cid % 250 + 1}</wp:comment_author_IP>"
        f"<wp:comment_date_gmt>2018-04-{n % 28 + 1:02d} 10:{cid % 60:02d}:00"
        "</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[Comment {cid} with <em>some</em> words.]]>"
        "</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
    )


def write_export(path, posts, comments):
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD)
        cid = 1
        for n in range(1, posts + 1):
            body = BODY.format(letter="ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 26], n=n, day=n % 28 + 1)
            out.write(
                f"<item><title>Movie Review: Documentary number {n} (2012)</title>"
                f"<link>https://bench.example.org/2018/04/{n % 28 + 1:02d}/review-{n}/</link>"
                f"<dc:creator>bench</dc:creator><wp:post_id>{n}</wp:post_id>"
                f"<wp:post_date_gmt>2018-04-{n % 28 + 1:02d} 08:00:00</wp:post_date_gmt>"
                f"<wp:post_name>review-{n}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f"<content:encoded>{escape(body)}</content:encoded>"
                f'<category domain="post_tag" nicename="tag-{n % 20}">Tag {n % 20}</category>'
            )
            first = cid
            for k in range(comments):
                # Every other comment answers the one before it: threads two levels deep.
                parent = cid - 1 if k % 2 and cid > first else 0
                out.write(_comment(cid, parent, n))
                cid += 1
            out.write("</item>\n")
        out.write("</channel></rss>\n")


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time import_wordpress on a generated export (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=300)
        parser.add_argument("--comments", type=int, default=10, help="Per post.")

    def handle(self, *args, posts, comments, **options):
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.xml"
            write_export(path, posts, comments)
            size = path.stat().st_size / 1024 / 1024
            started = time.perf_counter()
            export = wxr.read_export(path)
            parsed = sum(1 for _ in wxr.iter_items(path))
            parse_seconds = time.perf_counter() - started
            self.stdout.write(
                f"Export: {posts} posts, {posts * comments} comments, {size:.1f} MB; "
                f"read twice (check + items) in {parse_seconds:.2f} s "
                f"({export.item_count} = {parsed} items)"
            )
            try:
                with transaction.atomic(), connection.execute_wrapper(count):
                    for label in ("first import", "second import (no change)"):
                        queries = 0
                        started = time.perf_counter()
                        WordPressImporter(path).run()
                        seconds = time.perf_counter() - started
                        self.stdout.write(
                            f"{label}: {seconds:.2f} s, {posts / seconds:.0f} posts/s, "
                            f"{posts * comments / seconds:.0f} comments/s, "
                            f"{queries} queries ({queries / posts:.1f} per post)"
                        )
                    raise _Rollback
            except _Rollback:
                pass
