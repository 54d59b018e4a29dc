"""What a browser tells us about its reader: the name it asked us to remember and its key for
likes, each from a signed cookie. Read by the views and by the comment section's template tags."""

import json

REMEMBER_COOKIE = "comment_author"
REMEMBER_SALT = "comments.remember"
VISITOR_COOKIE = "reader"
VISITOR_SALT = "comments.likes"


def remembered_author(request):
    """Name, email and website this browser asked us to remember, if it did."""
    raw = request.get_signed_cookie(REMEMBER_COOKIE, default=None, salt=REMEMBER_SALT)
    try:
        saved = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(saved, dict):
        return {}
    return {key: str(saved[key]) for key in ("name", "email", "url") if key in saved}


def reader_key(request):
    return request.get_signed_cookie(VISITOR_COOKIE, default="", salt=VISITOR_SALT)
