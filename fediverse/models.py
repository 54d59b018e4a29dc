from django.db import models

from blog.models import Post


class ActorKey(models.Model):
    """The blog actor's RSA key pair: one row, made by a migration and kept for good (peers
    cache the public key; a new one would break every signature they check)."""

    private_key_pem = models.TextField()
    public_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Key of {self.created_at:%Y-%m-%d}"


class Follower(models.Model):
    """A fediverse account that follows the blog."""

    actor_id = models.URLField(max_length=500, unique=True)
    inbox = models.URLField(max_length=500)
    shared_inbox = models.URLField(max_length=500, blank=True)
    follow_id = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.actor_id


class RemoteActor(models.Model):
    """A remote actor's document as last fetched (their keys, inboxes)."""

    actor_id = models.URLField(max_length=500, unique=True)
    document = models.JSONField()
    fetched_at = models.DateTimeField()

    def __str__(self):
        return self.actor_id


class Broadcast(models.Model):
    """A post as the followers last heard of it: sent as a Create, then an Update after each
    edit that changed it, a Delete when it stopped being public or was deleted."""

    post = models.OneToOneField(
        Post, null=True, on_delete=models.SET_NULL, related_name="fediverse_broadcast"
    )
    object_id = models.URLField(max_length=500)
    sent_at = models.DateTimeField()
    sent_digest = models.CharField(max_length=64, blank=True)
    deleted = models.BooleanField(default=False)

    def __str__(self):
        return self.object_id
