"""``make chaos``: the load run, with workers killed, Redis restarted and PostgreSQL connections cut.

See :mod:`lab.load.faults`. Afterwards every invariant of
:mod:`lab.load.invariants` is checked and printed; the exit code is
non-zero if any fails.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.load.run import run
from lab.management.commands.load_run import add_load_arguments, options_from


class Command(BaseCommand):
    help = "Run the load with faults injected, then check that nothing was lost or done twice."

    def add_arguments(self, parser: CommandParser) -> None:
        add_load_arguments(parser)
        parser.add_argument(
            "--ledger-customers", type=int, default=20_000, help="customers with 20 ledger entries each"
        )
        parser.add_argument("--follow-ups", type=int, default=150, help="follow-up mails in the batch")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = options_from(options)
        chosen.ledger_customers = max(options["ledger_customers"], 1000)
        chosen.follow_ups = max(options["follow_ups"], 10)
        if not run(options=chosen, chaos=True, say=self.say):
            raise CommandError("an invariant failed or requests failed under faults (see above)")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()
