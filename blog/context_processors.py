import functools

from django.conf import settings

from .models import Page
from .navigation import menu_challenge


def about_page():
    return Page.objects.published().filter(slug="about").only("title", "slug").first()


def site(request):
    return {
        "blog_title": settings.BLOG_TITLE,
        "blog_tagline": settings.BLOG_TAGLINE,
        "contact_email": settings.BLOG_CONTACT_EMAIL,
        # Looked up only where a template asks (the menu, the footer), and once per request.
        "menu_challenge": functools.cache(menu_challenge),
        "about_page": functools.cache(about_page),
    }
