"""The "Author" and "Editor" groups and their permissions.

Authors write and edit their own posts (PostAdmin limits them to those) and may create the
documentaries, people and services a review needs. Editors may do everything with posts,
reviews and comments, moderation included. blog/ names its own models; each app built on it
names its own with `grant()` when it is ready, so blog/ never names them. The post_migrate
handler in BlogConfig runs this again after every migrate, when all permissions exist.
"""

from django.db.models import Q

AUTHOR = "Author"
EDITOR = "Editor"

AUTHOR_PERMISSIONS = {
    "blog": {
        "post": ["add", "change", "view"],
        "image": ["add", "change", "delete", "view"],
        "tag": ["add", "view"],
        "category": ["view"],
        "challenge": ["view"],
        "revision": ["view"],
    },
}
# Every permission of these apps goes to editors.
EDITOR_APPS = ["blog"]
EDITOR_EXTRA = {"auth": {"user": ["view"]}}  # to choose a post's author


def grant(app_label, *, author=None, editor=True):
    """What authors may do with the models of `app_label` ({model: [actions]}), and whether
    editors get every permission of it. Called by apps built on blog/ when they are ready."""
    if author:
        AUTHOR_PERMISSIONS[app_label] = author
    if editor and app_label not in EDITOR_APPS:
        EDITOR_APPS.append(app_label)


def _permission_filter(spec):
    query = Q(pk__in=[])
    for app_label, models in spec.items():
        for model, actions in models.items():
            query |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
    return query


def sync_groups(apps, using="default"):
    """Create both groups and add their permissions; permissions given by hand are kept."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    permissions = permission_model.objects.using(using)

    author, _ = group_model.objects.using(using).get_or_create(name=AUTHOR)
    author.permissions.add(*permissions.filter(_permission_filter(AUTHOR_PERMISSIONS)))

    editor, _ = group_model.objects.using(using).get_or_create(name=EDITOR)
    editor.permissions.add(
        *permissions.filter(
            Q(content_type__app_label__in=EDITOR_APPS) | _permission_filter(EDITOR_EXTRA)
        )
    )
