"""Demo data: bulletin posts by the demo groups in every category and state, over two fiscal
years (so the reports have something to count), and a couple of reports."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from bulletin import services
from bulletin.models import BulletinPost, BulletinSettings, Category, PostReport
from groups.models import Group, Membership

TEMPLATES = {
    Category.MEMBERS: [
        ("一緒に活動する仲間を募集しています", {"contact": "info@{slug}.example.org"},
         "月2回の定例会に参加できる方を募集しています。初めての方も歓迎します。"),
    ],
    Category.EVENT: [
        ("活動報告会を開きます", {"when": "{day}(土) 13時30分～15時30分",
                                 "place": "協働オフィス ミーティングスペース",
                                 "contact": "info@{slug}.example.org"},
         "今年度の活動を写真で振り返ります。**参加無料**・申込不要です。"),
    ],
    Category.PARTNERS: [
        ("イベントの共催団体を探しています", {"what": "秋の環境フェアの共催",
                                         "contact": "info@{slug}.example.org"},
         "ブースの出展や当日の運営を一緒にしてくださる団体を探しています。"),
    ],
    Category.VOLUNTEERS: [
        ("河川敷清掃ボランティア募集", {"what": "河川敷のごみ拾い", "when": "{day}(日) 9時～11時",
                                     "place": "国領川河川敷（市民グラウンド横）",
                                     "contact": "info@{slug}.example.org"},
         "軍手・ごみ袋はこちらで用意します。小学生以下は保護者と一緒にご参加ください。"),
        ("子ども食堂の調理ボランティア", {"what": "調理と配膳", "when": "毎週水曜 16時～19時",
                                       "place": "地区公民館の調理室",
                                       "contact": "info@{slug}.example.org"},
         "料理が得意でなくても大丈夫です。子どもたちと一緒に楽しく過ごしましょう。"),
    ],
    Category.GIVEAWAY: [
        ("会議用の長机をお譲りします", {"what": "長机 4台（幅180cm）", "place": "{group}の倉庫",
                                     "contact": "info@{slug}.example.org"},
         "引き取りに来られる団体にお譲りします。"),
    ],
    Category.OTHER: [
        ("活動場所の情報を教えてください", {},
         "土曜の午前に使える、駐車場のある集会所をご存じでしたらお知らせください。"),
    ],
}  # fmt: skip


def seed(ctx) -> None:
    """Each post goes through the services at the moment it was made: the representative posts
    (pre-moderation: it waits), staff publish it a few hours later, and some are later hidden by
    staff or withdrawn by their group."""
    BulletinSettings.load()
    if BulletinPost.objects.exists():
        ctx.say("bulletin: already there")
        return
    groups = list(ctx.shared.get("groups") or Group.objects.registered())
    rep_group = ctx.shared.get("rep_group")
    if rep_group is not None and rep_group not in groups:
        groups.insert(0, rep_group)
    if not groups:
        ctx.say("bulletin: no registered groups, skipped")
        return
    users = ctx.shared.get("users", {})
    staff = users.get("staff@example.com")
    authors = {
        m.group_id: m.user
        for m in Membership.objects.filter(
            group__in=groups, role=Membership.Role.REPRESENTATIVE
        ).select_related("user")
    }
    if rep_group is not None and users.get("rep@example.com"):
        authors[rep_group.pk] = users["rep@example.com"]
    now = timezone.now()
    today = timezone.localdate()
    choices = [(cat, t) for cat, items in TEMPLATES.items() for t in items]
    made = []
    total = 40 * ctx.scale
    for n in range(total):
        group = groups[n % len(groups)] if n else (rep_group or groups[0])
        author = authors.get(group.pk)
        if author is None:
            continue
        category, (title, details, body) = choices[n % len(choices)]
        age = ctx.rng.randint(0, 600) if n >= 12 else ctx.rng.randint(0, 20)
        created = now - dt.timedelta(days=age, hours=ctx.rng.randint(3, 10))
        created_day = timezone.localdate(created)
        event_day = created_day + dt.timedelta(days=14)
        fill = {
            "slug": group.slug,
            "group": group.name,
            "day": f"{event_day.month}月{event_day.day}日",
        }
        expires = created_day + dt.timedelta(days=ctx.rng.randint(20, 90))
        if n < 12:
            expires = max(expires, today + dt.timedelta(days=10))
        roll = ctx.rng.random()
        post = services.post_create(
            actor=author,
            group=group,
            now=created,
            category=category,
            title=title,
            body=body,
            expires_on=expires,
            **{k: v.format(**fill) for k, v in details.items()},
        )
        made.append(post)
        if 0 < n < 12 and roll < 0.15:
            continue  # still waiting for staff
        published = created + dt.timedelta(hours=ctx.rng.randint(1, 3))
        services.post_publish(actor=staff, post=post, now=published)
        if n >= 12 and roll < 0.06:
            services.post_hide(
                actor=staff,
                post=post,
                note="掲載の基準に合わないため非公開にしました。",
                now=published + dt.timedelta(days=1),
            )
        elif n >= 12 and roll < 0.1:
            services.post_withdraw(actor=author, post=post, now=published + dt.timedelta(days=2))
    visible = [p for p in made if p.status == BulletinPost.Status.PUBLISHED and not p.is_expired]
    for post in visible[:2]:
        services.post_report(
            actor=AnonymousUser(),
            post=post,
            reason=PostReport.Reason.WRONG,
            message="日時が古いようです。",
            ip="203.0.113.7",
        )
    ctx.say(f"bulletin: {len(made)} posts by {len(groups)} groups")
