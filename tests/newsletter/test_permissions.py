"""Every URL of the newsletter for every role."""

import pytest
from django.urls import reverse

from newsletter import tokens
from newsletter.models import NewsletterIssue
from tests.admin_access import assert_only_staff_reach
from tests.conftest import ROLES
from tests.newsletter.factories import IssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_public_newsletter_pages_answer_every_role(client_for, role):
    client = client_for(role)
    issue = IssueFactory()
    subscriber = SubscriberFactory()
    token = tokens.manage_token(subscriber)
    for url in [
        reverse("newsletter:list"),
        reverse("newsletter:feed"),
        issue.get_absolute_url(),
        reverse("newsletter:subscribe"),
        reverse("newsletter:subscribe_sent"),
        reverse("newsletter:confirm", args=[tokens.confirm_token(subscriber)]),
        reverse("newsletter:unsubscribe", args=[token]),
        reverse("newsletter:preferences", args=[token]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_links_need_a_valid_signature_whoever_opens_them(client_for, role):
    client = client_for(role)
    for name in ["newsletter:confirm", "newsletter:unsubscribe", "newsletter:preferences"]:
        assert client.get(reverse(name, args=["1:forged"])).status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_is_visible_to_staff_only(client_for, role):
    draft = IssueFactory(status=NewsletterIssue.Status.DRAFT, published_on=None)
    expected = 200 if role == "staff" else 404
    assert client_for(role).get(draft.get_absolute_url()).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_send_issues_and_see_subscribers(client_for, role):
    issue = IssueFactory()
    client = client_for(role)
    pages = [
        reverse("admin:newsletter_newsletterissue_changelist"),
        reverse("admin:newsletter_subscriber_changelist"),
        reverse("admin:newsletter_delivery_changelist"),
        reverse("admin:newsletter_bounce_changelist"),
        reverse("admin:newsletter_issue_send", args=[issue.pk]),
        reverse("admin:newsletter_issue_digest"),
    ]
    posts = [
        reverse("admin:newsletter_issue_test_send", args=[issue.pk]),
        reverse("admin:newsletter_issue_send", args=[issue.pk]),
        reverse("admin:newsletter_issue_retry", args=[issue.pk]),
    ]
    assert_only_staff_reach(client, role, pages=pages, posts=posts)
    if role != "staff":
        assert not issue.deliveries.exists()
