"""Demo data: partners of every kind (with private contacts), three city departments with the
demo official in 市民協働課, and three fiscal years of themes and proposals replayed through the
services at the moments they happened: drafts, submissions, assignment, meetings (協議) and the
departments' answers (採択, 不採択, 継続協議), plus this year's open themes and a call window;
and three years of the go-between's record (consultations referred, introductions made from the
partner suggestions) with their follow-ups and outcomes, each recorded at its moment."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from collaboration import services
from collaboration import services_gobetween as gobetween
from collaboration.models import CallWindow, Partner, PartnerContact, Project, Proposal
from collaboration.models_gobetween import Introduction
from groups.models import ActivityField, Consultation, Group, Membership

PARTNERS = [
    (
        "市民協働課",
        Partner.Kind.DEPARTMENT,
        "市民活動と協働の窓口。",
        "会場・広報の協力",
        "地域課題に取り組む団体",
    ),
    (
        "環境政策課",
        Partner.Kind.DEPARTMENT,
        "ごみ減量と環境学習を担当。",
        "啓発資材、講師派遣",
        "環境学習の担い手",
    ),
    (
        "子ども未来課",
        Partner.Kind.DEPARTMENT,
        "子育て支援と子どもの居場所づくり。",
        "施設の提供",
        "子どもの居場所の運営団体",
    ),
    (
        "新居浜市社会福祉協議会",
        Partner.Kind.WELFARE_COUNCIL,
        "地域福祉の推進。",
        "ボランティアの紹介",
        "見守り活動の協力団体",
    ),
    (
        "一宮町自治会",
        Partner.Kind.NEIGHBOURHOOD,
        "一宮町の自治会。",
        "集会所の貸出",
        "防災訓練の協力",
    ),
    (
        "株式会社みなと製作所",
        Partner.Kind.COMPANY,
        "地元の製造業。社会貢献活動に熱心。",
        "社員ボランティア、寄付",
        "地域イベントの連携先",
    ),
    (
        "市立中央中学校",
        Partner.Kind.SCHOOL,
        "総合学習で地域と連携。",
        "生徒の参加",
        "総合学習の講師",
    ),
    (
        "えひめ地域づくり財団",
        Partner.Kind.NPO,
        "地域づくりの助成財団。",
        "助成金",
        "助成事業の応募団体",
    ),
]

THEMES = [
    # (department, title, issue, expectations, budget range, fiscal year offset, field slug)
    ("子ども未来課", "放課後の子どもの居場所づくり", "放課後に一人で過ごす子どもが増えています。",
     "食事や学習の場を継続して運営できる団体。", (300_000, 800_000)),
    ("環境政策課", "食品ロスを減らす地域の仕組み", "家庭から出る食品ロスが減っていません。",
     "フードドライブなどを地域で広げられる団体。", (200_000, 500_000)),
    ("市民協働課", "高齢者の見守りと移動の支援", "買い物や通院に困る高齢者が増えています。",
     "地域の見守りと外出支援を担える団体。", (None, 1_000_000)),
]  # fmt: skip

PROPOSALS = [
    ("地域みんなの子ども食堂", "子どもの孤食を減らし、地域の大人とつながる場をつくる。",
     "月2回の食堂、学習支援、見守り訪問。", "食堂と学習支援の運営、ボランティアの募集",
     "会場の提供、学校を通じた周知", 600_000),
    ("フードドライブ常設拠点", "家庭の余剰食品を必要な人に届ける。",
     "公民館3か所に回収箱を置き、月1回配布会を開く。", "回収・仕分け・配布",
     "公民館の使用許可、市報での広報", 350_000),
    ("おでかけサポート隊", "高齢者が買い物や通院に出かけられるようにする。",
     "ボランティア運転手による送迎と付き添い。", "運転手の確保と調整",
     "車両保険の負担、地域への周知", 900_000),
    ("川と森の環境学校", "子どもが地域の自然を学ぶ機会をつくる。",
     "年6回の自然観察会と清掃活動。", "講師と安全管理", "学校との調整、広報", 250_000),
]  # fmt: skip


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed(ctx) -> None:
    if Partner.objects.exists():
        ctx.say("collaboration: already there")
    else:
        _proposals_and_projects(ctx)
    _gobetween(ctx)


def _proposals_and_projects(ctx) -> None:
    users = ctx.shared.get("users", {})
    staff = users.get("staff@example.com")
    official = users.get("official@example.com")
    fields = list(ActivityField.objects.order_by("order", "pk"))
    partners = {}
    for name, kind, summary, offers, looks_for in PARTNERS:
        partner = services.partner_save(
            actor=staff,
            partner=Partner(
                name=name, kind=kind, summary=summary, offers=offers, looks_for=looks_for
            ),
        )
        if fields:
            partner.fields.set(fields[len(partners) % len(fields) :][:2])
        PartnerContact.objects.create(
            partner=partner,
            name=f"{name[:2]} 担当",
            title="担当者",
            email=f"contact{len(partners) + 1}@partners.example.jp",
            phone="0897-65-0000",
        )
        partners[name] = partner
    if official is not None:
        services.official_assign(actor=staff, user=official, department=partners["市民協働課"])

    groups = list(Group.objects.registered().order_by("pk")[:8])
    rep_group = ctx.shared.get("rep_group")
    if rep_group is not None:
        groups = [rep_group, *[g for g in groups if g.pk != rep_group.pk]]
    reps = {
        m.group_id: m.user
        for m in Membership.objects.filter(group__in=groups).order_by("role", "pk")
    }
    if rep_group is not None and users.get("rep@example.com"):
        reps[rep_group.pk] = users["rep@example.com"]
    groups = [g for g in groups if g.pk in reps]
    if not groups or staff is None:
        ctx.say("collaboration: partners only (no groups or staff)")
        return

    today = timezone.localdate()
    made = 0
    # Three years back: each year's themes, and proposals answered in turn.
    for years_ago in (2, 1, 0):
        base = today - dt.timedelta(days=365 * years_ago)
        for i, (dept, title, issue, expectations, (low, high)) in enumerate(THEMES):
            published = base - dt.timedelta(days=60 - 7 * i)
            deadline = published + dt.timedelta(days=45 if years_ago else 80)
            department = partners[dept]
            dept_official = official if dept == "市民協働課" else staff
            theme = services.theme_save(
                actor=dept_official,
                department=department,
                publish=True,
                now=_at(published),
                title=f"{base.year}年度 {title}" if years_ago else title,
                issue=issue,
                expectations=expectations,
                budget_min=low,
                budget_max=high,
                deadline=deadline,
                field=fields[i % len(fields)] if fields else None,
            )
            group = groups[(i + years_ago) % len(groups)]
            if years_ago == 0 and i == 1:
                group = groups[0]  # the demo representative's group is writing a draft
            actor = reps[group.pk]
            ptitle, aim, activities, role_group, role_city, budget = PROPOSALS[i]
            drafted = published + dt.timedelta(days=10)
            proposal = services.proposal_create(
                actor=actor,
                group=group,
                theme=theme,
                now=_at(drafted),
                title=ptitle,
                field=theme.field,
                aim=aim,
                activities=activities,
                role_group=role_group,
                role_city=role_city,
                budget=budget,
                schedule="4月 準備、6月 開始、翌年2月 振り返り",
            )
            made += 1
            if years_ago == 0 and i == 1:
                continue  # a draft the group is still writing
            proposal = services.proposal_submit(
                actor=actor, proposal=proposal, now=_at(drafted + dt.timedelta(days=5))
            )
            assigned = drafted + dt.timedelta(days=9)
            if years_ago == 0 and assigned > today:
                continue
            proposal = services.proposal_assign(
                actor=staff,
                proposal=proposal,
                department=department,
                answer_due=max(
                    assigned + dt.timedelta(days=30), today if not years_ago else assigned
                ),
                now=_at(min(assigned, today)),
            )
            if years_ago == 0:
                continue  # waiting for the department's answer (市民協働課: the demo official)
            met = assigned + dt.timedelta(days=12)
            services.meeting_record(
                actor=staff,
                proposal=proposal,
                held_on=met,
                attendees=f"{group.name} 2名、{department.name} 2名、事務局 1名",
                notes="事業の目的と役割分担を確認。予算の内訳を次回までに整理する。",
                now=_at(met, 17),
            )
            # The other departments have no official on the portal: they answered the office
            # in writing, and staff entered it.
            answerer = official if dept == "市民協働課" and official else staff
            decision = ("adopted", "rejected", "continued")[(i + years_ago) % 3]
            services.proposal_answer(
                actor=answerer,
                proposal=proposal,
                department=department,
                decision=decision,
                reasons={
                    "adopted": "地域の課題に合い、実施体制も十分と判断しました。",
                    "rejected": "今年度の予算では実施が難しいため見送ります。",
                    "continued": "対象地区の範囲について引き続き協議します。",
                }[decision],
                now=_at(met + dt.timedelta(days=10)),
            )
    # A citizen proposal (市民提案型) and this year's call window.
    CallWindow.objects.create(
        title=f"{today.year}年度 市民提案型協働事業の募集",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=40),
    )
    group = groups[-1]
    ptitle, aim, activities, role_group, role_city, budget = PROPOSALS[3]
    proposal = services.proposal_create(
        actor=reps[group.pk],
        group=group,
        now=_at(today - dt.timedelta(days=6)),
        title=ptitle,
        aim=aim,
        activities=activities,
        role_group=role_group,
        role_city=role_city,
        budget=budget,
        schedule="5月〜2月、年6回",
    )
    services.proposal_submit(
        actor=reps[group.pk], proposal=proposal, now=_at(today - dt.timedelta(days=5))
    )
    made += 1
    made += _projects(groups, reps, staff, official, partners["市民協働課"], fields, today)
    ctx.say(
        f"collaboration: {len(partners)} partners, "
        f"{Proposal.objects.count()} proposals ({made} made), {Project.objects.count()} projects"
    )


PROJECTS = [
    # (title, aim, activities, results, progress notes)
    ("公園の花壇ボランティア", "駅前公園の花壇を地域で手入れし、憩いの場にする。",
     "月2回の手入れ、季節の植え替え、子ども向け園芸教室。",
     "延べ420人が参加し、花壇12区画を通年で維持。園芸教室に子ども85人。",
     ["第1回の植え替えを実施、参加者32人。", "夏の水やり当番を自治会と分担。",
      "秋の園芸教室を開催、子ども28人。"]),
    ("防災まち歩きマップづくり", "地域の危険箇所と避難経路を住民の目で確かめる。",
     "まち歩き4回、マップの作成と全戸配布、学校での防災授業。",
     "マップ3,200部を全戸配布。防災授業に中学生140人。",
     ["1回目のまち歩き、参加者18人。", "マップの下書きを自治会と確認。",
      "中学校で防災授業を実施。"]),
    ("多文化ふれあい日本語教室", "外国にルーツのある住民が地域で暮らしやすくする。",
     "週1回の日本語教室、生活相談、交流会。", "教室に延べ610人。生活相談48件を市の窓口へつないだ。",
     ["教室を開講、受講者14人。", "生活相談の記録様式を市と決めた。",
      "交流会を開催、参加者60人。"]),
    ("まちの縁側サロン", "高齢者が気軽に集える居場所を商店街につくる。",
     "空き店舗を使った週2回のサロン、健康体操、見守り。", "",
     ["サロンを開所、初日の来場者22人。"]),
]  # fmt: skip


def _projects(groups, reps, staff, official, department, fields, today) -> int:
    """Four years of joint projects with 市民協働課 (the demo official's department): adopted
    citizen proposals, their agreements, progress and final reports and joint evaluations.
    Last year's waits for the department's evaluation; this year's (the demo representative's
    group) is running."""
    if official is None:
        return 0
    made = 0
    for years_ago, (title, aim, activities, results, notes) in zip(
        (3, 2, 1, 0), PROJECTS, strict=True
    ):
        group = groups[0] if years_ago == 0 else groups[(years_ago + 1) % len(groups)]
        member = reps[group.pk]
        d0 = today - dt.timedelta(days=365 * years_ago + 120)
        proposal = services.proposal_create(
            actor=member,
            group=group,
            now=_at(d0),
            title=title,
            field=fields[(years_ago + 3) % len(fields)] if fields else None,
            aim=aim,
            activities=activities,
            role_group="活動の企画と運営、参加者の募集",
            role_city="会場の調整、市の広報での周知",
            budget=400_000 + 50_000 * years_ago,
            schedule="4月 準備、5月 開始、翌年2月 振り返り",
        )
        services.proposal_submit(actor=member, proposal=proposal, now=_at(d0 + dt.timedelta(3)))
        services.proposal_assign(
            actor=staff,
            proposal=proposal,
            department=department,
            answer_due=d0 + dt.timedelta(days=40),
            now=_at(d0 + dt.timedelta(days=6)),
        )
        services.proposal_answer(
            actor=official,
            proposal=proposal,
            department=department,
            decision="adopted",
            reasons="地域の課題に合い、団体の実績も十分と判断しました。",
            now=_at(d0 + dt.timedelta(days=20)),
        )
        made += 1
        project = Project.objects.get(proposal=proposal)
        starts = d0 + dt.timedelta(days=40)
        ends = starts + dt.timedelta(days=300)
        services.agreement_record(
            actor=official,
            project=project,
            role_group="活動の企画と運営、参加者の募集、経過と完了の報告",
            role_city="会場の調整、市の広報での周知、関係課との連絡",
            budget=380_000 + 50_000 * years_ago,
            starts_on=starts,
            ends_on=ends,
            concluded_on=d0 + dt.timedelta(days=35),
            summary=aim,
            now=_at(d0 + dt.timedelta(days=36)),
        )
        for n, note in enumerate(notes):
            day = starts + dt.timedelta(days=60 + 90 * n)
            if day > today:
                break
            services.progress_report_add(
                actor=member, project=project, reported_on=day, text=note, now=_at(day, 18)
            )
        final = ends + dt.timedelta(days=10)
        if final > today or not results:
            continue
        services.final_report_submit(
            actor=member,
            project=project,
            results=results,
            spending=360_000 + 45_000 * years_ago,
            spending_note="謝礼、資材費、印刷費、保険",
            now=_at(final),
        )
        for side, actor, offset, comment in (
            ("group", member, 10, "市の周知で参加者が広がった。次年度は担い手を増やしたい。"),
            ("department", official, 20, "地域の関心が高く、協働の効果が大きかった。"),
        ):
            if years_ago == 1 and side == "department":
                continue  # the department's evaluation is awaited (the demo official's desk)
            services.evaluation_submit(
                actor=actor,
                project=project,
                side=side,
                rating_goals=4,
                rating_effect=5 - years_ago % 2,
                rating_roles=4,
                rating_continuity=3 + years_ago % 2,
                comment=comment,
                next_year=("continue", "revise", "end")[years_ago % 3],
                now=_at(final + dt.timedelta(days=offset)),
            )
    return made


# --- The go-between's record (媒介役): referrals and introductions, with what came of them.

# By the consultation's category: the partners it is passed on to (by kind) and what staff noted.
REFERRALS = {
    Consultation.Category.PARTNERSHIP: (
        (Partner.Kind.DEPARTMENT, Partner.Kind.SCHOOL, Partner.Kind.NEIGHBOURHOOD),
        "協力先を探している相談。担当者を紹介し、先方に一報を入れた。",
    ),
    Consultation.Category.FUNDING: (
        (Partner.Kind.NPO, Partner.Kind.COMPANY),
        "助成の相談。募集要項を渡し、窓口を紹介した。",
    ),
    Consultation.Category.VOLUNTEERS: (
        (Partner.Kind.WELFARE_COUNCIL, Partner.Kind.COMPANY),
        "担い手の相談。ボランティアの紹介窓口につないだ。",
    ),
}
TO_GROUP_NOTE = "会場と人手の相談。近くで活動する団体を紹介した。"
INTRODUCTION_NOTES = [
    "パートナー候補の提案から。活動分野と地域が重なるため紹介した。",
    "先方が担い手を探しており、団体の活動と合うため紹介した。",
]
CONNECTED_NOTES = [
    "打ち合わせを経て、共同でイベントを開くことになった。",
    "先方の協力で会場と広報の支援を受けられた。",
    "定期的な情報交換を始めた。",
]
NO_RESULT_NOTES = [
    "日程と条件が合わず、今回は見送りとなった。",
    "先方の担当者が替わり、話が進まなかった。",
]
REFERRED_CATEGORIES = tuple(REFERRALS)
PER_YEAR = 6  # of each kind, a fiscal year: the office's few, recorded by hand


def _gobetween(ctx) -> None:
    """Three years of referrals and introductions, replayed through services_gobetween at the
    moments they happened: older ones closed (connected, or nothing came of it), recent ones
    pending, some with their follow-up due today or overdue, some later."""
    if Introduction.objects.exists():
        ctx.say("collaboration: the go-between's record already there")
        return
    users = ctx.shared.get("users", {})
    staff = users.get("staff@example.com")
    partners = list(Partner.objects.filter(is_active=True).order_by("pk"))
    groups = list(
        Group.objects.filter(status=Group.Status.REGISTERED, registered_on__isnull=False)
        .order_by("registered_on", "pk")
        .only("pk", "name", "status", "registered_on")[:40]
    )
    if staff is None or not partners or len(groups) < 3:
        ctx.say("collaboration: no go-between record (no staff, partners or groups)")
        return
    today = ctx.today
    # Consultations of the last three years about partners, grants or volunteers: those that
    # a go-between passes on. A few a year, spread over the year.
    consultations = list(
        Consultation.objects.filter(
            held_on__gte=today - dt.timedelta(days=365 * 3),
            held_on__lte=today - dt.timedelta(days=1),
            category__in=REFERRED_CATEGORIES,
        )
        .select_related("group")
        .order_by("held_on", "pk")
    )
    # Spread over the three years before the last two months, then the latest before each of
    # a few recent days: their follow-ups (three weeks on) are overdue, due or still to come.
    older = [c for c in consultations if c.held_on < today - dt.timedelta(days=60)]
    chosen = older[:: max(1, len(older) // (PER_YEAR * 3))][: PER_YEAR * 3]
    for days_ago in (52, 38, 24, 10, 3):
        day = today - dt.timedelta(days=days_ago)
        latest = [c for c in consultations if c.held_on <= day and c not in chosen]
        if latest:
            chosen.append(latest[-1])
    made = []
    for n, consultation in enumerate(chosen):
        made_on = min(consultation.held_on + dt.timedelta(days=n % 3), today)
        kinds, note = REFERRALS[consultation.category]
        fitting = [p for p in partners if p.kind in kinds] or partners
        to_group, partner = None, fitting[n % len(fitting)]
        if n % 4 == 3:  # now and then, another registered group rather than a partner
            to_group = _group_for(groups, made_on, n, avoid=consultation.group_id)
            if to_group is not None:
                partner, note = None, TO_GROUP_NOTE
        introduction = gobetween.referral_record(
            actor=staff,
            consultation=consultation,
            to_group=to_group,
            partner=partner,
            made_on=made_on,
            follow_up_on=made_on + dt.timedelta(days=21),
            assignee=staff,
            note=note,
            now=_at(made_on, 16),
        )
        made.append(introduction)
    # Introductions from the partner suggestions: a group (A) introduced to a partner or to
    # another group (B), about every two months.
    for n in range(PER_YEAR * 3):
        made_on = today - dt.timedelta(days=5 + 61 * n)
        from_group = _group_for(groups, made_on, n)
        if from_group is None:
            continue
        to_group = _group_for(groups, made_on, n + 7, avoid=from_group.pk) if n % 3 == 2 else None
        partner = None if to_group is not None else partners[(n * 3 + 1) % len(partners)]
        introduction = gobetween.introduction_record(
            actor=staff,
            from_group=from_group,
            to_group=to_group,
            partner=partner,
            made_on=made_on,
            follow_up_on=made_on + dt.timedelta(days=14 if n % 2 else 30),
            assignee=staff,
            note=INTRODUCTION_NOTES[n % len(INTRODUCTION_NOTES)],
            now=_at(made_on, 15),
        )
        made.append(introduction)
    closed = 0
    for n, introduction in enumerate(made):
        # Followed up when due: what came of it is known for those of more than four months
        # ago; the recent ones stay pending (their follow-up due or overdue, or later).
        if introduction.made_on >= today - dt.timedelta(days=120):
            continue
        decided = introduction.follow_up_on + dt.timedelta(days=3)
        no_result = n % 4 == 1
        gobetween.introduction_outcome_set(
            actor=staff,
            introduction=introduction,
            outcome=Introduction.Outcome.NO_RESULT if no_result else Introduction.Outcome.CONNECTED,
            note=(NO_RESULT_NOTES if no_result else CONNECTED_NOTES)[n % 2],
            now=_at(decided, 11),
        )
        closed += 1
    due = Introduction.objects.due(today).count()
    ctx.say(
        f"collaboration: go-between {len(made)} referrals and introductions "
        f"({closed} closed, {due} follow-ups due)"
    )


def _group_for(groups: list[Group], day: dt.date, n: int, avoid: int | None = None):
    """A group registered by ``day`` (not ``avoid``), chosen in turn by ``n``."""
    known = [g for g in groups if g.registered_on <= day and g.pk != avoid]
    return known[n % len(known)] if known else None
