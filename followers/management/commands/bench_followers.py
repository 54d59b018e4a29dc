from django.core.management.base import BaseCommand, CommandError

from followers.benchmarks import Bench


class Command(BaseCommand):
    help = (
        "Mail a post to N followers through the real task worker and a mail server on "
        "127.0.0.1, kill the worker in the middle, start it again; print the figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--followers", type=int, default=10_000)
        parser.add_argument("--kill-after", type=int, default=None, help="default: half")
        parser.add_argument("--rate", type=int, default=0, help="mails/s at most (0: no limit)")
        parser.add_argument("--batch", type=int, default=200, help="mails per task")

    def handle(self, *args, **options):
        followers = options["followers"]
        kill_after = options["kill_after"] or followers // 2
        bench = Bench(followers, kill_after, options["rate"], options["batch"], self.stdout.write)
        result = bench.run()
        if result["duplicates"] or result["misses"]:
            raise CommandError("Some mails were sent twice or not at all (see above).")
