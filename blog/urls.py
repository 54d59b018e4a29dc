from django.urls import path

from . import (
    archive,
    converters,  # noqa: F401  (registers <uslug:>, <dd:>, <yyyy:> and <letter:>)
    feeds,
    search,
    views,
)

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="home"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<uslug:slug>/",
        views.PostDetailView.as_view(),
        name="post_detail",
    ),
    path("preview/<int:pk>/", views.DraftPreviewView.as_view(), name="draft"),
    path("preview/share/<str:token>/", views.SharedPreviewView.as_view(), name="shared_preview"),
    # Archives, search and feeds (WordPress's addresses where it has them).
    path("archive/", archive.ArchiveIndexView.as_view(), name="archive"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("challenge/", archive.ChallengeIndexView.as_view(), name="challenges"),
    path("challenge/<yyyy:year>/", archive.ChallengeYearView.as_view(), name="challenge_year"),
    path("challenge/<yyyy:year>/feed/", feeds.ChallengeFeed(), name="challenge_feed"),
    path("challenge/<yyyy:year>/feed/atom/", feeds.AtomChallengeFeed(), name="challenge_atom"),
    path("challenge/letter/<letter:letter>/", archive.LetterView.as_view(), name="letter"),
    path("feed/", feeds.PostsFeed(), name="feed"),
    path("feed/atom/", feeds.AtomPostsFeed(), name="feed_atom"),
    path("tag/<uslug:slug>/", archive.TagView.as_view(), name="tag"),
    path("tag/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("tag/<uslug:slug>/feed/atom/", feeds.AtomTagFeed(), name="tag_atom"),
    path("category/<uslug:slug>/", archive.CategoryView.as_view(), name="category"),
    path("category/<uslug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("category/<uslug:slug>/feed/atom/", feeds.AtomCategoryFeed(), name="category_atom"),
    # WordPress nests child categories under their parent: /category/parent/child/.
    path(
        "category/<uslug:parent>/<uslug:slug>/",
        archive.subcategory_redirect,
        name="subcategory",
    ),
    path("<yyyy:year>/", archive.YearView.as_view(), name="year"),
    path("<yyyy:year>/<dd:month>/", archive.MonthView.as_view(), name="month"),
    path("<yyyy:year>/<dd:month>/<dd:day>/", archive.DayView.as_view(), name="day"),
    # Keep last: a page's slug would otherwise shadow every other address.
    path("<uslug:slug>/", views.PageDetailView.as_view(), name="page_detail"),
]
