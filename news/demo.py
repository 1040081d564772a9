"""Demo data: news posts (one pinned, one scheduled), programme episodes and a few opinions."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from groups.models import Group, Membership
from news import services
from news.models import NewsPost, Opinion, ProgrammeEpisode

NEWS = [
    ("年末年始の休館について", True, 3,
     "{closed_from}から{closed_to}まで休館します。\n\n会議室の予約は{reopens}以降の分から受け付けています。"),
    ("登録団体情報交換会の参加者を募集しています", False, 8,
     "今年度の**登録団体情報交換会**を開催します。\n\n- 日時：{meeting}13時30分～16時\n"
     "- 会場：協働オフィス ミーティングスペース\n\n"
     "詳しくは[イベント一覧](/events/)をご覧ください。"),
    ("プロジェクターを新しくしました", False, 15,
     "貸出用のプロジェクターを更新しました。HDMI接続に対応しています。"),
    ("情報紙の配信をメールでも始めました", False, 30,
     "情報紙を**メールでも**お届けしています。[こちら](/newsletter/subscribe/)からお申し込みください。"),
    ("会議室の利用案内を改訂しました", False, 45,
     "予約の受付期間と取消の期限をわかりやすく整理しました。"),
    ("市民活動団体の登録更新の時期です", False, 60,
     "登録の有効期間が今年度末までの団体は、**3月末まで**に更新の手続きをお願いします。"),
    ("広報番組で登録団体を紹介しました", False, 75,
     "今月の[広報番組](/programme/)では、子ども食堂に取り組む団体を紹介しました。"),
    ("ボランティアセンターとの合同相談会", False, 95,
     "市社会福祉協議会のボランティアセンターと合同で、活動の悩み相談会を開きます。"),
    ("夏季の開館時間の変更", False, 130, "8月13日から15日までは17時で閉館します。"),
    ("協働オフィスの運営委員を紹介します", False, 170,
     "今年度の運営委員会は、市民活動団体・企業・市の職員など9名で構成しています。"),
    ("ホームページをリニューアルしました", False, 220,
     "スマートフォンでも見やすくなりました。ご意見は[ご意見箱](/opinion/)へお寄せください。"),
    ("新年度のごあいさつ", False, 250, "今年度もどうぞよろしくお願いいたします。"),
]  # fmt: skip

EPISODE_TOPICS = [
    ("子ども食堂の一日", "地域の子ども食堂で、ボランティアと子どもたちの一日を追いました。"),
    ("里山を守る人たち", "里山の手入れを続ける団体の活動と、その楽しさを紹介します。"),
    ("多文化共生のまちへ", "外国人住民のための日本語教室を開く団体を訪ねました。"),
    ("防災は日ごろから", "自主防災組織と市の危機管理課が、家庭でできる備えを話します。"),
    ("高齢者の見守り活動", "一人暮らしの高齢者を訪問するボランティアの工夫を聞きました。"),
    ("商店街とNPOの協働", "空き店舗を使った居場所づくりの取り組みを紹介します。"),
    ("川をきれいに", "河川敷の清掃活動に、企業の社員も参加しています。"),
    ("協働オフィスへようこそ", "会議室や機材の使い方、相談窓口をご案内します。"),
]


def _featured_groups_and_a_request(ctx, today) -> None:
    """The latest episodes feature a registered group each (the groups' pages link back); the
    demo representative's group has asked to appear, waiting for the office's answer, and the
    next episode is planned so that staff can schedule it."""
    groups = list(Group.objects.registered().order_by("pk")[:12])
    if not groups:
        return
    latest = list(ProgrammeEpisode.objects.order_by("-air_date", "-pk")[:12])
    through = ProgrammeEpisode.featured_groups.through
    through.objects.bulk_create(
        through(programmeepisode_id=episode.pk, group_id=groups[n % len(groups)].pk)
        for n, episode in enumerate(latest)
    )
    rep = ctx.shared.get("users", {}).get("rep@example.com")
    membership = (
        Membership.objects.filter(user=rep, group__status=Group.Status.REGISTERED)
        .select_related("group")
        .first()
    )
    if membership is None:
        return
    services.appearance_request(
        actor=rep,
        group=membership.group,
        topic="子ども食堂のボランティア募集と、夏休みの学習支援",
        preferred_month=(today.replace(day=1) + dt.timedelta(days=40)).replace(day=1),
        note="代表と学生ボランティア2名で出演したいです。",
    )


WEEKDAYS = "月火水木金土日"


def _day(day: dt.date) -> str:
    """「1月4日（月）」: a day as the office writes it in a notice."""
    return f"{day.month}月{day.day}日（{WEEKDAYS[day.weekday()]}）"


def seed(ctx) -> None:
    if NewsPost.objects.exists():
        ctx.say("news: already there")
        return
    now = timezone.now()
    # The days the posts name, with their real weekdays: the coming year-end closure (29
    # December to 3 January) and a Sunday in the middle of February.
    today = timezone.localdate(now)
    closure = dt.date(today.year if today.month >= 4 else today.year - 1, 12, 29)
    february = dt.date(closure.year + 1, 2, 15)
    days = {
        "closed_from": _day(closure),
        "closed_to": _day(closure + dt.timedelta(days=5)),
        "reopens": _day(closure + dt.timedelta(days=6)),
        "meeting": _day(february + dt.timedelta(days=(6 - february.weekday()) % 7)),
    }
    posts = []
    for title, important, days_ago, body in NEWS:
        posts.append(
            NewsPost(
                title=title,
                slug=f"demo-{days_ago}",
                body=body.format(**days),
                important=important,
                publish_at=now - dt.timedelta(days=days_ago, hours=ctx.rng.randint(0, 8)),
            )
        )
    posts.append(
        NewsPost(
            title="来月の臨時休館のお知らせ（予約投稿）",
            slug="demo-scheduled",
            body="設備点検のため臨時休館します。",
            publish_at=now + dt.timedelta(days=7),
        )
    )
    for n in range(max(0, ctx.scale - 1) * 20):  # benchmark volume
        posts.append(
            NewsPost(
                title=f"お知らせ（過去分）{n + 1}",
                slug=f"demo-archive-{n + 1}",
                body="過去のお知らせです。",
                publish_at=now - dt.timedelta(days=260 + n),
            )
        )
    NewsPost.objects.bulk_create(posts)

    today = timezone.localdate()
    episodes = []
    months = 36 * ctx.scale
    for n in range(months):
        title, summary = EPISODE_TOPICS[n % len(EPISODE_TOPICS)]
        air = (today.replace(day=1) - dt.timedelta(days=30 * (n - 1))).replace(day=15)
        episodes.append(
            ProgrammeEpisode(
                air_date=air,
                title=f"まちづくり協働チャンネル「{title}」",
                summary=summary,
                video_url=f"https://video.example.jp/kyodo/{months - n}",
            )
        )
    ProgrammeEpisode.objects.bulk_create(episodes)
    _featured_groups_and_a_request(ctx, today)

    # Opinions through the opinion box, as visitors send them; staff marked one read.
    anonymous = AnonymousUser()
    services.opinion_submit(
        actor=anonymous,
        addressed_to=Opinion.Addressee.OFFICE,
        topic=Opinion.Topic.FACILITIES,
        message="土曜日の夜も会議室を使えるようにしてほしいです。",
    )
    read = services.opinion_submit(
        actor=anonymous,
        addressed_to=Opinion.Addressee.COMMITTEE,
        topic=Opinion.Topic.WEBSITE,
        message="情報紙のバックナンバーが読めて便利です。",
    )
    Opinion.objects.filter(pk=read.pk).update(status=Opinion.Status.READ)  # as in the admin
    services.opinion_submit(
        actor=anonymous,
        addressed_to=Opinion.Addressee.OFFICE,
        topic=Opinion.Topic.SUPPORT,
        name="市民 花子",
        email="hanako@example.jp",
        wants_reply=True,
        message="会計の相談ができる日を増やしてもらえますか。",
    )
    ctx.say(f"news: {len(posts)} posts, {len(episodes)} programme episodes, 3 opinions")
