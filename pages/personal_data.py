"""The personal data the pages app holds (see core/personal_data.py)."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import Holding, exempt, of_account, register

register(
    Holding(
        key="pages.consent",
        model="pages.Consent",
        fields=("user",),
        what=_("Which version of the terms and privacy policy you agreed to, and when"),
        why=_("The record of your consent"),
        who_sees=_("The office staff"),
        of_person=of_account("pages.Consent", "user"),
    ),
    Holding(
        key="pages.editor",
        about_staff=True,
        model="pages.PageVersion",
        fields=("created_by", "note"),
        what=_("Changes office staff made to the portal's pages"),
        why=_("The record of who changed a page"),
        who_sees=_("The office staff"),
        of_person=of_account("pages.PageVersion", "created_by"),
    ),
    Holding(
        key="pages.download_file",
        about_staff=True,
        model="pages.DownloadFile",
        fields=("uploaded_by",),
        what=_("Files office staff put on the downloads page"),
        why=_("The record of who uploaded a file"),
        who_sees=_("The office staff"),
        of_person=of_account("pages.DownloadFile", "uploaded_by"),
    ),
)

exempt("pages.DownloadFile", "file", why="the office's published file")
exempt(
    "pages.OfficeDetails",
    "name",
    "address",
    "phone",
    "email",
    "access_note",
    why="the office's own public details",
)
