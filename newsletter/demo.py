"""Demo data: five newsletter issues a year since FY2019 (cover and PDF included), subscribers
in every state, the deliveries of the recent issues, and a few messages from the office
(お知らせメール) already sent by the real sender, so staff see their history."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from core.fiscal import FiscalYear
from events.models import Event
from groups.models import ActivityField
from newsletter import history, segments, sending, services, tokens
from newsletter.models import NewsletterIssue, OfficeMessage, Subscriber

FIRST_YEAR = 2019
# (month, day, season) of the five issues of a fiscal year.
SCHEDULE = [(4, 20, "春"), (7, 15, "夏"), (10, 15, "秋"), (1, 15, "冬"), (3, 10, "年度末")]
FEATURES = [
    "子ども食堂のいま",
    "里山保全の仲間たち",
    "防災とまちづくり",
    "多文化共生の取り組み",
    "高齢者の見守りと居場所",
    "環境にやさしい暮らし",
    "商店街とNPOの協働",
    "若者の地域参加",
]
COLOURS = ["#1d5e3a", "#0b4f8a", "#8a5a00", "#6b2f7a", "#a4161a"]


def _cover(number: int) -> ContentFile:
    image = Image.new("RGB", (300, 424), COLOURS[number % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 280, 120], fill="white")
    draw.text((40, 60), f"No. {number}", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=f"cover-{number}.png")


def _pdf(number: int, title: str) -> ContentFile:
    text = f"Kyodo Office newsletter No. {number}"
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return ContentFile(out.getvalue(), name=f"newsletter-{number}.pdf")


def _body(feature: str, season: str, year: FiscalYear) -> str:
    return (
        f"## 特集：{feature}\n\n"
        f"{year.japanese_label}{season}号では、**{feature}**をテーマに、市内で活動する登録団体を訪ねました。\n\n"
        "## オフィスから\n\n"
        "- 会議室の予約はウェブサイトから24時間受け付けています\n"
        "- 機材の貸出（プロジェクター・スクリーン・拡声器）もご利用ください\n\n"
        "## 情報掲示板から\n\n"
        "会員募集・ボランティア募集などの情報は[情報掲示板](/bulletin/)をご覧ください。\n"
    )


def seed(ctx) -> None:
    _seed_office_messages(ctx)
    if NewsletterIssue.objects.exists():
        ctx.say("newsletter: already there")
        return
    today = ctx.today
    current = FiscalYear.current().year
    first_year = FIRST_YEAR - (ctx.scale - 1) * 2  # more years for benchmarks
    issues = []
    number = 0
    for year in range(first_year, current + 1):
        fiscal = FiscalYear(year)
        for month, day, season in SCHEDULE:
            published = dt.date(year + (month < 4), month, day)
            if published > today + dt.timedelta(days=60):
                continue
            number += 1
            feature = FEATURES[number % len(FEATURES)]
            issue = NewsletterIssue(
                number=number,
                title=f"{fiscal.japanese_label}{season}号 特集「{feature}」",
                summary=f"{feature}をテーマに、市内の登録団体の活動を紹介します。",
                body=_body(feature, season, fiscal),
                published_on=published,
                status=NewsletterIssue.Status.PUBLISHED,
            )
            if published > today:  # the next issue: a draft with its planned date
                issue.status = NewsletterIssue.Status.DRAFT
            issues.append(issue)
    NewsletterIssue.objects.bulk_create(issues)
    for issue in NewsletterIssue.objects.filter(published_on__gte=today - dt.timedelta(days=800)):
        issue.cover.save(f"cover-{issue.number}.png", _cover(issue.number), save=False)
        issue.pdf.save(
            f"newsletter-{issue.number}.pdf", _pdf(issue.number, issue.title), save=False
        )
        issue.save(update_fields=["cover", "pdf"])

    # Subscribers through the sign-up form's services at their own moments: subscribe, confirm
    # from the link an hour later; some never confirm, some unsubscribe later, a few bounce.
    fields = list(ActivityField.objects.all())
    now = timezone.now()
    count = 60 * ctx.scale
    for n in range(count):
        joined = now - dt.timedelta(days=ctx.rng.randint(1, 365 * 5))
        interests = (
            ctx.rng.sample(fields, k=min(2, len(fields)))
            if fields and ctx.rng.random() < 0.5
            else []
        )
        roll = ctx.rng.random()
        roll = {1: 0.01, 2: 0.1, 3: 0.21}.get(n, roll)  # one of each state, whatever the seed
        subscriber = services.subscriber_subscribe(
            email=f"reader{n + 1}@example.net",
            interests=interests,
            now=joined - dt.timedelta(hours=1),
        )
        if roll < 0.08:
            continue  # never confirmed
        subscriber, _already = services.subscriber_confirm(
            token=tokens.confirm_token(subscriber), now=joined
        )
        if roll < 0.2:
            left = min(
                joined + dt.timedelta(days=ctx.rng.randint(30, 400)), now - dt.timedelta(days=1)
            )
            services.subscriber_unsubscribe(subscriber=subscriber, now=max(left, joined))
        elif roll < 0.23:
            bounced = max(joined, now - dt.timedelta(days=ctx.rng.randint(1, 200)))
            services.bounce_record(
                provider="Postmark",
                event_type="bounced",
                email=subscriber.email,
                reject_reason="bounced",
                description="The email account that you tried to reach does not exist.",
                occurred_at=bounced,
                now=bounced,
            )

    # The recent published issues, sent by staff on their publication morning to those
    # receiving the newsletter then (a few addresses refused by the mail server).
    recent = NewsletterIssue.objects.published().filter(
        published_on__gte=today - dt.timedelta(days=730)
    )
    staff = ctx.shared.get("users", {}).get("staff@example.com")
    emails = list(Subscriber.objects.order_by("pk").values_list("email", flat=True))
    deliveries = 0
    for issue in recent.order_by("published_on") if staff is not None else []:
        sent_at = dt.datetime.combine(
            issue.published_on, dt.time(10), tzinfo=timezone.get_current_timezone()
        )
        if sent_at > now:
            continue
        failed = {e: "550 No such user" for e in emails if ctx.rng.random() < 0.02}
        run = history.issue_send_record(actor=staff, issue=issue, sent_at=sent_at, failed=failed)
        deliveries += run.recipients
    ctx.say(
        f"newsletter: {len(issues)} issues since FY{first_year}, {count} subscribers, "
        f"{deliveries} deliveries"
    )


def _office_messages(ctx) -> list[tuple[str, str, dict]]:
    """(subject, body, segment) of the messages the office has sent."""
    messages = [
        (
            "年末年始の休館と会議室予約についてのお知らせ",
            "登録団体の管理者の皆さま\n\n"
            "いつもまちづくり協働オフィスをご利用いただきありがとうございます。\n\n"
            "**12月29日から1月3日まで**は休館します。休館中も会議室の予約は"
            "ウェブサイトから受け付けています。\n\n"
            "- 休館中のご利用はできません\n"
            "- 1月4日から通常どおり開館します\n",
            {"audience": "representatives", "all_groups": True},
        ),
        (
            "団体登録の更新手続きのお願い",
            "今年度の団体登録の更新がまだお済みでない団体の皆さまへ。\n\n"
            "マイページの「登録の更新」から、活動報告とともに手続きをお願いします。"
            "ご不明な点はオフィスまでお問い合わせください。\n",
            {"audience": "representatives", "not_renewed": True},
        ),
    ]
    # The latest past event whose participants left an address (many came unannounced).
    for event in Event.objects.filter(end__lt=timezone.now()).order_by("-start")[:10]:
        segment = {"events": [event.pk], "event_statuses": ["attended"]}
        if segments.resolve(segments.normalise(segment)).recipients:
            messages.append(
                (
                    f"{event.title}へのご参加ありがとうございました",
                    "先日はご参加いただき、ありがとうございました。\n\n"
                    "当日の資料はオフィスの窓口でお渡しできます。次回もぜひご参加ください。\n",
                    segment,
                )
            )
            break
    return messages


def _seed_office_messages(ctx) -> None:
    """Written, tested and sent by staff through the services, and delivered by the
    background sender's own code (the demo's mail backend keeps them in the mail log only)."""
    staff = ctx.shared.get("users", {}).get("staff@example.com")
    if staff is None or OfficeMessage.objects.exists():
        return
    sent = deliveries = 0
    for subject, body, segment in _office_messages(ctx):
        if not segments.resolve(segments.normalise(segment)).recipients:  # nobody there
            continue
        message = services.office_message_create(
            actor=staff, subject=subject, body=body, segment=segment, copy_to_office=True
        )
        services.office_message_test_send(actor=staff, message=message)
        message = services.office_message_send(actor=staff, message=message)
        result = sending.deliver_message(message_id=message.pk)
        sent += 1
        deliveries += result.sent + result.failed
    ctx.say(f"newsletter: {sent} messages from the office, {deliveries} deliveries")
