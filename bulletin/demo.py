"""Demo data: bulletin posts by the demo groups in every category and state, over two fiscal
years (so the reports have something to count), and a couple of reports."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bulletin.models import BulletinPost, BulletinSettings, Category, PostReport
from groups.models import Group

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
    author = users.get("rep@example.com")
    now = timezone.now()
    today = timezone.localdate()
    choices = [(cat, t) for cat, items in TEMPLATES.items() for t in items]
    posts = []
    total = 40 * ctx.scale
    for n in range(total):
        group = groups[n % len(groups)] if n else (rep_group or groups[0])
        category, (title, details, body) = choices[n % len(choices)]
        age = ctx.rng.randint(0, 600) if n >= 12 else ctx.rng.randint(0, 20)
        created = now - dt.timedelta(days=age, hours=ctx.rng.randint(0, 10))
        event_day = timezone.localtime(created).date() + dt.timedelta(days=14)
        fill = {
            "slug": group.slug,
            "group": group.name,
            "day": f"{event_day.month}月{event_day.day}日",
        }
        expires = timezone.localtime(created).date() + dt.timedelta(days=ctx.rng.randint(20, 90))
        status = BulletinPost.Status.PUBLISHED
        roll = ctx.rng.random()
        if n >= 12 and roll < 0.06:
            status = BulletinPost.Status.HIDDEN
        elif n >= 12 and roll < 0.1:
            status = BulletinPost.Status.WITHDRAWN
        elif 0 < n < 12 and roll < 0.15:
            status = BulletinPost.Status.PENDING
        posts.append(
            BulletinPost(
                group=group,
                author=author if group == rep_group else None,
                category=category,
                title=title,
                body=body,
                expires_on=max(expires, today + dt.timedelta(days=10)) if n < 12 else expires,
                status=status,
                published_at=None if status == BulletinPost.Status.PENDING else created,
                **{k: v.format(**fill) for k, v in details.items()},
            )
        )
    created_posts = BulletinPost.objects.bulk_create(posts)
    # created_at is set on insert: move it back to when each post was made.
    for post in created_posts:
        post.created_at = post.published_at or now - dt.timedelta(hours=3)
    BulletinPost.objects.bulk_update(created_posts, ["created_at"], batch_size=500)
    visible = [p for p in created_posts if p.status == BulletinPost.Status.PUBLISHED][:2]
    PostReport.objects.bulk_create(
        [PostReport(post=p, reason=PostReport.Reason.WRONG, message="日時が古いようです。")
         for p in visible]
    )  # fmt: skip
    ctx.say(f"bulletin: {len(created_posts)} posts by {len(groups)} groups")
