"""The personal data the news app holds (see core/personal_data.py)."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import BLANK, Holding, of_account, register
from news.models import Opinion

register(
    Holding(
        key="news.opinion_sender",
        model="news.Opinion",
        fields=("name", "email", "user"),
        what=_("The name and e-mail address given with an opinion sent to the opinion box"),
        why=_("To reply when the sender asked for a reply"),
        who_sees=_("The office staff"),
        retention="opinion_senders",
        of_person=of_account("news.Opinion", "user", emails=("email",)),
        # The opinion itself stays (without who sent it): the office's record of opinions.
        replace={"name": BLANK, "email": BLANK, "user": None},
        expired=lambda cutoff: Opinion.objects.filter(created_at__lt=cutoff),
    ),
    Holding(
        key="news.opinion",
        model="news.Opinion",
        fields=("message", "staff_note"),
        what=_("Opinions sent to the opinion box, and the office's notes on them"),
        why=_("The office answers them and reports them to the operating committee"),
        who_sees=_("The office staff"),
        of_person=of_account("news.Opinion", "user", emails=("email",)),
    ),
    Holding(
        key="news.appearance_request",
        model="news.AppearanceRequest",
        fields=("requested_by", "note"),
        what=_("Requests to appear in the office's broadcast programme, with your note"),
        why=_("To plan the programme"),
        who_sees=_("The office staff"),
        of_person=of_account("news.AppearanceRequest", "requested_by"),
        replace={"note": BLANK},
    ),
    Holding(
        key="news.author",
        about_staff=True,
        model="news.NewsPost",
        fields=("created_by",),
        what=_("News posts written by office staff"),
        why=_("The office's record of who wrote a post"),
        who_sees=_("The office staff"),
        of_person=of_account("news.NewsPost", "created_by"),
    ),
)
