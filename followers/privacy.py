"""What the personal-data export and erase (infra.personal_data) get from this app."""

from .models import Follower
from .services import normalize_email


def _iso(value):
    return value.isoformat() if value else None


def export(email):
    follower = Follower.objects.filter(email=normalize_email(email)).first()
    if follower is None:
        return None
    return {
        "email": follower.email,
        "state": follower.get_state_display(),
        "sends": follower.get_frequency_display(),
        "source": follower.get_source_display(),
        "followed_at": _iso(follower.followed_at),
        "confirmed_at": _iso(follower.confirmed_at),
        "unsubscribed_at": _iso(follower.unsubscribed_at),
        "mails_sent": follower.deliveries.filter(status="sent").count(),
    }


def erase(email):
    """The follow and its delivery records go; returns how many follows were removed."""
    deleted = Follower.objects.filter(email=normalize_email(email)).delete()[1]
    return deleted.get("followers.Follower", 0)
