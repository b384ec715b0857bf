"""Forms of the privacy center."""

from __future__ import annotations

from django.http import QueryDict
from django.utils.translation import gettext as _

from customers.consents import ConsentChange, ConsentMatrix, ConsentRefused
from customers.models import Purpose


def cell_name(purpose: Purpose, channel_key: str) -> str:
    return f"consent-{purpose.key}-{channel_key}"


def version_name(purpose: Purpose) -> str:
    return f"version-{purpose.key}"


def consent_matrix_changes(matrix: ConsentMatrix, data: QueryDict) -> list[ConsentChange]:
    """Read the submitted matrix: a ticked box grants, an unticked one withdraws.

    Only purposes the page showed (they carry the text version it showed)
    are read, so a purpose added since cannot be withdrawn by omission.
    """
    changes = []
    for row in matrix.rows:
        purpose = row.purpose
        shown = data.get(version_name(purpose))
        if shown is None:
            continue
        if not shown.isdigit():
            raise ConsentRefused(
                _("The form was incomplete. Please reload the page and try again."), code="malformed"
            )
        for state in row.states:
            if state.editable:
                changes.append(
                    ConsentChange(
                        purpose=purpose.key,
                        channel=state.channel.key,
                        granted=data.get(cell_name(purpose, state.channel.key)) == "on",
                        shown_version=int(shown),
                    )
                )
    return changes
