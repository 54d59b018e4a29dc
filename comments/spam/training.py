"""Which classifier is in use, and retraining it from the moderators' decisions."""

import threading

from . import classifier, conf
from .models import ClassifierModel, TrainingExample

_lock = threading.Lock()
_cache = {}  # CSV path -> classifier trained on it; "stored" -> (pk, stored classifier)


def seed_csv():
    return conf.get("SPAM_TRAINING_CSV") or classifier.TRAIN_CSV


def seed_classifier():
    """The classifier trained on the labelled CSV only (built once per process and file)."""
    path = str(seed_csv())
    with _lock:
        if path not in _cache:
            _cache[path] = classifier.SpamClassifier.train(classifier.read_labelled_csv(path))
        return _cache[path]


def current_classifier():
    """The newest stored classifier, or the seed one when none has been stored yet."""
    newest = ClassifierModel.objects.order_by("-created_at", "-pk").values_list("pk").first()
    if newest is None:
        return seed_classifier()
    stored = _cache.get("stored")
    if stored is None or stored[0] != newest[0]:
        data = ClassifierModel.objects.values_list("data", flat=True).get(pk=newest[0])
        stored = (newest[0], classifier.SpamClassifier.from_data(data))
        _cache["stored"] = stored
    return stored[1]


def training_examples():
    """The shipped labelled comments plus every moderator decision."""
    examples = classifier.read_labelled_csv(seed_csv())
    examples += [
        (text, "", is_spam)
        for text, is_spam in TrainingExample.objects.values_list("text", "is_spam")
    ]
    return examples


def retrain():
    """Train on the shipped data and the moderators' decisions; store and return the row."""
    examples = training_examples()
    model = classifier.SpamClassifier.train(examples)
    return ClassifierModel.objects.create(
        examples=len(examples),
        spam_examples=sum(1 for *_, is_spam in examples if is_spam),
        data=model.to_data(),
    )


def learn(comment, is_spam):
    """Keep a moderator's decision about `comment` as a training example."""
    TrainingExample.objects.update_or_create(
        comment=comment, defaults={"text": comment.comment, "is_spam": is_spam}
    )
