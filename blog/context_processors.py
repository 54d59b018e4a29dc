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
        # Called only where a template asks for it (the menu): one small query there.
        "menu_challenge": menu_challenge,
        "about_page": about_page,
    }
