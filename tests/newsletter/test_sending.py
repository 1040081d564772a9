"""Sending an issue: test send first, then background batches that record each recipient's
outcome and resume after a crash without sending anyone the same issue twice."""

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from groups.models import ActivityField
from newsletter import services
from newsletter.models import Delivery, NewsletterIssue, SendRun, Subscriber
from newsletter.sending import INTERRUPTED, IssueBusy, deliver_issue
from newsletter.tasks import send_issue
from tests.newsletter.backends import CrashingBackend, WorkerKilled
from tests.newsletter.factories import IssueFactory, SubscriberFactory


def ready_issue(**kwargs) -> NewsletterIssue:
    """A published issue whose test send is done (the precondition of a real send)."""
    issue = IssueFactory(**kwargs)
    NewsletterIssue.objects.filter(pk=issue.pk).update(
        test_sent_at=timezone.now() + dt.timedelta(seconds=1)
    )
    issue.refresh_from_db()
    return issue


def recipients_of(outbox):
    return Counter(m.to[0] for m in outbox)


@pytest.mark.django_db
def test_staff_test_send_goes_only_to_themselves(staff):
    issue = IssueFactory(status=NewsletterIssue.Status.DRAFT, published_on=None)
    SubscriberFactory.create_batch(3)
    services.issue_test_send(actor=staff, issue=issue)
    assert [m.to for m in mail.outbox] == [["staff@example.org"]]
    # The portal's prefix first, as every mail of the portal, then the test mark.
    assert mail.outbox[0].subject.startswith("[まちづくり協働オフィス] 【テスト】情報紙 第")
    issue.refresh_from_db()
    assert issue.test_sent_at is not None
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_a_real_send_needs_a_published_issue_and_a_fresh_test(staff):
    draft = IssueFactory(status=NewsletterIssue.Status.DRAFT, published_on=None)
    with pytest.raises(services.NewsletterError):
        services.issue_send(actor=staff, issue=draft)
    scheduled = IssueFactory(published_on=timezone.localdate() + dt.timedelta(days=3))
    services.issue_test_send(actor=staff, issue=scheduled)
    with pytest.raises(services.NewsletterError):
        services.issue_send(actor=staff, issue=scheduled)
    untested = IssueFactory()
    with pytest.raises(services.NewsletterError, match="テスト"):
        services.issue_send(actor=staff, issue=untested)
    # A test, then an edit: the test no longer shows what would be sent.
    services.issue_test_send(actor=staff, issue=untested)
    untested.title = "差し替え"
    untested.save()
    with pytest.raises(services.NewsletterError):
        services.issue_send(actor=staff, issue=untested)
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_send_plans_one_delivery_per_receiving_subscriber_and_queues_a_job(
    staff, django_capture_on_commit_callbacks
):
    from procrastinate.contrib.django.models import ProcrastinateJob

    issue = ready_issue()
    receiving = SubscriberFactory.create_batch(4)
    SubscriberFactory(confirmed_at=None)  # never confirmed
    SubscriberFactory(unsubscribed_at=timezone.now())
    SubscriberFactory(bounced_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run = services.issue_send(actor=staff, issue=issue)
    assert run.recipients == 4
    assert set(Delivery.objects.values_list("subscriber", flat=True)) == {s.pk for s in receiving}
    job = ProcrastinateJob.objects.get(args__issue_id=issue.pk)
    assert job.task_name == "newsletter.send_issue"
    assert job.args == {"issue_id": issue.pk}
    assert job.lock == f"newsletter-issue-{issue.pk}"
    run.refresh_from_db()
    assert run.job_id == job.id
    assert mail.outbox == []  # nothing is sent in the request: the worker sends


@pytest.mark.django_db
def test_the_task_sends_everything_in_batches_and_records_each_outcome(staff, settings):
    settings.SITE_URL = "https://kyodo.example.jp"
    issue = ready_issue(title="春の特集")
    subscribers = SubscriberFactory.create_batch(7)
    services.issue_send(actor=staff, issue=issue)
    result = send_issue(issue_id=issue.pk)  # the task function, run directly
    assert result == {"sent": 7, "failed": 0, "skipped": 0}
    assert recipients_of(mail.outbox) == Counter({s.email: 1 for s in subscribers})
    assert all(
        d.status == Delivery.Status.SENT and d.sent_at and d.message_id
        for d in Delivery.objects.all()
    )
    message = mail.outbox[0]
    assert message.subject.startswith("[まちづくり協働オフィス] 情報紙 第")
    assert "春の特集" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        "https://kyodo.example.jp/newsletter/unsubscribe/"
        in message.extra_headers["List-Unsubscribe"]
    )
    assert SendRun.objects.get().finished_at is not None


@pytest.mark.django_db
def test_small_batches_give_the_same_result(staff):
    issue = ready_issue()
    SubscriberFactory.create_batch(11)
    services.issue_send(actor=staff, issue=issue)
    result = deliver_issue(issue_id=issue.pk, batch_size=3)
    assert result.sent == 11
    assert Delivery.objects.get(subscriber__email=mail.outbox[-1].to[0]).attempts == 1


