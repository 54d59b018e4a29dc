from django.conf import settings
from django.urls import path, re_path

from blog import converters  # noqa: F401  (registers <yyyy:>, <dd:> and <uslug:>)

from . import account_views, feeds, privacy_views, stock_xtd, views

app_name = "comments"

urlpatterns = [
    # The same address as django-comments' own view, which this one replaces.
    path("comments/post/", views.post_comment, name="post"),
    # xtd's reply page becomes the post's own form with the parent set (the no-JavaScript path).
    path("comments/reply/<int:pk>/", views.reply, name="reply"),
    # xtd's JSON API is not used: it lists comments of drafts and gravatar hashes of emails.
    re_path(r"^comments/api/", views.not_found),
    path("comments/likes/comment/<int:pk>/", views.like_comment, name="like_comment"),
    path("comments/likes/post/<int:pk>/", views.like_post, name="like_post"),
    path("comments/feed/", feeds.RecentCommentsFeed(), name="feed"),
    path("comments/feed/atom/", feeds.RecentCommentsAtomFeed(), name="feed_atom"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<uslug:slug>/comments/feed/",
        feeds.PostCommentsFeed(),
        name="post_feed",
    ),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<uslug:slug>/comments/feed/atom/",
        feeds.PostCommentsAtomFeed(),
        name="post_feed_atom",
    ),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    # Commenters with an account: their page, and their own comment for a few minutes.
    path("commenters/<int:pk>/", account_views.commenter, name="commenter"),
    path("comments/<int:pk>/edit/", account_views.edit_comment, name="edit"),
    path("comments/<int:pk>/delete/", account_views.delete_comment, name="delete"),
    # The site owner's export and erasure of a commenter's data.
    path("privacy/personal-data/", privacy_views.personal_data, name="personal_data"),
]

if settings.BENCH_STOCK_XTD:
    # The yardstick `manage.py bench` measures the comment section against (comments.stock_xtd).
    urlpatterns.append(path("bench/stock-xtd/<int:pk>/", stock_xtd.page, name="stock_xtd"))
