from django.db import migrations


def fill_search_extra(apps, schema_editor):
    """Copy each reviewed post's documentary title and directors' names into the post."""
    Post = apps.get_model("blog", "Post")
    Review = apps.get_model("reviews", "Review")
    reviews = Review.objects.select_related("documentary").prefetch_related(
        "documentary__directors"
    )
    for review in reviews.iterator(chunk_size=500):
        directors = sorted(person.name for person in review.documentary.directors.all())
        text = " ".join([review.documentary.title, *directors])
        Post.objects.filter(pk=review.post_id).update(search_extra=text)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_post_search_extra"),
        ("reviews", "0002_documentary_poster_renditions"),
    ]

    operations = [
        migrations.RunPython(fill_search_extra, migrations.RunPython.noop),
    ]