@pytest.mark.django_db
def test_resume_after_a_crash_sends_nobody_twice(staff, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.CrashingBackend"
    CrashingBackend.handled, CrashingBackend.crash_at = 0, 6
    issue = ready_issue()
    subscribers = SubscriberFactory.create_batch(12)
    services.issue_send(actor=staff, issue=issue)

    with pytest.raises(WorkerKilled):
        deliver_issue(issue_id=issue.pk, batch_size=4)
    states = Counter(Delivery.objects.values_list("status", flat=True))
    # Five went out, the sixth was in the mail server's hands, the rest of its batch claimed.
    assert states == {"sent": 5, "sending": 1, "claimed": 2, "pending": 4}
    assert len(mail.outbox) == 5

    # The worker restarts (procrastinate retries the job) and resumes.
    CrashingBackend.crash_at = None
    result = deliver_issue(issue_id=issue.pk, batch_size=4)
    assert result.recovered == 1 and result.sent == 6
    received = recipients_of(mail.outbox)
    assert max(received.values()) == 1  # nobody got the issue twice
    assert len(received) == 11
    interrupted = Delivery.objects.get(status=Delivery.Status.FAILED)
    assert interrupted.error == INTERRUPTED
    assert interrupted.subscriber.email not in received
    assert {s.email for s in subscribers} - set(received) == {interrupted.subscriber.email}

    # Running once more changes nothing.
    assert deliver_issue(issue_id=issue.pk).sent == 0
    assert len(mail.outbox) == 11


@pytest.mark.django_db
def test_staff_may_retry_failed_deliveries_deliberately(staff, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.CrashingBackend"
    CrashingBackend.handled, CrashingBackend.crash_at = 0, 2
    issue = ready_issue()
    SubscriberFactory.create_batch(3)
    services.issue_send(actor=staff, issue=issue)
    with pytest.raises(WorkerKilled):
        deliver_issue(issue_id=issue.pk)
    CrashingBackend.crash_at = None
    deliver_issue(issue_id=issue.pk)
    assert len(mail.outbox) == 2
    assert services.issue_failures_retry(actor=staff, issue=issue) == 1
    deliver_issue(issue_id=issue.pk)
    assert len(mail.outbox) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_a_second_send_reaches_only_new_subscribers(staff):
    issue = ready_issue()
    first = SubscriberFactory.create_batch(3)
    services.issue_send(actor=staff, issue=issue)
    deliver_issue(issue_id=issue.pk)
    late = SubscriberFactory()
    run = services.issue_send(actor=staff, issue=issue)
    assert run.recipients == 1
    deliver_issue(issue_id=issue.pk)
    assert recipients_of(mail.outbox) == Counter({s.email: 1 for s in [*first, late]})


@pytest.mark.django_db
def test_a_targeted_send_reaches_those_interested_and_those_without_interests(staff):
    welfare, environment, culture = ActivityField.objects.all()[:3]
    issue = ready_issue()
    wants_welfare = SubscriberFactory(email="welfare@example.jp")
    wants_welfare.interests.set([welfare, culture])
    wants_environment = SubscriberFactory(email="env@example.jp")
    wants_environment.interests.set([environment])
    everything = SubscriberFactory(email="all@example.jp")
    run = services.issue_send(actor=staff, issue=issue, fields=[welfare])
    assert run.recipients == 2
    deliver_issue(issue_id=issue.pk)
    assert set(recipients_of(mail.outbox)) == {"welfare@example.jp", "all@example.jp"}
    assert list(run.fields.all()) == [welfare]
    # Sending to everyone afterwards adds only the one left out.
    services.issue_send(actor=staff, issue=issue)
    deliver_issue(issue_id=issue.pk)
    assert recipients_of(mail.outbox) == Counter(
        {"welfare@example.jp": 1, "all@example.jp": 1, "env@example.jp": 1}
    )
    assert everything.is_receiving


@pytest.mark.django_db
def test_someone_who_unsubscribes_before_their_turn_is_skipped(staff):
    issue = ready_issue()
    stays, leaves = SubscriberFactory.create_batch(2)
    services.issue_send(actor=staff, issue=issue)
    services.subscriber_unsubscribe(subscriber=leaves)
    result = deliver_issue(issue_id=issue.pk)
    assert (result.sent, result.skipped) == (1, 1)
    assert [m.to[0] for m in mail.outbox] == [stays.email]


@pytest.mark.django_db
def test_a_refused_address_is_recorded_and_the_others_still_get_the_issue(staff, settings):
    settings.EMAIL_BACKEND = "tests.newsletter.backends.RefusingBackend"
    issue = ready_issue()
    SubscriberFactory(email="a@example.jp")
    SubscriberFactory(email="nobody@refused.example")
    SubscriberFactory(email="b@example.jp")
    services.issue_send(actor=staff, issue=issue)
    result = deliver_issue(issue_id=issue.pk)
    assert (result.sent, result.failed) == (2, 1)
    failed = Delivery.objects.get(status=Delivery.Status.FAILED)
    assert failed.subscriber.email == "nobody@refused.example"
    assert "No such user" in failed.error


@pytest.mark.django_db
def test_a_mail_server_that_does_not_answer_fails_the_job_before_anything_moves(staff, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    issue = ready_issue()
    SubscriberFactory.create_batch(2)
    services.issue_send(actor=staff, issue=issue)
    with pytest.raises(OSError):
        send_issue(issue_id=issue.pk)  # procrastinate retries it later
    assert set(Delivery.objects.values_list("status", flat=True)) == {"pending"}


def in_a_fresh_thread(work):
    """Run ``work`` in its own thread (own DB connection, no event loop left by other tests)."""
    errors = []

    def run():
        try:
            work()
        except BaseException as exc:  # re-raised in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_never_send_twice(monkeypatch):
    monkeypatch.setattr("newsletter.tasks.defer_send", lambda issue_id: None)
    issue = ready_issue()
    SubscriberFactory.create_batch(30)
    services.issue_send(actor=None, issue=issue)
    outcomes = []
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            outcomes.append(deliver_issue(issue_id=issue.pk, batch_size=5).sent)
        except IssueBusy:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Whoever ran second either found the issue busy or found nothing left to send.
    assert sorted(map(str, outcomes)) in (["0", "30"], ["30", "busy"])
    received = recipients_of(mail.outbox)
    assert len(received) == 30 and max(received.values()) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_procrastinate_worker_runs_the_queued_job(monkeypatch):
    from django.db import connections
    from procrastinate import testing
    from procrastinate.contrib.django import app

    # The worker's thread keeps a persistent connection (CONN_MAX_AGE); in a test it must not
    # outlive the test, or the test database cannot be dropped at the end.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    issue = ready_issue()
    SubscriberFactory.create_batch(3)
    in_memory = testing.InMemoryConnector()
    states = {}

    def queue_and_work():
        with app.replace_connector(in_memory):
            services.issue_send(actor=None, issue=issue)  # queued on commit
            states["queued"] = [j["task_name"] for j in in_memory.jobs.values()]
            app.run_worker(queues=["newsletter"], wait=False, install_signal_handlers=False)
            # (the worker also queues its periodic housekeeping, core.retry_stalled_jobs)
            states["done"] = [
                j["status"]
                for j in in_memory.jobs.values()
                if j["task_name"] == "newsletter.send_issue"
            ]

    in_a_fresh_thread(queue_and_work)
    assert states == {"queued": ["newsletter.send_issue"], "done": ["succeeded"]}
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_admin_shows_progress_and_offers_test_send_then_send(client_for, staff):
    client = client_for("staff")
    issue = IssueFactory()
    SubscriberFactory.create_batch(2)
    change = reverse("admin:newsletter_newsletterissue_change", args=[issue.pk])
    html = client.get(change).content.decode()
    assert "自分あてにテスト送信" in html and "配信…" in html

    # Sending before the test is refused with the reason.
    send_url = reverse("admin:newsletter_issue_send", args=[issue.pk])
    response = client.post(send_url, {}, follow=True)
    assert "テスト送信してください" in response.content.decode()
    assert not Delivery.objects.exists()

    response = client.post(reverse("admin:newsletter_issue_test_send", args=[issue.pk]))
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["staff@example.org"]

    response = client.post(send_url, {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Delivery.objects.count() == 2
    html = client.get(change).content.decode()
    assert "メール配信" in html and "<td>0</td><td>0</td><td>0</td><td>2</td><td>2</td>" in html

    deliver_issue(issue_id=issue.pk)
    html = client.get(change).content.decode()
    assert "<td>2</td><td>0</td><td>0</td><td>0</td><td>2</td>" in html
    changelist = client.get(reverse("admin:newsletter_newsletterissue_changelist"))
    assert changelist.status_code == 200


@pytest.mark.django_db
def test_admin_issue_list_query_count(client_for, django_assert_max_num_queries):
    client = client_for("staff")
    for _ in range(15):
        issue = IssueFactory()
        for subscriber in SubscriberFactory.create_batch(2):
            Delivery.objects.create(issue=issue, subscriber=subscriber)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:newsletter_newsletterissue_changelist")).status_code == 200


@pytest.mark.django_db
def test_subscribers_leaving_never_receive_a_planned_issue_even_on_retry(staff):
    issue = ready_issue()
    s = SubscriberFactory()
    services.issue_send(actor=staff, issue=issue)
    Subscriber.objects.filter(pk=s.pk).update(bounced_at=timezone.now())
    deliver_issue(issue_id=issue.pk)
    assert mail.outbox == []
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED
