"""Which classifier is in use, and retraining it from the moderators' decisions."""

import contextlib
import hashlib
import json
import os
import threading
from pathlib import Path

from django.conf import settings

from . import classifier, conf, features, signals
from .models import ClassifierModel, TrainingExample

_lock = threading.Lock()
_cache = {}  # CSV paths -> classifier trained on them; "stored" -> (pk, stored classifier)


def seed_csvs():
    """The labelled CSVs the classifier starts from: SPAM_TRAINING_CSV when set (one path or
    several), else the shipped TubeSpam and blog-comment training files."""
    configured = conf.get("SPAM_TRAINING_CSV")
    if not configured:
        return [str(path) for path in classifier.TRAIN_CSVS]
    if isinstance(configured, (list, tuple)):
        return [str(path) for path in configured]
    return [str(configured)]


def read_seed():
    examples = []
    for path in seed_csvs():
        examples += classifier.read_labelled_csv(path)
    return examples


def seed_classifier():
    """The classifier trained on the labelled CSVs only (built once per process and files)."""
    key = tuple(seed_csvs())
    with _lock:
        if key not in _cache:
            _cache[key] = _kept_or_trained(key)
        return _cache[key]


def seed_file(paths):
    """Where the seed classifier trained on `paths` is kept: named by those files and by the
    code that turns a comment into features, so a change to either trains it again."""
    digest = hashlib.sha256()
    for path in [*paths, classifier.__file__, features.__file__, signals.__file__]:
        digest.update(Path(path).read_bytes())
    return Path(settings.DATA_DIR) / "cache" / f"spam-seed-{digest.hexdigest()[:16]}.json"


def _kept_or_trained(paths):
    """Training takes seconds, too long for the first comment after every start of a worker:
    the first process to train keeps the result in DATA_DIR and the others read it."""
    kept = seed_file(paths)
    with contextlib.suppress(OSError, ValueError):
        model = classifier.SpamClassifier.from_data(json.loads(kept.read_text()))
        if model is not None:
            return model
    model = classifier.SpamClassifier.train(read_seed())
    with contextlib.suppress(OSError):
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(model.to_data()))
        partial.replace(kept)
    return model


def current_classifier():
    """The newest stored classifier, or the seed one when none of this format is stored."""
    # Known by primary key and time: a database rolled back may hand out the same key again.
    newest = (
        ClassifierModel.objects.order_by("-created_at", "-pk")
        .values_list("pk", "created_at")
        .first()
    )
    if newest is None:
        return seed_classifier()
    stored = _cache.get("stored")
    if stored is None or stored[0] != newest:
        data = ClassifierModel.objects.values_list("data", flat=True).get(pk=newest[0])
        stored = (newest, classifier.SpamClassifier.from_data(data))
        _cache["stored"] = stored
    return stored[1] or seed_classifier()


def training_examples():
    """The shipped labelled comments plus every moderator decision."""
    examples = read_seed()
    examples += [
        classifier.Example(text=text, is_spam=is_spam, name=name, url=url, post_title=title)
        for text, is_spam, name, url, title in TrainingExample.objects.values_list(
            "text", "is_spam", "name", "url", "post_title"
        )
    ]
    return examples


def retrain():
    """Train on the shipped data and the moderators' decisions; store and return the row."""
    examples = training_examples()
    model = classifier.SpamClassifier.train(examples)
    return ClassifierModel.objects.create(
        examples=len(examples),
        spam_examples=sum(1 for example in examples if example.is_spam),
        data=model.to_data(),
    )


def learn(comment, is_spam, context=None):
    """Keep a moderator's decision about `comment` (on a post described by `context`) as a
    training example."""
    TrainingExample.objects.update_or_create(
        comment=comment,
        defaults={
            "text": comment.comment,
            "is_spam": is_spam,
            "name": (comment.user_name or "")[:100],
            "url": (comment.user_url or "")[:300],
            "post_title": context.describe() if isinstance(context, features.Context) else "",
        },
    )
