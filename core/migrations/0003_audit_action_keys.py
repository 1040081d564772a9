"""One naming scheme for audit keys: ``<app>.<noun>_<verb>`` (issue 14, part 4).

Existing rows are renamed so that old history reads the same way as new history. The mapping is
frozen here (a migration must not import the live registry); reversing restores the old keys.
"""

from django.db import migrations

OLD_TO_NEW = {
    # accounts
    "accounts.email_address_added": "accounts.email_address_add",
    "accounts.email_address_changed": "accounts.email_address_change",
    "accounts.email_address_removed": "accounts.email_address_remove",
    "accounts.email_address_verified": "accounts.email_address_verify",
    "accounts.official_role_given": "accounts.official_role_grant",
    "accounts.official_role_taken": "accounts.official_role_revoke",
    # groups
    "group.apply": "groups.group_apply",
    "group.approve": "groups.group_approve",
    "group.reject": "groups.group_reject",
    "group.resubmit": "groups.group_resubmit",
    "group.suspend": "groups.group_suspend",
    "group.reinstate": "groups.group_reinstate",
    "group.withdraw": "groups.group_withdraw",
    "group.update": "groups.group_profile_update",
    "group.renew": "groups.group_renew",
    "group.renewal_remind": "groups.renewal_remind",
    "group.contact": "groups.contact_send",
    "group.export": "groups.group_export",
    "membership.invite": "groups.invitation_create",
    "membership.invitation_revoke": "groups.invitation_revoke",
    "membership.join": "groups.invitation_accept",
    "membership.role": "groups.membership_set_role",
    "membership.hand_over": "groups.representative_hand_over",
    "membership.leave": "groups.membership_leave",
    "membership.remove": "groups.membership_remove",
    "activity.create": "groups.activity_record_create",
    "activity.update": "groups.activity_record_update",
    "activity.delete": "groups.activity_record_delete",
    # events
    "event.propose": "events.event_propose",
    "event.approve": "events.event_approve",
    "event.reject": "events.event_reject",
    "event.cancel": "events.event_cancel",
    "event.moved": "events.event_move",
    "event.reminders": "events.reminders_send",
    "event.book_room": "events.event_book_room",
    "event.release_room": "events.event_release_room",
    "event.register": "events.registration_create",
    "event.register_by_staff": "events.registration_add_by_staff",
    "event.register_guest": "events.registration_create_guest",
    "event.guest_confirmed": "events.registration_confirm_guest",
    "event.guest_duplicate_released": "events.registration_release_duplicate",
    "event.cancel_registration": "events.registration_cancel",
    "event.release_unconfirmed": "events.registrations_release_expired",
    "event.waitlist_promoted": "events.waitlist_promote",
    "event.lottery_draw": "events.lottery_draw",
    "event.attendance": "events.attendance_record",
    "event.attendance_mark_all": "events.attendance_mark_all",
    "event.walk_in": "events.walk_in_add",
    "survey.answer": "events.survey_submit",
    "survey.invite": "events.survey_send_invitations",
    # facilities
    "facilities.booking_used": "facilities.booking_record_usage",
    "facilities.booking_no_show": "facilities.booking_mark_no_show",
    "facilities.booking_suspend": "facilities.suspension_create",
    "facilities.walk_in": "facilities.walk_in_adjust",
    "facilities.feed_reset": "facilities.group_feed_reset",
    "facilities.loan_refuse": "facilities.loan_reject",
    # bulletin
    "bulletin.post": "bulletin.post_create",
    "bulletin.edit": "bulletin.post_update",
    "bulletin.withdraw": "bulletin.post_withdraw",
    "bulletin.publish": "bulletin.post_publish",
    "bulletin.hide": "bulletin.post_hide",
    "bulletin.report": "bulletin.post_report",
    # news
    "news.save": "news.news_post_save",
    "opinion.submit": "news.opinion_submit",
    # newsletter
    "newsletter.subscribe": "newsletter.subscriber_subscribe",
    "newsletter.unsubscribe": "newsletter.subscriber_unsubscribe",
    "newsletter.suppress": "newsletter.subscriber_suppress",
    "newsletter.test_send": "newsletter.issue_test_send",
    "newsletter.send": "newsletter.issue_send",
    "newsletter.retry_failed": "newsletter.issue_failures_retry",
    "newsletter.resume_send": "newsletter.issue_send_resume",
    "newsletter.digest": "newsletter.digest_create",
    # pages
    "pages.version_created": "pages.page_version_create",
    "pages.version_published": "pages.page_version_publish",
    "pages.version_restored": "pages.page_version_restore",
    "pages.page_created": "pages.page_create",
    "pages.page_changed": "pages.page_update",
    "pages.file_added": "pages.download_file_add",
    "pages.file_removed": "pages.download_file_remove",
    "pages.office_details_changed": "pages.office_details_update",
    "pages.consent_given": "pages.consent_record",
}


def _rename(apps, mapping):
    AuditLog = apps.get_model("core", "AuditLog")
    for old, new in mapping.items():
        AuditLog.objects.filter(action=old).update(action=new)


def forwards(apps, schema_editor):
    _rename(apps, OLD_TO_NEW)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_postgres_extensions")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
