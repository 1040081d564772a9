"""Two people saving a page at the same moment both keep their versions (PostgreSQL, threads)."""

import threading

import pytest
from django.db import connection

from pages import services
from pages.models import Page, PageVersion
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.slow]

WRITERS = 6


def test_parallel_edits_and_restores_all_keep_their_versions():
    from accounts.roles import make_staff

    page = services.page_save(actor=None, page=Page(slug="parallel", kind="other", title="並行"))
    first = services.page_version_create(actor=None, page=page, title="元", body="元の本文")
    writers = [UserFactory() for _ in range(WRITERS)]
    for user in writers:
        make_staff(user)
    barrier = threading.Barrier(WRITERS)
    crashes = []
    lock = threading.Lock()

    def write(i, user):
        try:
            barrier.wait(timeout=30)
            if i % 2:
                services.page_version_restore(actor=user, version=first)
            else:
                services.page_version_create(actor=user, page=page, title="版", body=f"本文{i}")
        except Exception as exc:  # an IntegrityError on the number would land here
            with lock:
                crashes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i, u)) for i, u in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashes == []
    numbers = sorted(PageVersion.objects.filter(page=page).values_list("number", flat=True))
    assert numbers == list(range(1, WRITERS + 2))
    assert PageVersion.objects.filter(page=page, created_by__in=writers).count() == WRITERS
