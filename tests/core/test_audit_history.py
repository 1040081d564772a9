"""History people can read (issue #14, part 4): each record's admin page shows its history in
sentences, newest first; staff search the audit log by who, what, which action and dates; the
admin home's "recent actions" card shows the latest sentences with links to the records.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import registry
from core.audit import log_action
from core.models import AuditLog
from tests.factories import GroupFactory, UserFactory

JST = ZoneInfo("Asia/Tokyo")
MORNING = dt.datetime(2026, 12, 6, 10, 2, tzinfo=JST)


@pytest.fixture
def sato(staff):
    staff.full_name = "佐藤"
    staff.save(update_fields=["full_name"])
    return staff


def get(client, url: str, language: str = "ja") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def history_section(html: str) -> str:
    start = html.index('class="module audit-history"')
    return html[start : html.index("</section>", start)]


def text(html: str) -> str:
    """What a person reads: the tags gone, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S)).strip()


def change_url(group) -> str:
    return reverse("admin:groups_group_change", args=[group.pk])


def write_history(group, actor, n: int = 1):
    for i in range(n):
        with time_machine.travel(MORNING + dt.timedelta(minutes=i), tick=False):
            log_action(actor=actor, action="groups.group_profile_update", target=group,
                       changed=["summary"])  # fmt: skip


# --- the record's own page -------------------------------------------------------------------


def test_a_records_admin_page_shows_its_history_in_sentences_newest_first(client_for, sato):
    group = GroupFactory(name="川をきれいにする会")
    applicant = UserFactory(full_name="田中", email="tanaka@example.org")
    with time_machine.travel(MORNING - dt.timedelta(days=3), tick=False):
        log_action(actor=applicant, action="groups.group_apply", target=group)
    with time_machine.travel(MORNING, tick=False):
        log_action(actor=sato, action="groups.group_approve", target=group,
                   registration_number="R8-005")  # fmt: skip
    log_action(actor=sato, action="groups.group_approve", target=GroupFactory())  # another's

    section = history_section(get(client_for("staff"), change_url(group)))
    assert "履歴" in section
    approved = "2026年12月6日 10:02 佐藤（スタッフ）が登録を承認しました（登録番号 R8-005）"
    applied = "2026年12月3日 10:02 田中が団体登録を申請しました"
    assert approved in text(section) and applied in text(section)
    assert text(section).index(approved) < text(section).index(applied)  # newest first
    assert section.count('<li class="audit-history__item"') == 2

    english = text(history_section(get(client_for("staff"), change_url(group), "en")))
    assert "Dec. 6, 2026, 10:02 a.m. 佐藤 (staff) approved the registration" in english


def test_changed_fields_are_named_as_the_form_names_them(client_for, sato):
    group = GroupFactory()
    write_history(group, sato)
    section = history_section(get(client_for("staff"), change_url(group)))
    assert "佐藤（スタッフ）が団体情報を更新しました（変更 " in section
    assert "summary" not in section  # the field's own name, not the column's


def test_a_record_without_history_says_so(client_for):
    section = history_section(get(client_for("staff"), change_url(GroupFactory())))
    assert "まだ記録はありません" in section


def test_the_history_costs_the_same_queries_for_many_entries(client_for, sato):
    few, many = GroupFactory(), GroupFactory()
    write_history(few, sato, 2)
    write_history(many, sato, 25)
    client = client_for("staff")
    get(client, change_url(few))  # warm the caches (content types, permissions)
    counts = []
    for group in (few, many):
        with CaptureQueriesContext(connection) as queries:
            get(client, change_url(group))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_long_history_shows_the_latest_and_links_to_the_whole_log(client_for, sato):
    group = GroupFactory()
    write_history(group, sato, 25)
    html = get(client_for("staff"), change_url(group))
    section = history_section(html)
    assert section.count('<li class="audit-history__item"') == 20
    assert "2026年12月6日 10:26" in section and "2026年12月6日 10:02" not in section
    link = re.search(r'href="([^"]*auditlog/\?object=[^"]+)"', section).group(1)
    listed = get(client_for("staff"), link)
    assert listed.count("団体情報を更新しました") == 25


