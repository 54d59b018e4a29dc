from django.db.models import Q
from django.views.generic import DetailView, ListView

from blog.models import Post

from .models import Documentary


class DocumentaryListView(ListView):
    template_name = "reviews/documentary_list.html"
    context_object_name = "documentaries"
    paginate_by = 50

    def get_queryset(self):
        return (
            Documentary.objects.filter(reviews__post__in=Post.objects.published())
            .distinct()
            .with_people()
        )


class DocumentaryDetailView(DetailView):
    template_name = "reviews/documentary_detail.html"
    context_object_name = "documentary"

    def get_queryset(self):
        # Only films a published review names: a draft must not reveal what comes next.
        published = Post.objects.published()
        return (
            Documentary.objects.filter(
                Q(reviews__post__in=published) | Q(recommended_in__post__in=published)
            )
            .distinct()
            .with_people()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviews"] = (
            self.object.reviews.filter(post__in=Post.objects.published())
            .select_related("post")
            .order_by("-post__published_at")
        )
        return context
