from django import template

from blog.related import related_posts

register = template.Library()


@register.simple_tag
def related_reviews(post):
    """`{% related_reviews post as related %}`: up to six good matches, or an empty list."""
    return related_posts(post)
