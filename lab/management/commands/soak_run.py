"""``make soak``: ``make run`` on a fresh ``var/``, used for a while as people would, then checked.

See :mod:`lab.load.soak`. Prints action-to-mail figures and the checks;
exits non-zero if one fails. Only 127.0.0.1; stops what it starts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lab.load.soak import Options, soak


class Command(BaseCommand):
    help = "Soak make run's embedded default: a scripted mix for a set time, then figures and checks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=float, default=15.0, help="how long to soak (default 15)")
        parser.add_argument("--people", type=int, default=3, help="customers at a time (default 3)")
        parser.add_argument(
            "--incident-every", type=int, default=240, help="seconds between declared incidents (default 240)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = min(max(options["minutes"], 0.5), 240.0)
        chosen = Options(
            seconds=round(minutes * 60),
            people=min(max(options["people"], 1), 20),
            incident_every=max(options["incident_every"], 30),
        )
        if not soak(options=chosen, say=lambda line: self.stdout.write(line)):
            raise CommandError("make soak: a check failed (see above)")
