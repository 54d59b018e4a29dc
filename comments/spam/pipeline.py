"""The spam filter's entry points for the comment moderator.

The moderator (`comments.moderation`) calls `allow()` and `decide()` for every new comment
before it is saved; the decision is recorded as a `Moderation` row once xtd has saved it.
"""

from dataclasses import dataclass

from .models import Moderation


@dataclass(frozen=True)
class Decision:
    status: str = Moderation.Status.APPROVED
    check: str = ""
    reason: str = ""
    score: float | None = None

    @property
    def hold(self):
        return self.status != Moderation.Status.APPROVED


def allow(comment, content_object, request):
    """Whether the comment may be saved at all: (True, "") or (False, message for the person)."""
    return True, ""


def decide(comment, content_object, request):
    """Decide what happens to a new (unsaved) comment; see `Decision`."""
    return Decision()


def record(comment, request):
    """Store the decision made for `comment` once it has been saved."""
