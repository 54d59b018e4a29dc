from django import template

from blog.related import related_posts

register = template.Library()


@register.simple_tag
def related_reviews(post, linked=None):
    """`{% related_reviews post other_letter_posts as related %}`: up to six good matches.

    An empty list when there are none; `linked` (posts the page already links) are left out.
    A missing template variable arrives as "": then related_posts finds those posts itself.
    """
    return related_posts(post, linked=None if isinstance(linked, str) else linked)
