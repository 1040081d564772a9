"""Admin pages are the office's: staff open them (200) and post to them (a redirect back);
anyone else, whatever their role, is sent to the admin's login for both."""

from __future__ import annotations


def assert_only_staff_reach(client, role: str, *, pages=(), posts=()) -> None:
    """GET each of ``pages`` and POST (empty) to each of ``posts`` as ``role``."""
    for url in pages:
        response = client.get(url)
        if role == "staff":
            assert response.status_code == 200, url
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    for url in posts:
        response = client.post(url)
        assert response.status_code == 302, url
        if role != "staff":
            assert "/admin/login/" in response["Location"], url
