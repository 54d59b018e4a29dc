"""For `manage.py bench` only (BENCH_STOCK_XTD=1): a post rendered the way django-comments-xtd's
own documentation shows, `{% render_xtdcomment_tree %}` under the post, as the yardstick the
site's own comment section is measured against. Never routed otherwise."""

from django.shortcuts import get_object_or_404, render

from blog.models import Post


def page(request, pk):
    post = get_object_or_404(Post.objects.published(), pk=pk)
    return render(request, "comments/bench_stock_xtd.html", {"post": post})
