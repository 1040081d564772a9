from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied

from accounts.roles import can_view_reports


def _check(user) -> bool:
    if not user.is_authenticated:
        return False
    if not can_view_reports(user):
        raise PermissionDenied
    return True


# Anonymous → the login page; signed in but neither staff nor official → 403.
reports_viewer_required = user_passes_test(_check)
