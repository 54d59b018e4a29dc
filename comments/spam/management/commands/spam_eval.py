import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import checks, classifier, pipeline, training
from ...models import Moderation

DEFAULT_EVAL = classifier.DATA_DIR / "TubeSpam_val.csv"


class Command(BaseCommand):
    help = (
        "Measure the automatic spam decision on labelled comments (CSV with text and label "
        "columns, 1 = spam): precision, spam recall, ham false-positive rate, ms per comment. "
        "The first-comment rule, rate limits and Akismet are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help=f"default: {DEFAULT_EVAL.name}")
        parser.add_argument(
            "--train",
            type=Path,
            default=classifier.TRAIN_CSV,
            help="train a fresh classifier on this CSV (default: the shipped TubeSpam_train.csv)",
        )
        parser.add_argument(
            "--stored",
            action="store_true",
            help="use the classifier in use on the site instead of training one",
        )

    def handle(self, *args, files, train, stored, **options):
        if stored:
            model = training.current_classifier()
            self.stdout.write("Classifier: the one in use on the site")
        elif Path(training.seed_csv()) == train:
            started = time.perf_counter()
            model = training.seed_classifier()  # the same training, shared with the site
            self.stdout.write(
                f"Classifier: trained on {train.name} in {time.perf_counter() - started:.1f} s"
            )
        else:
            try:
                examples = classifier.read_labelled_csv(train)
            except (OSError, KeyError) as error:
                raise CommandError(f"Cannot read {train}: {error}") from error
            started = time.perf_counter()
            model = classifier.SpamClassifier.train(examples)
            self.stdout.write(
                f"Classifier: trained on {train.name} ({len(examples)} comments) "
                f"in {time.perf_counter() - started:.1f} s"
            )
        for path in files or [DEFAULT_EVAL]:
            self.evaluate(path, model)

    def evaluate(self, path, model):
        try:
            rows = classifier.read_labelled_csv(path)
        except (OSError, KeyError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if not rows:
            raise CommandError(f"{path} has no comments.")
        skip = {"rate_limit", "akismet", "first_comment"}
        tp = fp = tn = fn = 0
        by_check = {}
        started = time.perf_counter()
        for text, url, is_spam in rows:
            sub = checks.Submission(text=text, url=url, classifier=model)
            decision = pipeline.evaluate(sub, skip=skip)
            held = decision.status != Moderation.Status.APPROVED
            if held:
                by_check[decision.check] = by_check.get(decision.check, 0) + 1
            tp += held and is_spam
            fp += held and not is_spam
            fn += not held and is_spam
            tn += not held and not is_spam
        elapsed = time.perf_counter() - started
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        fpr = fp / (fp + tn) if fp + tn else 0.0
        self.stdout.write(f"\n{path.name}: {len(rows)} comments, {tp + fn} spam, {fp + tn} ham")
        self.stdout.write(f"  precision            {precision:.3f}")
        self.stdout.write(f"  spam recall          {recall:.3f}  ({tp} of {tp + fn} held)")
        self.stdout.write(f"  ham false positives  {fpr:.1%}  ({fp} of {fp + tn} held)")
        self.stdout.write(f"  ms per comment       {elapsed / len(rows) * 1000:.2f}")
        held_by = ", ".join(f"{name} {n}" for name, n in sorted(by_check.items()))
        self.stdout.write(f"  held by              {held_by or '-'}")
