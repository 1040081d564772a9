"""Demo data for the events app.

- Exchange meetings (登録団体情報交換会) four times a fiscal year for the last seven fiscal years,
  with recorded attendance that grows from 83 to 132 participants a year (the seed's figures),
  registrations of groups' members, walk-ins, and the current year's meetings so far.
- Seminars and workshops of the office and of groups, with attendance.
- Upcoming: an exchange meeting with free places (questions: social gathering, accessibility
  needs), a seminar that is full with a waiting list, a lottery workshop, a group's event and a
  group's proposal awaiting approval; the demo users are registered, waitlisted and applied.
- A survey of the latest exchange meeting with answers, and the yearly survey of registered
  groups (open, partly answered; rep@example.com has not answered yet).

Idempotent: nothing is added when the demo's first exchange meeting exists. ``ctx.scale``
multiplies the seminars and the participants (benchmark volume at 10).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.fiscal import TOKYO, FiscalYear
from events import services
from events.models import (
    Event,
    Question,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    Response,
    Survey,
)
from facilities import selectors as facilities_selectors
from facilities.models import Room
from groups.models import Group, Membership

S = Registration.Status

YEARS = 7  # completed fiscal years of exchange meetings
FIRST_YEAR_PARTICIPANTS = 83
LAST_YEAR_PARTICIPANTS = 132
MEETING_MONTHS = [6, 9, 12, 2]  # June, September, December, February

FAMILY = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "森",
]
GIVEN = [
    "健",
    "翔太",
    "大輔",
    "花子",
    "美咲",
    "陽子",
    "結衣",
    "直樹",
    "誠",
    "恵子",
    "由美",
    "和子",
    "博",
    "隆",
    "裕子",
    "真由美",
    "拓也",
    "彩",
    "浩二",
    "静香",
]

THEMES = [
    "子育て支援と地域の居場所づくり",
    "団体の広報とSNS活用",
    "担い手不足をどう乗り越えるか",
    "防災と地域のつながり",
    "企業・行政との協働事例",
    "助成金の上手な使い方",
    "高齢者の見守り活動",
    "環境保全活動の連携",
]

SEMINARS = [
    (Event.Kind.SEMINAR, "NPO会計・税務講座", "団体の会計と決算書類の作り方を税理士が解説します。"),
    (Event.Kind.SEMINAR, "助成金申請セミナー", "助成金の探し方と申請書の書き方を学びます。"),
    (Event.Kind.WORKSHOP, "チラシづくりワークショップ", "伝わるチラシを実際に作ってみます。"),
    (Event.Kind.WORKSHOP, "まちづくりワークショップ", "地域の課題と資源を地図に描き出します。"),
    (
        Event.Kind.SEMINAR,
        "個人情報保護の基礎講座",
        "会員名簿の扱い方など、団体運営の基本を学びます。",
    ),
]


def _name(rng) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"


def _phoned_in(
    *, staff, event, rng, count: int, email: str, people=lambda i: 1, groups=()
) -> list[Registration]:
    """People who phoned the office or asked at the desk: staff register them (no mail to
    the demo's addresses). ``email`` names the addresses (``<email><n>@example.net``),
    ``people(i)`` the party size of the i-th; with ``groups``, each comes from one of them."""
    return [
        services.registration_add_by_staff(
            actor=staff,
            event=event,
            name=_name(rng),
            email=f"{email}{i + 1}@example.net",
            group=rng.choice(groups) if groups else None,
            people=people(i),
            notify=False,
        )
        for i in range(count)
    ]


def _second_saturday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    return day + dt.timedelta(days=7)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO)


def _split(total: int, parts: int, rng) -> list[int]:
    """``total`` split into ``parts`` positive numbers that vary a little."""
    weights = [rng.uniform(0.8, 1.2) for _ in range(parts)]
    shares = [max(1, int(total * w / sum(weights))) for w in weights]
    shares[-1] += total - sum(shares)
    return shares


def _attendance(start, people: int, groups, rng, *, users=(), registered_extra: int = 3):
    """Who registered and came, adding up to ``people``: parties of 1–3 coming for groups,
    a few walk-ins, and a few who registered but did not come."""
    rows = []
    created = start - dt.timedelta(days=rng.randint(5, 30))
    remaining = people
    walk_ins = max(1, people // 12)
    users = list(users)
    while remaining > walk_ins:
        party = min(remaining - walk_ins, rng.choice([1, 1, 1, 2, 2, 3]))
        user = users.pop() if users else None
        rows.append(
            services.PastRegistration(
                registered_at=created,
                user=user,
                name="" if user else _name(rng),
                group=rng.choice(groups) if groups and rng.random() < 0.8 else None,
                people=party,
                came=party,
            )
        )
        remaining -= party
    rows.append(
        services.PastRegistration(
            registered_at=start,
            name="",  # a nameless walk-in: labelled "Walk-in" when shown
            people=remaining,
            came=remaining,
            walk_in=True,
        )
    )
    for _ in range(registered_extra):
        rows.append(
            services.PastRegistration(
                registered_at=created,
                name=_name(rng),
                group=rng.choice(groups) if groups else None,
            )
        )
    return rows


def seed(ctx) -> None:
    if Event.objects.filter(slug__startswith="koryukai-").exists():
        ctx.say(f"events: {Event.objects.count():,} events already there")
        return
    users = ctx.shared.get("users", {})
    groups = list(ctx.shared.get("groups") or Group.objects.registered())
    staff = users.get("staff@example.com")
    now = timezone.now()
    current = FiscalYear.of(ctx.today)

    meetings = _seed_exchange_meetings(ctx, current, groups, users, staff)
    _seed_seminars(ctx, current, groups, staff)
    _seed_upcoming(ctx, groups, users, staff)
    past = [m for m in meetings if m.end < now]
    _seed_surveys(ctx, past[-1] if past else None, groups, users)
    held = Event.objects.published().filter(end__lt=now).count()
    ctx.say(
        f"events: {Event.objects.count():,} events ({held:,} held), "
        f"{Registration.objects.count():,} registrations, "
        f"{Response.objects.count():,} survey responses"
    )


def _seed_exchange_meetings(ctx, current, groups, users, staff) -> list[Event]:
    rng = ctx.rng
    now = timezone.now()
    rep = users.get("rep@example.com")
    first = current.year - YEARS
    meetings = []
    for index, year in enumerate(range(first, current.year + 1)):
        fy = FiscalYear(year)
        step = (LAST_YEAR_PARTICIPANTS - FIRST_YEAR_PARTICIPANTS) / (YEARS - 1)
        yearly = round(FIRST_YEAR_PARTICIPANTS + step * min(index, YEARS - 1))
        if year == current.year:
            yearly = round(LAST_YEAR_PARTICIPANTS * 1.05)
        per_meeting = _split(yearly * ctx.scale, len(MEETING_MONTHS), rng)
        for number, (month, people) in enumerate(
            zip(MEETING_MONTHS, per_meeting, strict=True), start=1
        ):
            day = _second_saturday(year + (month < 4), month)
            start = _at(day, 13, 30)
            if start > now - dt.timedelta(days=1):
                continue  # this year's later meetings are not held yet
            theme = THEMES[(index * 4 + number) % len(THEMES)]
            demo_users = [rep] if rep is not None and number == 1 else []
            meetings.append(
                services.PastEvent(
                    title=f"第{number}回 登録団体情報交換会「{theme}」",
                    slug=f"koryukai-{year}-{number}",
                    kind=Event.Kind.EXCHANGE,
                    start=start,
                    end=_at(day, 16),
                    venue="まちづくり協働オフィス ミーティングスペース",
                    summary=f"{fy.japanese_label}第{number}回。テーマは「{theme}」。",
                    description=(
                        "登録団体どうしが活動を紹介し合い、課題や工夫を話し合う交流の場です。"
                        "終了後に希望者で懇親会を行いました。"
                    ),
                    fee_note="無料",
                    capacity=max(60, people + 10),
                    published_at=start - dt.timedelta(days=45),
                    registrations=_attendance(start, people, groups, rng, users=demo_users),
                )
            )
    # Staff published each and recorded who came, through the events' bulk service.
    return services.events_record_bulk(actor=staff, rows=meetings)
    return meetings


def _seed_seminars(ctx, current, groups, staff) -> None:
    rng = ctx.rng
    now = timezone.now()
    n = 0
    rows = []
    for year in range(current.year - YEARS, current.year + 1):
        for i in range(3 * ctx.scale):
            kind, title, summary = SEMINARS[(year + i) % len(SEMINARS)]
            month = [5, 7, 8, 10, 11, 1, 3][(i * 3 + year) % 7]
            day = _second_saturday(year + (month < 4), month) + dt.timedelta(days=1 + i % 5)
            start = _at(day, 10)
            if start > now - dt.timedelta(days=1):
                continue
            n += 1
            organiser = rng.choice(groups) if groups and i % 3 == 2 else None
            rows.append(
                services.PastEvent(
                    title=title,
                    slug=f"seminar-{year}-{n}",
                    kind=kind,
                    start=start,
                    end=_at(day, 12),
                    venue="まちづくり協働オフィス 会議室",
                    summary=summary,
                    organiser=organiser,
                    fee_note="資料代300円" if i % 2 else "無料",
                    capacity=30,
                    published_at=start - dt.timedelta(days=45),
                    registrations=_attendance(
                        start, rng.randint(12, 28), groups, rng, registered_extra=2
                    ),
                )
            )
    services.events_record_bulk(actor=staff, rows=rows)


def _seed_upcoming(ctx, groups, users, staff) -> None:
    rng = ctx.rng
    today = ctx.today
    citizen = users.get("citizen@example.com")
    rep = users.get("rep@example.com")
    rep2 = users.get("rep2@example.com")
    rep_group = ctx.shared.get("rep_group")

    # 1. The next exchange meeting: places left, questions, guests welcome.
    # A Saturday the office is open, three weeks on (the year-end closure or a holiday moves it
    # a week on); within three months, else the first Saturday (an office with no opening
    # hours yet, e.g. the events demo seeded alone, is closed every day).
    start = today + dt.timedelta(days=21)
    saturdays = [start + dt.timedelta(days=n) for n in range(92)]
    saturdays = [d for d in saturdays if d.weekday() == 5]
    day = next(
        (d for d in saturdays if not facilities_selectors.office_closed_reason(d)), saturdays[0]
    )
    meeting = Event.objects.create(  # staff write it in the admin's form (a draft)
        title="第3回 登録団体情報交換会「団体の広報とSNS活用」",
        slug=f"koryukai-next-{day:%Y%m%d}",
        kind=Event.Kind.EXCHANGE,
        status=Event.Status.DRAFT,
        start=_at(day, 13),
        end=_at(day, 17),
        venue="まちづくり協働オフィス 会議室",
        summary="各団体の広報の工夫を持ち寄り、SNSの使い方を一緒に考えます。",
        description=(
            "前半は3団体からの事例発表、後半はテーマ別の意見交換です。"
            "終了後、希望者で懇親会（会費500円）を行います。\n"
            "保育や手話通訳が必要な方は、申し込み時にお知らせください。"
        ),
        fee_note="無料（懇親会は500円）",
        capacity=30,
        allow_guests=True,
    )
    meeting = services.event_approve(actor=staff, event=meeting)  # and publish it
    social = RegistrationQuestion.objects.create(
        event=meeting, text="終了後の懇親会に参加しますか", order=1
    )
    care = RegistrationQuestion.objects.create(
        event=meeting,
        text="配慮が必要なこと（保育・手話通訳など）",
        kind=RegistrationQuestion.Kind.TEXT,
        help_text="例：保育（2歳児1名）、手話通訳、車いすでの参加",
        is_accessibility=True,
        order=2,
    )
    # People who phoned the office or asked at the desk (staff register them).
    rows = _phoned_in(
        staff=staff,
        event=meeting,
        rng=rng,
        count=14,
        email="sanka",
        people=lambda i: rng.choice([1, 1, 2]),
        groups=groups,
    )
    RegistrationAnswer.objects.bulk_create(
        [RegistrationAnswer(registration=r, question=social, value="yes") for r in rows[::2]]
        + [RegistrationAnswer(registration=rows[3], question=care, value="保育（3歳児1名）")]
        + [RegistrationAnswer(registration=rows[7], question=care, value="手話通訳を希望")]
    )
    if citizen is not None:
        services.registration_create(
            actor=citizen,
            event=meeting,
            people=1,
            answers={social.pk: True, care.pk: ""},
            notify=False,
        )
    _book_office_room(meeting, staff)

    # 2. A seminar that is full, with a waiting list.
    day = today + dt.timedelta(days=10)
    seminar = Event.objects.create(  # staff write it in the admin's form (a draft)
        title="はじめての助成金申請セミナー",
        slug=f"seminar-next-{day:%Y%m%d}",
        kind=Event.Kind.SEMINAR,
        status=Event.Status.DRAFT,
        start=_at(day, 18, 30),
        end=_at(day, 20, 30),
        venue="まちづくり協働オフィス 会議室",
        summary="助成金の探し方から申請書の書き方まで、事例を交えて解説します。",
        fee_note="無料",
        capacity=20,
    )
    seminar = services.event_approve(actor=staff, event=seminar)  # and publish it
    _phoned_in(
        staff=staff,
        event=seminar,
        rng=rng,
        count=16,
        email="seminar",
        people=lambda i: 2 if i < 4 else 1,
        groups=groups,
    )
    _phoned_in(staff=staff, event=seminar, rng=rng, count=2, email="waiting")
    if rep is not None:
        services.registration_create(actor=rep, event=seminar, group=rep_group, notify=False)

    # 3. A lottery workshop.
    day = today + dt.timedelta(days=30)
    while day.weekday() != 6:
        day += dt.timedelta(days=1)
    lottery = Event.objects.create(  # staff write it in the admin's form (a draft)
        title="親子で楽しむ環境ワークショップ「川の生きもの観察」",
        slug=f"workshop-lottery-{day:%Y%m%d}",
        kind=Event.Kind.WORKSHOP,
        status=Event.Status.DRAFT,
        start=_at(day, 9, 30),
        end=_at(day, 12),
        venue="国領川河川敷（雨天時はまちづくり協働オフィス）",
        summary="川の生きものを観察します。小学生とその保護者が対象。応募多数の場合は抽選です。",
        fee_note="保険料100円",
        capacity=16,
        max_party_size=3,
        mode=Event.Mode.LOTTERY,
        draw_at=_at(today + dt.timedelta(days=7), 12),
        organiser=ctx.shared.get("rep2_group"),
    )
    lottery = services.event_approve(actor=staff, event=lottery)  # and publish it
    _phoned_in(
        staff=staff,
        event=lottery,
        rng=rng,
        count=12,
        email="oyako",
        people=lambda i: rng.choice([2, 2, 3]),
    )
    if rep is not None:
        services.registration_create(actor=rep, event=lottery, people=2, notify=False)

    # 4. A group's event (proposed by its representative, approved by staff) and a proposal
    # awaiting approval, through the proposal services.
    if rep_group is not None and rep is not None:
        day = today + dt.timedelta(days=16)
        visit = services.event_propose(
            actor=rep,
            group=rep_group,
            title=f"{rep_group.name} 活動見学会",
            slug=f"group-visit-{day:%Y%m%d}",
            kind=Event.Kind.OTHER,
            start=_at(day, 10),
            end=_at(day, 11, 30),
            venue="まちづくり協働オフィス ミーティングスペース",
            summary="活動の様子を見学し、メンバーと話せる会です。ボランティア希望の方もどうぞ。",
            fee_note="無料",
            capacity=12,
            allow_guests=True,
        )
        if staff is not None:
            visit = services.event_approve(actor=staff, event=visit)
            # Registrants, so that the group's representative (rep@example.com) sees their
            # own event's people at /events/<slug>/manage/: a citizen who agreed to share
            # their needs with the organisers, and people who registered by phone.
            if citizen is not None:
                services.registration_create(
                    actor=citizen, event=visit, people=2, share_needs=True, notify=False
                )
            _phoned_in(
                staff=staff,
                event=visit,
                rng=rng,
                count=4,
                email="kengaku",
                people=lambda i: rng.choice([1, 1, 2]),
            )
        day = today + dt.timedelta(days=45)
        services.event_propose(
            actor=rep,
            group=rep_group,
            title="多世代交流 ボードゲーム会",
            slug=f"proposal-{day:%Y%m%d}",
            kind=Event.Kind.OTHER,
            start=_at(day, 13),
            end=_at(day, 16),
            venue="オフィスのミーティングスペースを希望",
            summary="子どもから高齢者まで一緒に楽しむボードゲーム会です。",
            capacity=24,
        )
    if rep2 is not None:
        services.registration_create(actor=rep2, event=meeting, people=2, notify=False)


def _book_office_room(event: Event, staff) -> None:
    """Book the office's meeting space for the event through the facilities rules, when the
    facilities demo made rooms; otherwise the venue text stays."""
    if staff is None:
        return

    for room in Room.objects.filter(capacity__gte=event.capacity).order_by("-capacity", "pk"):
        try:
            services.event_book_room(actor=staff, event=event, room=room)
        except services.EventError:
            continue
        return


def _seed_surveys(ctx, meeting: Event | None, groups, users) -> None:
    rng = ctx.rng
    now = timezone.now()
    if meeting is not None:
        survey = Survey.objects.create(
            title=f"{meeting.title} 参加者アンケート",
            slug=f"survey-{meeting.slug}",
            description="今後の情報交換会をよりよくするため、ご意見をお聞かせください。",
            event=meeting,
            audience=Survey.Audience.ATTENDEES,
            status=Survey.Status.OPEN,
            closes_at=max(meeting.end + dt.timedelta(days=30), now + dt.timedelta(days=14)),
            invitations_sent_at=meeting.end + dt.timedelta(hours=20),
        )
        questions = _questions(
            survey,
            [
                ("今回の情報交換会の満足度を教えてください", Question.Kind.RATING, "", True),
                (
                    "この会を何で知りましたか",
                    Question.Kind.SINGLE,
                    "情報紙\nホームページ\nオフィスからのメール\n知人・団体の紹介\nその他",
                    True,
                ),
                (
                    "今後取り上げてほしいテーマ（複数可）",
                    Question.Kind.MULTIPLE,
                    "広報・SNS\n資金づくり\n担い手・会員募集\n他団体との協働\n行政との協働\n防災",
                    False,
                ),
                ("参加して良かった点", Question.Kind.SHORT_TEXT, "", False),
                ("ご意見・ご要望", Question.Kind.LONG_TEXT, "", False),
            ],
        )
        attendees = list(
            meeting.registrations.filter(attended=True, is_walk_in=False).order_by("pk")
        )
        comments = [
            "他の団体の工夫を聞けて参考になった",
            "同じ分野の団体とつながれた",
            "少人数で話せる時間が良かった",
            "",
        ]
        opinions = [
            "次回は平日夜の開催もあると参加しやすいです。",
            "発表の時間をもう少し長くしてほしい。",
            "駐車場の案内があると助かります。",
            "",
            "",
        ]
        rows = []
        for registration in attendees[: max(1, len(attendees) * 3 // 4)]:
            answers = {
                questions[0]: rng.choices([2, 3, 4, 5], weights=[1, 3, 6, 4])[0],
                questions[1]: rng.choices(questions[1].option_list, weights=[4, 3, 3, 2, 1])[0],
                questions[2]: [o for o in questions[2].option_list if rng.random() < 0.35],
                questions[3]: rng.choice(comments),
                questions[4]: rng.choice(opinions),
            }
            rows.append(
                services.PastResponse(
                    submitted_at=meeting.end + dt.timedelta(days=rng.randint(1, 10)),
                    answers=answers,
                    user=registration.user,
                    registration=registration,
                )
            )
        # Each answered through the survey's rules (open then, an attendee, once each).
        services.survey_responses_record_bulk(survey=survey, rows=rows)

    # The yearly survey of registered groups, answered by some representatives.
    year = FiscalYear.of(ctx.today)
    survey = Survey.objects.create(
        title=f"{year.japanese_label} 登録団体アンケート",
        slug=f"groups-{year.year}",
        description=(
            "登録団体の活動状況と、オフィスへのご要望をうかがう毎年の調査です。"
            "団体の管理者の方がお答えください。"
        ),
        audience=Survey.Audience.REPRESENTATIVES,
        status=Survey.Status.OPEN,
        opens_at=now - dt.timedelta(days=7),
        closes_at=now + dt.timedelta(days=30),
    )
    questions = _questions(
        survey,
        [
            (
                "団体の活動人数",
                Question.Kind.SINGLE,
                "5人未満\n5〜9人\n10〜19人\n20〜49人\n50人以上",
                True,
            ),
            (
                "活動上の課題（複数可）",
                Question.Kind.MULTIPLE,
                "担い手・後継者\n活動資金\n活動場所\n広報\n他団体とのつながり",
                True,
            ),
            ("オフィスの利用しやすさ", Question.Kind.RATING, "", True),
            ("オフィスへのご要望", Question.Kind.LONG_TEXT, "", False),
        ],
    )
    reps = list(
        Membership.objects.filter(
            role=Membership.Role.REPRESENTATIVE, group__status=Group.Status.REGISTERED
        )
        .exclude(user__email="rep@example.com")
        .select_related("group", "user")
        .order_by("group__name_kana")[: max(5, len(groups) // 2)]
    )
    rows = []
    for m in {m.user_id: m for m in reps}.values():
        issues = [o for o in questions[1].option_list if rng.random() < 0.4] or ["担い手・後継者"]
        answers = {
            questions[0]: rng.choices(questions[0].option_list, weights=[2, 4, 4, 2, 1])[0],
            questions[1]: issues,
            questions[2]: rng.choices([3, 4, 5], weights=[2, 5, 3])[0],
        }
        if rng.random() < 0.4:
            answers[questions[3]] = rng.choice(
                [
                    "夜間も会議室を使えるとありがたいです。",
                    "印刷機の予約をオンラインでできるようにしてほしい。",
                    "他の団体と知り合える機会を増やしてほしい。",
                ]
            )
        rows.append(
            services.PastResponse(
                submitted_at=now - dt.timedelta(days=rng.randint(0, 6), minutes=1),
                answers=answers,
                user=m.user,
            )
        )
    services.survey_responses_record_bulk(survey=survey, rows=rows)


def _questions(survey: Survey, rows) -> list[Question]:
    return Question.objects.bulk_create(
        Question(survey=survey, text=text, kind=kind, options=options, required=required, order=i)
        for i, (text, kind, options, required) in enumerate(rows, start=1)
    )
