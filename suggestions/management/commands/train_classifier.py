"""`python manage.py train_classifier`: train, measure and store a new classifier version now."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from suggestions import services


class Command(BaseCommand):
    help = (
        "Train the category classifier on the closed tickets (their final categories), the "
        "categories' names, paths and keywords and the knowledge base; measure it on held-out "
        "tickets and store it as the newest version, which every process then serves."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--per-category",
            type=int,
            default=None,
            help="the newest closed tickets read per category (default SUGGESTIONS_PER_CATEGORY)",
        )

    def handle(self, *args, per_category, verbosity, **options):
        if per_category is not None and per_category < 1:
            raise CommandError("--per-category must be at least 1")
        bars: dict[str, tqdm] = {}

        def progress(stage, done, total):
            if verbosity == 0:
                return
            bar = bars.get(stage)
            if bar is None:
                label = "reading history" if stage == "history" else "fitting"
                unit = "category" if stage == "history" else "step"
                bar = bars[stage] = tqdm(total=total, desc=label, unit=unit, file=self.stderr)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        try:
            row = services.classifier_train(per_category=per_category, progress=progress)
        except services.NothingToLearn as error:
            raise CommandError(
                "Nothing to learn: create at least two active leaf categories first."
            ) from error
        accuracy = (
            "no held-out tickets (cold start: no closed tickets yet)"
            if row.top1 is None
            else f"held-out top-1 {row.top1:.1%}, top-3 {row.top3:.1%} "
            f"on {row.heldout_samples:,} tickets"
        )
        self.stdout.write(
            f"Classifier v{row.version}: {row.history_samples:,} tickets, "
            f"{row.seed_samples:,} category texts, {row.knowledge_samples:,} article texts, "
            f"{row.categories} categories, {row.features:,} features; {accuracy}; "
            f"{row.training_seconds:.1f} s."
        )
