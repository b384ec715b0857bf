"""The benchmark command builds its data set and prints both pages' times and query counts."""

from io import StringIO

import pytest
from django.core.management import call_command

from feedback.models import Thread

pytestmark = pytest.mark.django_db


def test_the_bench_prints_both_pages_and_builds_its_data_once() -> None:
    out = StringIO()

    call_command("feedback_bench", threads=40, customer_threads=15, runs=1, stdout=out)
    call_command("feedback_bench", threads=40, customer_threads=15, runs=1, stdout=out)

    lines = out.getvalue().splitlines()
    assert next(line for line in lines if line.startswith("admin inbox, 40 threads")).endswith("(HTTP 200)")
    assert any(line.startswith("customer's thread list, 15 threads") for line in lines)
    assert Thread.objects.count() == 40
    call_command("feedback_bench", clean=True, stdout=out)
    assert not Thread.objects.exists()