def test_the_admins_history_page_reads_the_audit_log_too(client_for, sato):
    group = GroupFactory()
    write_history(group, sato)
    url = reverse("admin:groups_group_history", args=[group.pk])
    assert "佐藤（スタッフ）が団体情報を更新しました" in get(client_for("staff"), url)


@pytest.mark.parametrize("role", ["anonymous", "citizen", "official", "member"])
def test_only_staff_see_a_records_history(client_for, role, group):
    response = client_for(role).get(change_url(group))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- the audit list --------------------------------------------------------------------------


def changelist(client, language="ja", **params) -> str:
    from urllib.parse import urlencode

    return get(
        client, reverse("admin:core_auditlog_changelist") + "?" + urlencode(params), language
    )


@pytest.fixture
def log(sato):
    """A few days of the office's work."""
    tanaka = UserFactory(full_name="田中", email="tanaka@example.org")
    river, park = GroupFactory(name="川をきれいにする会"), GroupFactory(name="公園の花壇の会")
    steps = [
        (dt.datetime(2026, 12, 1, 9, 0, tzinfo=JST), tanaka, "groups.group_apply", river, {}),
        (dt.datetime(2026, 12, 2, 9, 0, tzinfo=JST), sato, "groups.group_approve", river,
         {"registration_number": "R8-005"}),
        (dt.datetime(2026, 12, 3, 23, 30, tzinfo=JST), sato, "groups.group_suspend", park,
         {"reason": "連絡が取れない"}),
        (dt.datetime(2026, 12, 4, 0, 30, tzinfo=JST), tanaka, "groups.group_renew", river,
         {"fiscal_year": 2026}),
    ]  # fmt: skip
    for at, actor, action, target, data in steps:
        with time_machine.travel(at, tick=False):
            log_action(actor=actor, action=action, target=target, **data)
    return river, park


def rows(html: str) -> int:
    return len(re.findall(r'<tr[^>]*>\s*<td class="action-checkbox|<th class="field-when', html))


def test_staff_read_the_audit_log_as_sentences_with_links_to_the_records(client_for, log):
    river, _park = log
    html = changelist(client_for("staff"))
    assert "佐藤（スタッフ）が登録を承認しました（登録番号 R8-005）" in html
    assert "2026年12月2日 9:00" in html
    assert f'href="{change_url(river)}"' in html
    assert html.index("連絡が取れない") < html.index("登録番号 R8-005")  # newest first


def test_search_by_who_and_by_the_records_name(client_for, log):
    client = client_for("staff")
    by_name = changelist(client, q="田中")
    assert "団体登録を申請しました" in by_name and "登録を承認しました" not in by_name
    by_record = changelist(client, q="花壇")
    assert "団体を利用停止にしました" in by_record and "団体登録を申請しました" not in by_record


def test_search_by_what_was_done_in_the_staffs_words(client_for, log):
    html = changelist(client_for("staff"), q="承認")
    assert "登録を承認しました" in html
    assert "団体登録を申請しました" not in html and "利用停止にしました" not in html
    english = changelist(client_for("staff"), "en", q="suspended")
    assert "suspended the group" in english and "approved the registration (" not in english


def test_filter_by_action_and_by_record(client_for, log):
    river, _park = log
    client = client_for("staff")
    approved = changelist(client, action="groups.group_approve")
    assert "登録を承認しました" in approved and "団体登録を申請しました" not in approved
    # The action filter lists the actions by their labels.
    assert "登録を承認" in approved
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(river)
    one = changelist(client, object=f"{content_type.pk}-{river.pk}")
    assert "団体登録を申請しました" in one and "利用停止にしました" not in one


