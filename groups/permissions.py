"""Who may do what with a group: every view asks here, never decides on its own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.roles import is_office_staff
from groups.models import Group, Membership


def membership_of(user, group: Group) -> Membership | None:
    if not (user and user.is_authenticated):
        return None
    cache = getattr(user, "_portal_memberships", None)
    if cache is None:
        cache = {m.group_id: m for m in Membership.objects.filter(user=user)}
        user._portal_memberships = cache
    return cache.get(group.pk)


def is_member(user, group: Group) -> bool:
    return membership_of(user, group) is not None


def is_representative(user, group: Group) -> bool:
    membership = membership_of(user, group)
    return bool(membership and membership.is_representative)


def can_act_for(user, group: Group) -> bool:
    """Members of a registered group act for it (bookings, posts); staff act for any group."""
    if is_office_staff(user):
        return True
    return group.is_registered and is_member(user, group)


def group_for_member(slug: str, user) -> Group:
    """The group named by ``slug`` when ``user`` is its member (or staff); 404/403 otherwise."""
    group = get_object_or_404(Group, slug=slug)
    if is_office_staff(user) or is_member(user, group):
        return group
    raise PermissionDenied


def group_for_representative(slug: str, user) -> Group:
    group = get_object_or_404(Group, slug=slug)
    if is_office_staff(user) or is_representative(user, group):
        return group
    raise PermissionDenied


def groups_user_can_act_for(user):
    """Registered groups the user may book or post for."""
    if not (user and user.is_authenticated):
        return Group.objects.none()
    return Group.objects.registered().with_member(user).in_kana_order()
