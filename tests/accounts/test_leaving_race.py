"""Two representatives of one group leave at the same moment (issue #19): one of them goes, the
other is told they are now the last one; the group always keeps a representative.

Real threads, each with its own PostgreSQL connection, against a committed database."""

import threading

import pytest
from django.db import connection

from accounts.models import User
from accounts.services import AccountCloseRefused, account_close
from groups.models import Membership
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.slow


def run_in_parallel(functions):
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def worker(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_representatives_leaving_at_once_never_leave_the_group_without_one():
    group = GroupFactory()
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        MembershipFactory(group=group, user=user, role=Membership.Role.REPRESENTATIVE)

    results = run_in_parallel([lambda u=u: account_close(actor=u, user=u) for u in (first, second)])

    refused = [r for r in results if isinstance(r, AccountCloseRefused)]
    closed = [r for r in results if isinstance(r, User)]
    assert (len(closed), len(refused)) == (1, 1), results
    assert "唯一の管理者" in str(refused[0])
    assert Membership.objects.filter(group=group, role=Membership.Role.REPRESENTATIVE).count() == 1
