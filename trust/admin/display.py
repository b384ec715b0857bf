"""What the trust admin pages share: the band pill, the neutral band, the signed-in staff member."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from customers.models import User
from trust.configuration import trust_settings
from trust.models import Band
from trust.scoring import NEUTRAL, Rules, band_of


def band_pill(band: str) -> SafeString:
    return format_html('<span class="trust-band trust-band-{}">{}</span>', band, Band(band).label)


def neutral_band() -> Band:
    """The band of a customer without entries (the middle score under today's thresholds)."""
    return band_of(NEUTRAL, alarm=False, rules=Rules.of(trust_settings()))


def acting_staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user
