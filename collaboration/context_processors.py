"""The header's link to the collaboration desk (協働デスク), for the people who work there."""

from collaboration.permissions import can_use_desk


def desk(request):
    """``nav_can_use_desk`` is asked only when the header is drawn: office staff need no query,
    a department official one (their department), anyone else none beyond the roles the
    header's Reports link has already read."""
    user = getattr(request, "user", None)
    return {"nav_can_use_desk": lambda: bool(user) and can_use_desk(user)}
