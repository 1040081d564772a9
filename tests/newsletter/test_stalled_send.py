"""A send whose worker died (kill -9, a crashed server) is found by its missing heartbeats and
run again, for every background job; staff see a stalled send in the admin and resume it."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from procrastinate.contrib.django import app

from core.models import AuditLog
from core.tasks import RETRIED, SUPERSEDED, retry_stalled_jobs
from newsletter import services
from newsletter.models import Delivery
from newsletter.sending import ADVISORY_NAMESPACE, INTERRUPTED, IssueBusy
from newsletter.tasks import defer_send, send_issue
from tests.newsletter.factories import SubscriberFactory
from tests.newsletter.test_sending import ready_issue


def job_status(job_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        return cursor.fetchone()[0]


def jobs_of(issue) -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, status FROM procrastinate_jobs WHERE lock = %s ORDER BY id",
            [f"newsletter-issue-{issue.pk}"],
        )
        return cursor.fetchall()


def running_on_a_worker(job_id: int, *, silent_for: str) -> None:
    """The job is ``doing`` on a worker whose last heartbeat is ``silent_for`` old."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) "
            "VALUES (now() - %s::interval) RETURNING id",
            [silent_for],
        )
        worker_id = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = 'doing', worker_id = %s WHERE id = %s",
            [worker_id, job_id],
        )


def dead_send(subscribers: int = 3):
    """An issue whose send was interrupted by a killed worker: one mail in flight, one batch
    claimed, the rest waiting, and the job still ``doing`` under the issue's lock."""
    issue = ready_issue()
    SubscriberFactory.create_batch(subscribers)
    services.issue_send(actor=None, issue=issue)
    rows = list(Delivery.objects.filter(issue=issue).order_by("pk"))
    Delivery.objects.filter(pk=rows[0].pk).update(status=Delivery.Status.SENDING)
    Delivery.objects.filter(pk=rows[1].pk).update(status=Delivery.Status.CLAIMED)
    job_id = defer_send(issue.pk)
    running_on_a_worker(job_id, silent_for="5 minutes")
    return issue, job_id


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_beating_runs_again_and_live_ones_are_left(caplog):
    _issue, dead_job = dead_send()
    live_issue = ready_issue()
    live_job = defer_send(live_issue.pk)
    running_on_a_worker(live_job, silent_for="2 seconds")

    revivals = retry_stalled_jobs()

    assert [(r.job_id, r.outcome) for r in revivals] == [(dead_job, RETRIED)]
    assert job_status(dead_job) == "todo" and job_status(live_job) == "doing"
    assert f"stalled job {dead_job} (newsletter.send_issue" in caplog.text


@pytest.mark.django_db
def test_the_retried_send_resumes_without_sending_anyone_twice(mailoutbox):
    issue, _job = dead_send(subscribers=4)
    retry_stalled_jobs()
    assert send_issue(issue_id=issue.pk) == {"sent": 3, "failed": 0, "skipped": 0}
    interrupted = Delivery.objects.get(issue=issue, status=Delivery.Status.FAILED)
    assert interrupted.error == INTERRUPTED
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        Delivery.objects.filter(issue=issue, status="sent").values_list(
            "subscriber__email", flat=True
        )
    )
    assert interrupted.subscriber.email not in [m.to[0] for m in mailoutbox]


@pytest.mark.django_db
def test_a_stalled_job_with_a_newer_twin_waiting_gives_way_to_it():
    issue, job_id = dead_send()
    # A second job queued behind the dead one (the old code did this on "send" again).
    twin = send_issue.configure(
        lock=f"newsletter-issue-{issue.pk}", queueing_lock=f"newsletter-issue-{issue.pk}"
    ).defer(issue_id=issue.pk)
    [revival] = retry_stalled_jobs()
    assert revival.outcome == SUPERSEDED
    assert jobs_of(issue) == [(job_id, "failed"), (twin, "todo")]


@pytest.mark.django_db
def test_the_cron_command_retries_stalled_jobs():
    _issue, job_id = dead_send()

    out = StringIO()
    call_command("core_stalled_jobs_retry", stdout=out)
    assert f"job {job_id} (newsletter.send_issue): retried" in out.getvalue()
    assert job_status(job_id) == "todo"
    out = StringIO()
    call_command("core_stalled_jobs_retry", stdout=out)
    assert out.getvalue().startswith("0 stalled job(s)")


def test_every_worker_runs_the_housekeeping_each_minute():
    periodic = {p.task.name: p for p in app.periodic_registry.periodic_tasks.values()}
    assert periodic["core.retry_stalled_jobs"].cron == "* * * * *"
    assert periodic["core.retry_stalled_jobs"].task.queue == "default"


