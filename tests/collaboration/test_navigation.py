"""The header menu leads to the collaboration app: 「協働事業」 (the public themes) for everyone,
the collaboration desk for office staff (department officials reach it from /collaboration/: the
header's role links cost no query beyond the one role read, and a department is one more)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

THEMES = reverse("collaboration:themes")
DESK = reverse("collaboration:desk")


def header_of(client) -> str:
    page = client.get(reverse("news:list"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    return page[
        page.index('class="site-nav"') : page.index("</nav>", page.index('class="site-nav"'))
    ]


def test_everyone_finds_the_joint_projects_in_the_menu(client, ja):
    header = header_of(client)
    assert f'href="{THEMES}"' in header and "協働事業" in header
    assert DESK not in header


@pytest.mark.parametrize("role", ["citizen", "member", "official", "committee"])
def test_the_desk_link_is_not_shown_to_who_may_not_use_it(client_for, role, ja):
    header = header_of(client_for(role))
    assert f'href="{THEMES}"' in header
    assert DESK not in header


def test_staff_see_the_desk_link(client_for, ja):
    header = header_of(client_for("staff"))
    assert f'href="{DESK}"' in header and "協働デスク" in header


def test_department_officials_reach_the_desk_from_the_collaboration_page(department_official, ja):
    client = Client()
    client.force_login(department_official)
    page = client.get(reverse("collaboration:index"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'href="{DESK}"' in page
    assert client.get(DESK).status_code == 200


def test_the_desk_page_marks_its_own_link_as_current(client_for, ja):
    page = client_for("staff").get(DESK, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'href="{DESK}" aria-current="page"' in page
    assert f'href="{THEMES}" aria-current="page"' not in page
