"""The personal data the facilities app holds (see core/personal_data.py)."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import Holding, exempt, of_account, register

register(
    Holding(
        key="facilities.booking",
        model="facilities.Booking",
        fields=("booked_by", "decided_by", "staff_notes"),
        what=_("Bookings of rooms you made for a group, and the office's notes on them"),
        why=_("To run the meeting space and count its users (the yearly report)"),
        who_sees=_("The office staff and your group"),
        of_person=of_account("facilities.Booking", "booked_by", "decided_by"),
    ),
    Holding(
        key="facilities.booking_series",
        model="facilities.BookingSeries",
        fields=("created_by",),
        what=_("Repeating bookings you made"),
        why=_("To run the meeting space"),
        who_sees=_("The office staff and your group"),
        of_person=of_account("facilities.BookingSeries", "created_by"),
    ),
    Holding(
        key="facilities.loan",
        model="facilities.EquipmentLoan",
        fields=("requested_by", "decided_by", "handed_out_by", "returned_by", "staff_notes"),
        what=_("Equipment loans you asked for, and the office's notes on them"),
        why=_("To lend the equipment and get it back"),
        who_sees=_("The office staff and your group"),
        of_person=of_account(
            "facilities.EquipmentLoan", "requested_by", "decided_by", "handed_out_by", "returned_by"
        ),
    ),
    Holding(
        key="facilities.staff_records",
        about_staff=True,
        model="facilities.WalkInCount",
        fields=("recorded_by",),
        what=_("Walk-in counts recorded by office staff"),
        why=_("The office's record of who counted"),
        who_sees=_("The office staff"),
        of_person=of_account("facilities.WalkInCount", "recorded_by"),
    ),
    Holding(
        key="facilities.suspension",
        about_staff=True,
        model="facilities.NoShowSuspension",
        fields=("lifted_by",),
        what=_("Booking suspensions lifted by office staff"),
        why=_("The office's record of who lifted a suspension"),
        who_sees=_("The office staff"),
        of_person=of_account("facilities.NoShowSuspension", "lifted_by"),
    ),
)

exempt("facilities.Room", "name", "notes", "photo", why="the office's rooms")
exempt("facilities.Equipment", "name", "notes", why="the office's equipment")
