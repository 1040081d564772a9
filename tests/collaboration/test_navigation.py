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


def _unprefixed_desk(html: str) -> list[str]:
    """Mentions of 「デスク」 that do not name the page in full (「協働デスク」)."""
    import re

    return [
        m.group(0) for m in re.finditer(r".{0,6}デスク", html) if "協働デスク" not in m.group(0)
    ]


def test_every_way_to_the_desk_calls_it_the_collaboration_desk(department_official, ja):
    """One name for the staff's and the departments' page: its heading, its trail, the
    collaboration page's button, My Page's panel and the new-theme page all say 「協働デスク」
    (the facilities' 「窓口」 is another page)."""
    client = Client()
    client.force_login(department_official)
    pages = {
        "desk": client.get(DESK, HTTP_ACCEPT_LANGUAGE="ja").content.decode(),
        "index": client.get(reverse("collaboration:index")).content.decode(),
        "my page": client.get(reverse("my_account")).content.decode(),
        "new theme": client.get(reverse("collaboration:theme_create")).content.decode(),
    }
    assert "<h1>協働デスク" in pages["desk"]
    assert 'aria-label="協働デスクから"' in pages["desk"]
    assert f'<a class="button" href="{DESK}">協働デスク</a>' in pages["index"]
    assert f'<a href="{DESK}">協働デスクを開く</a>' in pages["my page"]
    assert f'<a href="{DESK}">協働デスク</a>' in pages["new theme"]
    for name, html in pages.items():
        assert "窓口" not in html, name
        assert not _unprefixed_desk(html), (name, _unprefixed_desk(html))
