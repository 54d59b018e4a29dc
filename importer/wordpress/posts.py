"""WordPress posts: status and dates, terms, the A-to-Z letter and the review in the text."""

import dataclasses
import datetime
import html

from django.utils import timezone

from blog.models import Challenge, Post
from importer import common
from importer.models import WordPressItem
from infra.markup import html_to_text, render_markdown
from reviews.models import Review
from reviews.posters import save_documentary

from . import convert, recognize
from .records import digest_of, old_path_of, plain_title, slug_of

CHALLENGE_NAME = "Blogging from A to Z"


class PostsMixin:
    # Posts -------------------------------------------------------------------------------

    def _post_status(self, item):
        """(our status, published_at, what to count) for a WordPress status."""
        when = item.date_gmt
        if when is None and item.date_local is not None:
            when = item.date_local.replace(tzinfo=datetime.UTC)
        status = item.status
        label = plain_title(item.title) or f"#{item.id}"
        if item.password.strip():
            self.summary.warn(f'post {item.id} "{label}": password protected, imported as a draft')
            return Post.Status.DRAFT, when, "draft"
        if status == "publish":
            return Post.Status.PUBLISHED, when or timezone.now(), "published"
        if status == "future":
            return Post.Status.PUBLISHED, when or timezone.now(), "scheduled"
        if status == "private":
            self.summary.warn(f'post {item.id} "{label}": private, imported as a draft')
            return Post.Status.DRAFT, when, "private"
        if status not in ("draft", "pending", "auto-draft"):
            self.summary.warn(f'post {item.id} "{label}": status "{status}" imported as a draft')
        return Post.Status.DRAFT, (when if status != "auto-draft" else None), "draft"

    def _import_post(self, item):
        if item.status in ("trash", "inherit"):
            self.summary.counts[f"skipped {item.status} post"] += 1
            return
        s = self.summary
        record = self._record("post", item.id)
        post = self._target(record, Post)
        item_data = dataclasses.asdict(item)
        item_data.pop("comments")
        digest = digest_of(item_data, bool(self.media_dir))
        status, published_at, label = self._post_status(item)
        if post is not None and record.digest == digest:
            s.counts["post unchanged"] += 1
            s.counts[f"post {label}"] += 1
            s.counts["review"] += bool(record.data.get("review"))
            s.counts["challenge entry"] += bool(record.data.get("letter"))
            s.unrecognised.extend(
                f'post {item.id} "{post.title}": {line}'
                for line in record.data.get("unrecognised", [])
            )
            if item.sticky:
                s.sticky.append(post.title)
            self._import_comments(item, post)
            return

        title = plain_title(item.title) or f"Untitled ({item.id})"
        slug = (slug_of(item.slug) or slug_of(title) or f"post-{item.id}")[:200]
        day = timezone.localtime(published_at).date() if published_at else None
        if post is None and day:
            post = Post.objects.filter(published_on=day, slug=slug).first()
            if post is not None:
                if WordPressItem.objects.filter(
                    kind="post", content_type=self.post_type, object_id=post.pk
                ).exists():
                    slug = self._free_slug(slug, day)
                    post = None
                else:
                    s.warn(f'post {item.id} "{title}": took over the existing post at {slug}')
        created = post is None
        post = post or Post()

        found = recognize.find_review(item.content, title, self.known_services)
        found = recognize.apply_review_meta(found, item.meta)
        s.unrecognised.extend(f'post {item.id} "{title}": {line}' for line in found.unrecognised)
        conversion = self._convert(item, found.content)
        attachment, featured_url = self._featured_image(item)
        body = conversion.body
        if featured_url and not found.is_review and featured_url not in body:
            alt = html.escape(plain_title(attachment.title))
            body = f'<figure><img src="{html.escape(featured_url)}" alt="{alt}"></figure>\n\n{body}'

        post.title = title
        post.slug = slug
        post.author = self._user(item.creator)
        post.body = body
        excerpt_source = item.excerpt.strip() or conversion.excerpt_html
        post.excerpt = html_to_text(render_markdown(convert.autop(excerpt_source)))
        post.status = status
        post.published_at = published_at
        post.allow_comments = item.comment_status != "closed"
        letter = recognize.letter_from_meta(item.meta) or recognize.find_challenge_letter(
            item.title, item.content
        )
        post.challenge, post.challenge_letter = self._challenge(item, post, letter, published_at)
        if created and day:
            clash = Post.objects.filter(published_on=day, slug=slug).exclude(pk=post.pk)
            if clash.exists():
                post.slug = self._free_slug(slug, day)
        post.save()
        post.tags.set(self._item_terms(item, "post_tag", "tag"))
        post.categories.set(self._item_terms(item, "category", "category"))

        if found.is_review:
            self._review(post, found, featured_url, attachment)
        s.counts["post created" if created else "post updated"] += 1
        s.counts[f"post {label}"] += 1
        if item.sticky:
            s.sticky.append(title)
        old = old_path_of(item.link)
        self._save_record(
            record,
            "post",
            item.id,
            post,
            digest=digest,
            old_path=old,
            data={
                "sticky": item.sticky,
                "status": item.status,
                "link": item.link,
                "review": found.is_review,
                "letter": post.challenge_letter,
                "unrecognised": found.unrecognised,
            },
        )
        self._import_comments(item, post)

    def _free_slug(self, slug, day):
        n = 2
        while Post.objects.filter(published_on=day, slug=f"{slug[:190]}-{n}").exists():
            n += 1
        return f"{slug[:190]}-{n}"

    def _item_terms(self, item, domain, kind):
        return [
            self._term(kind, nicename, name)
            for item_domain, nicename, name in item.terms
            if item_domain == domain and (nicename or name)
        ]

    def _challenge(self, item, post, letter, published_at):
        if not letter:
            if recognize.CHALLENGE_TAG_RE.search(item.title):
                self.summary.warn(
                    f'post {item.id} "{plain_title(item.title)}": #atozchallenge without '
                    "“my entry for “X”” in the text: no letter set"
                )
            return None, ""
        when = published_at or (
            item.date_local.replace(tzinfo=datetime.UTC) if item.date_local else None
        )
        if when is None:
            return None, ""
        year = timezone.localtime(when).year
        challenge = self._challenges.get(year)
        if challenge is None:
            challenge = Challenge.objects.get_or_create(
                name=CHALLENGE_NAME, year=year, defaults={"hashtag": "atozchallenge"}
            )[0]
            self._challenges[year] = challenge
        taken = Post.objects.filter(challenge=challenge, challenge_letter=letter)
        if post.pk:
            taken = taken.exclude(pk=post.pk)
        if taken.exists():
            self.summary.warn(
                f'post {item.id} "{plain_title(item.title)}": {year} already has a post '
                f"for “{letter}”"
            )
            return None, ""
        self.summary.counts["challenge entry"] += 1
        return challenge, letter

    def _review(self, post, found, featured_url, attachment):
        s = self.summary
        documentary = self._documentary(found)
        if featured_url and not documentary.poster:
            file_record = self._record("file", convert.upload_path(attachment.attachment_url))
            if file_record and file_record.data.get("name"):
                documentary.poster = file_record.data["name"]
                save_documentary(documentary)
        services = [self._service(name) for name in found.services]
        review = Review.objects.filter(post=post).first() or Review(post=post)
        review.documentary = documentary
        review.rating = found.rating
        review.watched_via = found.watched_via
        review.watched_service = services[0] if services else None
        review.lessons = found.lessons
        if found.watched_on:
            review.watched_on = found.watched_on
        review.also_like = found.also_like
        review.save()
        review.also_available_on.set(services[1:])
        s.counts["review"] += 1
        return review

    def _documentary(self, found):
        return common.documentary_for(
            found.title,
            found.release_year,
            counts=self.summary.counts,
            release_date=found.release_date,
            directors=found.directors,
            companies=found.companies,
        )

    def _service(self, name):
        return common.service(name, self.known_services)
