"""The background job queue in the admin: staff read it; retrying, cancelling and aborting a
job (writes the office's audit log does not hear of) are for superusers only."""

import pytest
from django.db import connection

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/admin/procrastinate/procrastinatejob/"


@pytest.fixture
def job_id():
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args) "
            "VALUES ('newsletter', 'newsletter.send_issue', '{}') RETURNING id"
        )
        return cursor.fetchone()[0]


def _status(job_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        return cursor.fetchone()[0]


def test_staff_see_the_queue_without_its_actions(client_for, job_id):
    client = client_for("staff")
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()
    client.post(URL, {"action": "cancel", "_selected_action": [job_id]})
    assert _status(job_id) == "todo"


def test_a_superuser_keeps_the_actions(client, job_id):
    client.force_login(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    assert 'name="action"' in client.get(URL).content.decode()
    client.post(URL, {"action": "cancel", "_selected_action": [job_id]})
    assert _status(job_id) == "cancelled"
