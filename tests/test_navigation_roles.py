"""The layout's navigation shows the admin and the reports to the roles that may use them (the
role flags come from accounts, so core imports no app)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "admin", "reports"),
    [
        ("anonymous", False, False),
        ("citizen", False, False),
        ("official", False, True),
        ("staff", True, True),
    ],
)
def test_the_navigation_links_follow_the_role(client_for, role, admin, reports):
    html = client_for(role).get(reverse("groups:directory")).content.decode()
    assert (f'href="{reverse("admin:index")}"' in html) is admin
    assert (f'href="{reverse("reports:annual")}"' in html) is reports
