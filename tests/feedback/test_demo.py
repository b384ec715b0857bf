"""Demo feedback: the demo customer has threads in every state, ideas have votes, twice is once."""

import random

import pytest

from customers import demo as customers_demo
from feedback import demo
from feedback.models import Idea, NpsSurvey, Survey, Thread

pytestmark = pytest.mark.django_db


def test_seeding_creates_a_lively_channel_once() -> None:
    customers_demo.seed_logins()
    people = customers_demo.seed_customers(count=30, rng=random.Random(1))

    demo.seed(customers=people, rng=random.Random(2))
    counts = (Thread.objects.count(), Survey.objects.count(), NpsSurvey.objects.count(), Idea.objects.count())
    demo.seed(customers=people, rng=random.Random(3))

    assert (
        Thread.objects.count(),
        Survey.objects.count(),
        NpsSurvey.objects.count(),
        Idea.objects.count(),
    ) == counts
    assert Thread.objects.filter(customer__email="customer@example.com").count() == 4
    assert Thread.objects.filter(messages__from_staff=True).exists()
    assert Idea.objects.filter(published=True, votes_count__gt=0).exists()
    assert {t.customer.language for t in Thread.objects.select_related("customer")} == {"de", "en"}  # type: ignore[union-attr]
