"""The personal data the bulletin app holds (see core/personal_data.py)."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import BLANK, Holding, exempt, of_account, register

register(
    Holding(
        key="bulletin.post",
        model="bulletin.BulletinPost",
        fields=("author", "contact", "moderation_note"),
        what=_("Posts you wrote on the bulletin board, with the contact you gave"),
        why=_("To publish the post and let readers reach the group"),
        who_sees=_("Everyone while the post is published; the office staff"),
        of_person=of_account("bulletin.BulletinPost", "author"),
        replace={"contact": BLANK},
    ),
    Holding(
        key="bulletin.report",
        model="bulletin.PostReport",
        fields=("reporter", "message"),
        what=_("Reports you made about a bulletin post"),
        why=_("The office checks reported posts"),
        who_sees=_("The office staff"),
        of_person=of_account("bulletin.PostReport", "reporter"),
        replace={"message": BLANK},
    ),
)

exempt("bulletin.GroupQuota", "note", why="the office's note on a group's quota")
