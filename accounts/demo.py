"""Demo accounts: every one has the password settings.DEMO_PASSWORD and a verified address."""

from allauth.account.models import EmailAddress
from django.conf import settings

from accounts.models import User
from accounts.roles import make_committee_member, make_official, make_staff

DEMO_USERS = [
    ("staff@example.com", "協働 花子", "staff"),
    ("official@example.com", "市役所 太郎", "official"),
    ("committee@example.com", "運営 委員", "committee"),
    ("rep@example.com", "山田 一郎", "citizen"),
    ("rep2@example.com", "佐藤 美咲", "citizen"),
    ("member@example.com", "高橋 さくら", "citizen"),
    ("citizen@example.com", "鈴木 健", "citizen"),
]


def ensure_user(email: str, full_name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def seed(ctx) -> None:
    users = {}
    for email, name, role in DEMO_USERS:
        user = ensure_user(email, name)
        if role == "staff" and not user.is_staff:
            make_staff(user)
        if role == "official":
            make_official(user)
        if role == "committee":
            make_committee_member(user)
        users[email] = user
    ctx.shared["users"] = users
    ctx.say(f"accounts: {len(users)} demo accounts")
