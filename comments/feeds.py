"""RSS and Atom feeds of comments: one post's, and the whole site's latest.

Descriptions carry the comment's sanitized HTML (infra.markup); emails never leave the site.
"""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from blog.models import Post

from . import threads

FEED_LENGTH = 30


class CommentFeedMixin:
    def item_title(self, comment):
        return f"{comment.user_name} on “{comment.post.title}”"

    def item_description(self, comment):
        return threads.comment_html(comment)

    def item_link(self, comment):
        return threads.comment_url(comment, comment.post)

    def item_pubdate(self, comment):
        return comment.submit_date

    def item_author_name(self, comment):
        return comment.user_name


class RecentCommentsFeed(CommentFeedMixin, Feed):
    def title(self):
        return f"Comments on {settings.BLOG_TITLE}"

    def description(self):
        return f"The latest comments on {settings.BLOG_TITLE}."

    def link(self):
        return reverse("blog:home")

    def items(self):
        return threads.recent_comments(FEED_LENGTH)


class RecentCommentsAtomFeed(RecentCommentsFeed):
    feed_type = Atom1Feed
    subtitle = RecentCommentsFeed.description


class PostCommentsFeed(CommentFeedMixin, Feed):
    def get_object(self, request, year, month, day, slug):
        try:
            published_on = datetime.date(year, month, day)
        except (ValueError, OverflowError) as exc:
            raise Http404("No such date.") from exc
        return get_object_or_404(Post.objects.published(), published_on=published_on, slug=slug)

    def title(self, post):
        return f"Comments on “{post.title}”"

    def description(self, post):
        return f"Comments on “{post.title}”, newest first."

    def link(self, post):
        return f"{post.get_absolute_url()}#comments"

    def items(self, post):
        comments = list(
            threads.comments_of(post)
            .filter(is_public=True)
            .select_related("details")
            .order_by("-submit_date", "-pk")[:FEED_LENGTH]
        )
        for comment in comments:
            comment.post = post
        return comments


class PostCommentsAtomFeed(PostCommentsFeed):
    feed_type = Atom1Feed
    subtitle = PostCommentsFeed.description