@pytest.mark.django_db
def test_sending_again_while_a_dead_job_holds_the_issue_resumes_it(
    staff, django_capture_on_commit_callbacks
):
    issue, job_id = dead_send()
    SubscriberFactory()  # a new subscriber since the first send
    with django_capture_on_commit_callbacks(execute=True):
        run = services.issue_send(actor=staff, issue=issue)
    assert jobs_of(issue) == [(job_id, "todo")]  # no second job waiting for ever
    run.refresh_from_db()
    assert run.job_id == job_id and run.recipients == 1


@pytest.mark.django_db
def test_admin_shows_a_stalled_send_and_staff_resume_it(client_for, staff):
    issue, job_id = dead_send(subscribers=5)
    first_pending = Delivery.objects.filter(issue=issue, status="pending").order_by("pk").first()
    Delivery.objects.filter(pk=first_pending.pk).update(
        status="sent", sent_at=dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)
    )
    client = client_for("staff")
    change = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
    html = client.get(change).content.decode()
    assert "送信が止まっています" in html
    assert "最後の進捗：2026年12月6日 19:00。" in html
    assert "これまで：送信済み1件、失敗0件、残り4件。" in html
    assert "送信を再開" in html

    send_page = client.get(reverse("admin:newsletter_issue_send", args=[issue.pk]))
    assert "送信が止まっています" in send_page.content.decode()

    resume = reverse("admin:newsletter_issue_resume", args=[issue.pk])
    response = client.post(resume, follow=True)
    assert "止まっていた送信を再開しました" in response.content.decode()
    assert job_status(job_id) == "todo"
    log = AuditLog.objects.get(action="newsletter.issue_send_resume")
    assert log.actor == staff and log.data == {"jobs": {str(job_id): "retried"}}
    assert "送信が止まっています" not in client.get(change).content.decode()

    # Nothing stalled any more: a clear message, no second job.
    response = client.post(resume, follow=True)
    assert response.status_code == 200
    assert "送信は止まっていません" in response.content.decode()
    assert jobs_of(issue) == [(job_id, "todo")]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "citizen", "official"])
def test_only_staff_may_resume_a_send(client_for, role):
    issue, job_id = dead_send()
    response = client_for(role).post(reverse("admin:newsletter_issue_resume", args=[issue.pk]))
    assert response.status_code in (302, 403)
    assert job_status(job_id) == "doing"
    assert not AuditLog.objects.filter(action="newsletter.issue_send_resume").exists()


@pytest.mark.django_db
def test_resume_is_post_only(client_for):
    issue, job_id = dead_send()
    response = client_for("staff").get(reverse("admin:newsletter_issue_resume", args=[issue.pk]))
    assert response.status_code == 405
    assert job_status(job_id) == "doing"


@pytest.mark.django_db
def test_the_issue_page_with_a_stalled_send_keeps_its_queries_few(
    client_for, django_assert_max_num_queries
):
    issue, _job = dead_send(subscribers=20)
    client = client_for("staff")
    change = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
    with django_assert_max_num_queries(25):
        assert client.get(change).status_code == 200


@pytest.mark.django_db
def test_a_run_that_finds_the_issue_still_held_is_tried_again_later():
    """A worker taken for dead may still hold the issue (or the database has not yet noticed
    its lost connection): the run fails, so procrastinate tries it again after a wait, rather
    than ending "successfully" with deliveries left."""
    import psycopg

    issue, _job = dead_send()
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, issue.pk])
        with pytest.raises(IssueBusy):
            send_issue(issue_id=issue.pk)
    assert send_issue.retry_strategy.max_attempts >= 5
    assert Delivery.objects.filter(issue=issue, status="pending").exists()


@pytest.mark.django_db
def test_the_resume_and_retry_buttons_are_forms_of_their_own(client_for):
    """A form inside the admin's change form is dropped by the browser: its button would save
    the issue instead of resuming or retrying."""
    issue, _job = dead_send()
    waiting = Delivery.objects.filter(issue=issue, status="pending").first()
    Delivery.objects.filter(pk=waiting.pk).update(status="failed")
    client = client_for("staff")
    html = client.get(reverse("admin:newsletter_newsletterissue_change", args=[issue.pk]))
    html = html.content.decode()
    change_form = html[html.index('id="newsletterissue_form"') :]
    change_form = change_form[: change_form.index("</form>")]
    assert "<form" not in change_form
    for name in ["newsletter_issue_resume", "newsletter_issue_retry"]:
        action = reverse(f"admin:{name}", args=[issue.pk])
        assert f'<form method="post" action="{action}">' in html
        assert action not in change_form