def test_filter_by_dates_counts_whole_local_days(client_for, log):
    client = client_for("staff")
    html = changelist(client, **{"from": "2026-12-02", "to": "2026-12-03"})
    # 3 December 23:30 in Japan is inside "to 3 December"; 4 December 00:30 is not.
    assert "登録を承認しました" in html and "利用停止にしました" in html
    assert "団体登録を申請しました" not in html and "登録を更新しました" not in html
    assert 'value="2026-12-02"' in html  # the form keeps what was asked
    garbled = changelist(client, **{"from": "yesterday"})
    assert "団体登録を申請しました" in garbled  # a garbled date filters nothing


def test_the_audit_list_costs_the_same_queries_for_more_rows(client_for, sato):
    client = client_for("staff")
    group = GroupFactory()
    write_history(group, sato, 3)
    changelist(client)
    counts = []
    for more in (0, 40):
        write_history(group, sato, more)
        with CaptureQueriesContext(connection) as queries:
            changelist(client)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_nobody_edits_or_deletes_the_audit_log(client_for, log):
    entry = AuditLog.objects.first()
    client = client_for("staff")
    change = client.post(reverse("admin:core_auditlog_change", args=[entry.pk]), {"action": "x"})
    assert change.status_code in (302, 403) and AuditLog.objects.get(pk=entry.pk).action != "x"
    assert client.post(reverse("admin:core_auditlog_delete", args=[entry.pk])).status_code == 403
    assert client.get(reverse("admin:core_auditlog_add")).status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "citizen", "official", "member"])
def test_only_staff_read_the_audit_log(client_for, role):
    response = client_for(role).get(reverse("admin:core_auditlog_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- the admin home's recent actions ---------------------------------------------------------


def test_the_admin_home_shows_the_last_ten_actions_with_links(client_for, sato, log):
    river, _park = log
    write_history(river, sato, 12)
    request = RequestFactory().get("/")
    request.user = sato
    (card,) = [p for p in registry.gather("admin_home", request) if p.key == "core.recent_actions"]
    assert len(card.context["entries"]) == 10

    html = get(client_for("staff"), reverse("admin:index"))
    start = html.index('aria-labelledby="dash-recent-actions"')
    section = html[start : html.index("</section>", start)]
    assert "最近の操作" in section
    assert section.count('audit-recent__item" data-action') == 10
    assert "佐藤（スタッフ）が団体情報を更新しました" in section
    assert f'href="{change_url(river)}"' in section
    assert "利用不可" not in html


def test_the_recent_actions_cost_the_same_queries_for_more_actions(sato):
    group = GroupFactory()
    request = RequestFactory().get("/")
    request.user = sato
    panel = next(p for p in registry.panels("admin_home") if p.key == "core.recent_actions")
    write_history(group, sato, 2)
    panel.context(request)  # warm the caches
    counts = []
    for more in (0, 20):
        write_history(group, sato, more)
        with CaptureQueriesContext(connection) as queries:
            panel.context(request)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2


def test_times_are_written_for_machines_to_the_second(client_for, sato):
    """A recorded moment has microseconds; HTML's <time datetime> allows at most three digits of
    a second's fraction (the HTML checker rejects more), so both lists give whole seconds."""
    group = GroupFactory()
    with time_machine.travel(MORNING + dt.timedelta(seconds=5, microseconds=123456), tick=False):
        log_action(actor=sato, action="groups.group_profile_update", target=group,
                   changed=["summary"])  # fmt: skip
    client = client_for("staff")
    section = history_section(get(client, change_url(group)))
    home = get(client, reverse("admin:index"))
    for html in (section, home):
        assert 'datetime="2026-12-06T10:02:05+09:00"' in html
        stamps = re.findall(r'<time[^>]*datetime="([^"]+)"', html)
        assert stamps
        for stamp in stamps:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?", stamp), stamp
