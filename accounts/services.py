from django.db import transaction

from accounts.models import User
from core.text import normalise_phone


@transaction.atomic
def user_profile_update(
    *, user: User, full_name: str, full_name_kana: str = "", phone: str = ""
) -> User:
    user.full_name = full_name
    user.full_name_kana = full_name_kana
    user.phone = normalise_phone(phone)
    user.save(update_fields=["full_name", "full_name_kana", "phone"])
    return user
