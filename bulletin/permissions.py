"""Who may do what on the bulletin board: every view asks here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import is_office_staff
from bulletin.models import BulletinPost
from groups.models import Group
from groups.permissions import can_act_for, groups_user_can_act_for, is_member


def can_post(user) -> bool:
    """Members of a registered group (and staff) may post."""
    return is_office_staff(user) or groups_user_can_act_for(user).exists()


def posting_groups(user):
    """Groups the user may post for (staff: any registered group)."""
    if is_office_staff(user):
        return Group.objects.registered().in_kana_order()
    return groups_user_can_act_for(user)


def can_manage(user, post: BulletinPost) -> bool:
    """Edit or withdraw: members of the post's group while it is registered, and staff."""
    return can_act_for(user, post.group)


def can_see(user, post: BulletinPost) -> bool:
    """Visible posts are public; others only to the group's members and staff."""
    if post.is_visible:
        return True
    return is_office_staff(user) or is_member(user, post.group)


def post_for_viewer(pk: int, user) -> BulletinPost:
    post = get_object_or_404(BulletinPost.objects.select_related("group"), pk=pk)
    if not can_see(user, post):
        raise Http404
    return post


def post_for_manager(pk: int, user) -> BulletinPost:
    post = get_object_or_404(BulletinPost.objects.select_related("group"), pk=pk)
    if not can_manage(user, post):
        raise PermissionDenied
    return post


def can_moderate(user) -> bool:
    return is_office_staff(user)


def can_report(user, post: BulletinPost) -> bool:
    """Reports are for readers outside the group: its own members edit or withdraw the post."""
    return not is_member(user, post.group)
