"""WordPress comments: threads, states, linkbacks and the spam filter's moderation rows."""

import dataclasses
import datetime
import html

from django.conf import settings
from django.utils import timezone
from django_comments_xtd.models import XtdComment

from comments.models import CommentDetails
from comments.spam.models import Moderation
from importer.models import WordPressItem

from . import convert
from .records import clean_ip, digest_of

COMMENT_STATES = {"1": "public", "0": "pending", "spam": "spam", "trash": "removed"}
MODERATION_STATUS = {
    "public": "approved",
    "pending": "pending",
    "spam": "spam",
    "removed": "removed",
}
COMMENT_TYPES = {"comment", "pingback", "trackback"}


class CommentsMixin:
    # Comments ----------------------------------------------------------------------------

    def _import_comments(self, item, post):
        if not item.comments:
            return
        by_id = {c.id: c for c in item.comments}
        ordered, seen = [], set()

        def visit(comment):
            if comment.id in seen:
                return
            seen.add(comment.id)
            parent = by_id.get(comment.parent)
            if parent is not None:
                visit(parent)
            ordered.append(comment)

        earliest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        for comment in sorted(item.comments, key=lambda c: (c.date_gmt or earliest, c.id)):
            visit(comment)

        records = {
            r.wp_id: r
            for r in WordPressItem.objects.filter(
                source=self.source, kind="comment", wp_id__in=[str(c.id) for c in ordered]
            )
        }
        existing = XtdComment.objects.in_bulk(
            [r.object_id for r in records.values() if r.object_id]
        )
        # A post whose comments all arrive now gets its threads computed here in one pass;
        # new comments joining threads already here go through xtd's own save, one by one.
        self._whole_tree = not existing
        self._by_pk = dict(existing)
        ours = {}  # WordPress comment id -> our comment
        states = {}
        for comment in ordered:
            record = records.get(str(comment.id))
            obj = existing.get(record.object_id) if record else None
            states[comment.id] = self._comment_state(item, comment)
            ours[comment.id] = self._import_comment(
                item, post, comment, states[comment.id], record, obj, ours
            )
            self._by_pk[ours[comment.id].pk] = ours[comment.id]
        if self._whole_tree:
            self._number_threads([ours[c.id] for c in ordered])
        self._flush_new_comments()
        self._hide_under_hidden(item, ordered, ours, states)

    @staticmethod
    def _number_threads(comments):
        """Thread fields as xtd's save would give comments posted one by one in this order.

        xtd keeps each thread in pre-order: a reply goes after the last comment of the subtree
        it answers, so `order` numbers the thread depth-first with replies by date; `level` is
        the depth, `nested_count` the number of replies below, `thread_id` the top comment.
        """
        children = {}
        roots = []
        for obj in comments:  # parents come before their replies, replies by date
            if obj.parent_id:
                children.setdefault(obj.parent_id, []).append(obj)
            else:
                roots.append(obj)

        def walk(obj, thread_id, level, counter):
            obj.thread_id, obj.level = thread_id, level
            obj.order = counter[0]
            counter[0] += 1
            below = 0
            for child in children.get(obj.pk, ()):
                below += 1 + walk(child, thread_id, level + 1, counter)
            obj.nested_count = below
            return below

        for root in roots:
            root.parent_id = root.pk
            walk(root, root.pk, 0, [1])
        XtdComment.objects.bulk_update(
            comments, ["thread_id", "parent_id", "level", "order", "nested_count"], batch_size=500
        )

    def _hide_under_hidden(self, item, ordered, ours, states):
        """Replies under a hidden comment are hidden too, as xtd does when one is unpublished.

        Each comment first gets its own WordPress state; a reply whose parent (or any
        ancestor) is pending, spam or removed is then taken out of the public thread.
        """
        visible = {}  # our pk -> shown
        by_pk = {obj.pk: wp_id for wp_id, obj in ours.items()}
        for comment in ordered:
            obj = ours[comment.id]
            own = states[comment.id][0] == "public"
            parent_pk = obj.parent_id if obj.parent_id != obj.pk else None
            shown = (own and visible.get(parent_pk, True)) if parent_pk else own
            visible[obj.pk] = shown
            if own and not shown:
                self.summary.counts["comment public"] -= 1
                self.summary.counts["comment hidden"] += 1
                parent_wp = by_pk.get(parent_pk)
                self.summary.warn(
                    f"comment {comment.id} on post {item.id}: approved, but hidden with "
                    f"the comment it answers ({parent_wp})"
                )
            if obj.is_public != shown:
                XtdComment.norel_objects.filter(pk=obj.pk).update(is_public=shown)
                obj.is_public = shown

    def _comment_state(self, item, comment):
        state = COMMENT_STATES.get(comment.approved)
        if state is None:
            state = "removed" if "trash" in comment.approved else "pending"
            self.summary.warn(
                f'comment {comment.id} on post {item.id}: approval "{comment.approved}" '
                f"imported as {state}"
            )
        kind = comment.type if comment.type in COMMENT_TYPES else "comment"
        if comment.type not in COMMENT_TYPES:
            self.summary.warn(
                f'comment {comment.id} on post {item.id}: unknown type "{comment.type}" '
                "imported as a comment"
            )
        return state, kind

    def _import_comment(self, item, post, comment, state_kind, record, obj, ours):
        s = self.summary
        state, kind = state_kind
        digest = digest_of(dataclasses.asdict(comment), post.pk)
        s.counts[f"comment {state}"] += 1
        if kind != "comment":
            s.counts[f"comment {kind}"] += 1
        if obj is not None and record.digest == digest:
            s.counts["comment unchanged"] += 1
            return obj

        created = obj is None
        if created:
            obj = XtdComment(
                content_type=self.post_type, object_pk=str(post.pk), site_id=settings.SITE_ID
            )
            wanted = ours.get(comment.parent)
            if comment.parent and wanted is None:
                s.warn(
                    f"comment {comment.id} on post {item.id}: its parent {comment.parent} "
                    "is missing, shown at the top level"
                )
            parent = wanted
            # Deeper than our threads go: attach to the deepest ancestor that may have replies.
            while parent is not None and parent.level >= self.max_level:
                up = parent.parent_id
                parent = (
                    (self._by_pk.get(up) or XtdComment.objects.get(pk=up))
                    if up and up != parent.pk
                    else None
                )
            if wanted is not None and parent != wanted:
                s.warn(
                    f"comment {comment.id} on post {item.id}: deeper than {self.max_level} "
                    "levels, attached higher up the thread"
                )
            obj.parent_id = parent.pk if parent is not None else 0
            obj.level = parent.level + 1 if parent is not None else 0
        user = None
        if comment.user_id and comment.user_id != "0":
            author = next(
                (a for a in self.export.authors.values() if a.id == comment.user_id), None
            )
            user = self._user(author.login) if author else None
        obj.user = user
        name = html.unescape(comment.author).strip() or (
            "Pingback"
            if kind == "pingback"
            else "Trackback"
            if kind == "trackback"
            else "Anonymous"
        )
        obj.user_name = name[:50]
        obj.user_email = comment.email[:254]
        url = comment.url if comment.url.lower().startswith(("http://", "https://")) else ""
        obj.user_url = url[:200]
        obj.ip_address = clean_ip(comment.ip)
        obj.submit_date = comment.date_gmt or post.published_at or timezone.now()
        obj.comment = convert.comment_text(comment.content) or "…"
        obj.is_public = state == "public"
        obj.is_removed = state == "removed"
        if created and self._whole_tree:
            # Stored as it is; _number_threads fills in the thread fields for the whole post.
            super(XtdComment, obj).save()
        elif created:
            obj.save()  # xtd places it in its thread
        else:
            # A queryset update: saving an existing comment would make xtd re-publish or hide
            # its replies and shift the counts above it; _hide_under_hidden does that here.
            fields = [
                "user",
                "user_name",
                "user_email",
                "user_url",
                "ip_address",
                "submit_date",
                "comment",
                "is_public",
                "is_removed",
            ]
            XtdComment.norel_objects.filter(pk=obj.pk).update(
                **{name: getattr(obj, name) for name in fields}
            )
        s.counts["comment created" if created else "comment updated"] += 1
        data = {"type": kind, "approved": comment.approved, "post": item.id}
        if created:
            # Written together once the post's comments are in (see _flush_new_comments).
            self._new_records.append(
                WordPressItem(
                    source=self.source,
                    kind="comment",
                    wp_id=str(comment.id),
                    content_type=self.comment_type,
                    object_id=obj.pk,
                    digest=digest,
                    data=data,
                )
            )
            moderation = self._moderation_row(obj, state, kind)
            if moderation is not None:
                self._new_moderations.append(moderation)
            if self.details_model is not None:
                details = self.details_model(comment=obj)
                details.render(obj.comment)
                self._mark_kind(details, kind)
                self._new_details.append(details)
        else:
            self._save_record(record, "comment", comment.id, obj, digest=digest, data=data)
            moderation = self._moderation_row(obj, state, kind)
            if moderation is not None:
                values = {f: getattr(moderation, f) for f in self._moderation_fields}
                type(moderation)._default_manager.update_or_create(comment=obj, defaults=values)
            if self.details_model is not None:
                details = self.details_model._default_manager.get_or_create(comment=obj)[0]
                details.render(obj.comment)
                self._mark_kind(details, kind)
                details.save()
        return obj

    def _flush_new_comments(self):
        WordPressItem.objects.bulk_create(self._new_records)
        if self._new_moderations:
            type(self._new_moderations[0])._default_manager.bulk_create(self._new_moderations)
        if self._new_details:
            self.details_model._default_manager.bulk_create(self._new_details)
        self._new_records, self._new_moderations, self._new_details = [], [], []

    @staticmethod
    def _details_model():
        """The comments app's stored rendering of a comment (rendered once, here)."""
        return CommentDetails

    def _mark_kind(self, details, kind):
        """Tell the comments app that this comment is a pingback or trackback (its `kind`)."""
        if any(field.name == "kind" for field in self.details_model._meta.fields):
            details.kind = kind

    def _moderation_model(self):
        """The spam filter's Moderation model."""
        return Moderation

    def _moderation_row(self, comment, state, kind):
        """An unsaved Moderation for the comment's state (set check "import"), or None."""
        model = self.moderation_model
        if model is None:
            return None
        values = {"status": MODERATION_STATUS[state]}
        fields = {f.name for f in model._meta.get_fields()}
        for name in ("check_name", "check"):
            if name in fields:
                values[name] = "import"
                break
        if "reason" in fields:
            values["reason"] = f"WordPress {kind}: {state}"
        if "decided_at" in fields:
            values["decided_at"] = comment.submit_date
        self._moderation_fields = list(values)
        return model(comment=comment, **values)
