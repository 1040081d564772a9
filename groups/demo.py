"""Demo data for the groups app: the city's districts, dozens of registered groups (thousands at
``--scale 10``) with believable Japanese names, ten fiscal years of registrations, withdrawals,
renewals and consultations, pending applications, activity records with photos.

Idempotent: when the featured demo group exists, nothing is added again; ``ctx.shared`` is
filled either way ("groups", "rep_group", "rep2_group").
"""

from __future__ import annotations

import bisect
import datetime as dt
import importlib
import io
import uuid

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from core.fiscal import FiscalYear, fiscal_year_of
from groups import services
from groups.history import consultations_record_bulk
from groups.models import (
    ActivityField,
    ActivityRecord,
    Area,
    Consultation,
    Group,
    GroupDocument,
)

# The districts of the city (slug, name, reading, English).
AREAS = [
    ("kawanishi", "川西", "かわにし", "Kawanishi"),
    ("kawahigashi", "川東", "かわひがし", "Kawahigashi"),
    ("jobu", "上部", "じょうぶ", "Jobu"),
    ("oshima", "大島", "おおしま", "Oshima"),
    ("nakahagi", "中萩", "なかはぎ", "Nakahagi"),
    ("funaki", "船木", "ふなき", "Funaki"),
    ("sumino", "角野", "すみの", "Sumino"),
    ("izumikawa", "泉川", "いずみかわ", "Izumikawa"),
    ("takihama", "多喜浜", "たきはま", "Takihama"),
    ("ojoin", "大生院", "おおじょういん", "Ojoin"),
]

# (slug, name, reading, fields, summary, offers, needs)
THEMES = [
    (
        "kodomo-shokudo",
        "子ども食堂",
        "こどもしょくどう",
        ["children", "welfare"],
        "地域の子どもたちに温かい食事と安心できる居場所を届けています。",
        "調理の経験があるメンバー、食品衛生の知識、会場の机やいす",
        "食材の寄付、配膳や片付けを手伝ってくれるボランティア、チラシのデザイン",
    ),
    (
        "yomikikase",
        "読み聞かせ",
        "よみきかせ",
        ["children", "social-education"],
        "小学校や図書館で絵本の読み聞かせをしています。",
        "絵本の読み聞かせ、紙芝居の上演、手遊びの指導",
        "新しい絵本の寄贈、読み聞かせの会場、若いメンバー",
    ),
    (
        "satoyama",
        "里山保全",
        "さとやまほぜん",
        ["environment", "rural"],
        "荒れた里山の下草刈りや間伐をして、生き物が暮らせる森を守っています。",
        "草刈り機やチェーンソーの扱い、間伐材、自然観察会の案内",
        "作業に参加してくれるボランティア、間伐材の使い道、子ども向けイベントの企画",
    ),
    (
        "kaigan",
        "海岸清掃",
        "かいがんせいそう",
        ["environment"],
        "月に一度、海岸のごみを拾い、海の環境を守る活動をしています。",
        "清掃用具の貸し出し、ごみの分別の知識、活動の記録写真",
        "清掃に参加してくれるボランティア、ごみの運搬用の車、広報の協力",
    ),
    (
        "mimamori",
        "高齢者見守り",
        "こうれいしゃみまもり",
        ["welfare", "community-safety"],
        "一人暮らしの高齢者を訪問し、声かけと見守りを続けています。",
        "高齢者の訪問の経験、介護の知識、サロンの運営のノウハウ",
        "訪問を手伝ってくれるボランティア、サロンの会場、送迎の協力",
    ),
    (
        "bosai",
        "防災",
        "ぼうさい",
        ["disaster-relief", "community-safety"],
        "防災訓練や防災マップづくりで、災害に強いまちをめざしています。",
        "防災訓練の企画、防災マップの作成、応急手当の指導",
        "訓練に参加してくれる住民、避難所の運営の知識、子ども向けの教材",
    ),
    (
        "taikodai",
        "太鼓台保存",
        "たいこだいほぞん",
        ["culture-sports", "tourism"],
        "祭りの太鼓台と伝統を次の世代に伝える活動をしています。",
        "太鼓台の担ぎ方の指導、祭りの歴史の講演、法被の貸し出し",
        "若い担ぎ手、太鼓台の修理の資金、祭りの写真の記録",
    ),
    (
        "besshi",
        "産業遺産ガイド",
        "さんぎょういさんがいど",
        ["tourism", "social-education"],
        "別子銅山の産業遺産を案内し、まちの歴史を伝えています。",
        "産業遺産の案内、歴史の講演、古い写真の資料",
        "ガイドを一緒にしてくれる仲間、外国語の案内の協力、パンフレットの印刷",
    ),
    (
        "nihongo",
        "日本語教室",
        "にほんごきょうしつ",
        ["international", "social-education"],
        "外国から来た人に日本語と暮らしの情報を伝えています。",
        "日本語の指導、生活相談、やさしい日本語の翻訳",
        "教室の会場、日本語を教えるボランティア、子どもの学習支援",
    ),
    (
        "tabunka",
        "多文化交流",
        "たぶんかこうりゅう",
        ["international", "human-rights-peace"],
        "料理や音楽を通して、いろいろな国の人が出会う場をつくっています。",
        "外国語の通訳、各国の料理教室、交流イベントの運営",
        "交流会の会場、イベントの広報、調理室の使える場所",
    ),
    (
        "kosodate",
        "子育てサロン",
        "こそだてさろん",
        ["children", "gender-equality"],
        "乳幼児と保護者が気軽に集まれるサロンを開いています。",
        "子育ての相談、手遊びやわらべうた、おもちゃの貸し出し",
        "サロンの会場、保育を手伝ってくれるボランティア、父親向けの企画",
    ),
    (
        "parasports",
        "障がい者スポーツ",
        "しょうがいしゃすぽーつ",
        ["welfare", "culture-sports"],
        "ボッチャや卓球バレーで、障がいのある人もない人も一緒に楽しんでいます。",
        "ボッチャの用具の貸し出し、ルールの指導、体験会の運営",
        "体育館の利用、大会の運営を手伝ってくれるボランティア、送迎の協力",
    ),
    (
        "shuwa",
        "手話",
        "しゅわ",
        ["welfare"],
        "手話を学び合い、聞こえない人とのコミュニケーションを広げています。",
        "手話の指導、手話通訳、聞こえない人の暮らしの講演",
        "手話を学びたい人、イベントでの手話通訳の依頼、講座の会場",
    ),
    (
        "hana",
        "花いっぱい",
        "はないっぱい",
        ["community", "environment"],
        "公園や駅前の花壇に季節の花を植えています。",
        "花の苗、花壇づくりの知識、水やりの当番の仕組み",
        "水やりを手伝ってくれるボランティア、花の苗の寄付、肥料の提供",
    ),
    (
        "shotengai",
        "商店街活性化",
        "しょうてんがいかっせいか",
        ["economy", "community"],
        "商店街で朝市やイベントを開き、まちなかのにぎわいをつくっています。",
        "イベントの会場、出店の調整、商店街の空き店舗",
        "イベントの出演者、チラシのデザイン、学生のボランティア",
    ),
    (
        "pc",
        "パソコン教室",
        "ぱそこんきょうしつ",
        ["information-society", "social-education"],
        "高齢者向けにスマホやパソコンの使い方を教えています。",
        "スマホやパソコンの指導、チラシやポスターのデザイン、ホームページの作成",
        "教室の会場、ノートパソコンの寄付、教えるボランティア",
    ),
    (
        "kagaku",
        "科学あそび",
        "かがくあそび",
        ["science", "children"],
        "実験や工作で子どもたちに科学の楽しさを伝えています。",
        "科学実験の指導、工作の材料、理科の先生の経験",
        "実験教室の会場、材料費の支援、子どもを集める広報",
    ),
    (
        "danjo",
        "男女共同参画",
        "だんじょきょうどうさんかく",
        ["gender-equality"],
        "誰もが自分らしく働き暮らせる地域をめざして学習会を開いています。",
        "学習会の講師、アンケートの集計、ワークショップの進行",
        "学習会の参加者、託児のボランティア、若い世代の意見",
    ),
    (
        "shohi",
        "消費生活",
        "しょうひせいかつ",
        ["consumer"],
        "悪質商法の被害を防ぐ出前講座をしています。",
        "消費生活の出前講座、寸劇の上演、相談窓口の案内",
        "講座を開く場所、高齢者のサロンとの連携、寸劇の出演者",
    ),
    (
        "shuro",
        "就労支援",
        "しゅうろうしえん",
        ["employment", "welfare"],
        "働きづらさを抱える若者の就労体験を支えています。",
        "就労体験の受け入れ先の紹介、履歴書の書き方の指導、相談",
        "就労体験を受け入れてくれる事業所、作業の場所、軽作業の仕事",
    ),
    (
        "keicho",
        "傾聴ボランティア",
        "けいちょうぼらんてぃあ",
        ["welfare"],
        "施設や家庭を訪問し、お話をじっくり聴く活動をしています。",
        "傾聴の技術、施設への訪問、傾聴講座の講師",
        "新しいメンバー、訪問先の紹介、研修の会場",
    ),
    (
        "gassho",
        "合唱",
        "がっしょう",
        ["culture-sports"],
        "毎週の練習と年一回の演奏会で、歌の楽しさを広げています。",
        "合唱の演奏、音楽の指導、イベントへの出演",
        "新しい団員、練習の会場、演奏会の受付を手伝ってくれる人",
    ),
    (
        "kyodoshi",
        "郷土史研究",
        "きょうどしけんきゅう",
        ["social-education", "culture-sports"],
        "古文書や古い写真を読み解き、地域の歴史を記録しています。",
        "地域の歴史の講演、古い写真の資料、まち歩きの案内",
        "古い写真や資料の提供、資料のデジタル化、若いメンバー",
    ),
    (
        "bohan",
        "防犯パトロール",
        "ぼうはんぱとろーる",
        ["community-safety", "children"],
        "登下校の時間に通学路を見守っています。",
        "通学路の見守り、防犯の講話、パトロールの用具",
        "見守りに参加してくれる住民、ベストや帽子の寄付、学校との連携",
    ),
    (
        "chiikineko",
        "地域猫",
        "ちいきねこ",
        ["environment", "community"],
        "地域の野良猫の不妊手術と見守りで、人と猫の共生をめざしています。",
        "猫の捕獲器の貸し出し、飼い方の相談、譲渡会の運営",
        "手術費用の寄付、譲渡会の会場、チラシの配布",
    ),
    (
        "foodbank",
        "フードバンク",
        "ふーどばんく",
        ["welfare", "consumer"],
        "家庭や企業で余った食品を集め、必要な人に届けています。",
        "食品の保管の場所、配送のノウハウ、フードドライブの運営",
        "食品の寄付、配送の車と運転手、倉庫の作業のボランティア",
    ),
    (
        "nogyo",
        "農業体験",
        "のうぎょうたいけん",
        ["rural", "children"],
        "田植えや芋掘りを通して、子どもたちに農業の楽しさを伝えています。",
        "田んぼや畑での農業体験、野菜の提供、農具の貸し出し",
        "体験に参加する家族、農作業を手伝ってくれるボランティア、広報",
    ),
    (
        "kankyo",
        "環境学習",
        "かんきょうがくしゅう",
        ["environment", "social-education"],
        "川の生き物調査や出前授業で環境について学ぶ機会をつくっています。",
        "出前授業の講師、水質調査の道具、生き物の観察会",
        "授業を受け入れてくれる学校、調査のボランティア、活動の資金",
    ),
    (
        "kokusai",
        "国際交流",
        "こくさいこうりゅう",
        ["international"],
        "姉妹都市との交流やホームステイの受け入れをしています。",
        "英語や中国語の通訳、ホームステイの受け入れ、海外の文化の紹介",
        "ホームステイ先の家庭、交流会の会場、通訳のボランティア",
    ),
    (
        "support",
        "市民活動サポート",
        "しみんかつどうさぽーと",
        ["support", "community"],
        "市民活動団体の会計や広報の相談にのっています。",
        "会計や税務の相談、助成金の申請の助言、チラシの作り方の講座",
        "相談に来てくれる団体、講座の会場、会計の専門家",
    ),
    (
        "heiwa",
        "平和学習",
        "へいわがくしゅう",
        ["human-rights-peace"],
        "戦争体験の聞き取りと語り継ぎの活動をしています。",
        "戦争体験の記録、語り部の講演、パネル展示",
        "展示の会場、聞き取りを手伝ってくれる若い人、記録の映像化",
    ),
    (
        "kaigo",
        "介護者のつどい",
        "かいごしゃのつどい",
        ["welfare"],
        "家族を介護する人が悩みを話し合える場をつくっています。",
        "介護の相談、介護の経験談、つどいの運営",
        "つどいの会場、介護の専門家の講師、参加者への広報",
    ),
    (
        "walking",
        "ウォーキング",
        "うぉーきんぐ",
        ["welfare", "culture-sports"],
        "まちの名所をめぐるウォーキングで健康づくりをしています。",
        "ウォーキングのコースの案内、健康体操の指導、まち歩きマップ",
        "参加者の募集、休憩場所の提供、マップの印刷",
    ),
    (
        "art",
        "まちなかアート",
        "まちなかあーと",
        ["culture-sports", "community"],
        "空き店舗や公園を使って、市民の作品展を開いています。",
        "作品の展示、ワークショップの講師、デザイン",
        "展示の会場、空き店舗の活用、展示を手伝ってくれるボランティア",
    ),
    (
        "chikurin",
        "竹林整備",
        "ちくりんせいび",
        ["environment", "rural"],
        "放置された竹林を整備し、竹を使った工作を広めています。",
        "竹の伐採、竹細工の指導、竹炭",
        "作業に参加してくれるボランティア、竹の使い道、軽トラックの貸し出し",
    ),
    (
        "gaikokujin",
        "外国人支援",
        "がいこくじんしえん",
        ["international", "human-rights-peace"],
        "外国人住民の暮らしの相談や通訳を手伝っています。",
        "生活相談、通訳と翻訳、行政の手続きの案内",
        "通訳のボランティア、相談会の会場、医療機関との連携",
    ),
    (
        "photo",
        "写真",
        "しゃしん",
        ["culture-sports"],
        "まちの風景を撮り続け、写真展で紹介しています。",
        "写真の撮影、イベントの記録写真、写真の講座",
        "写真展の会場、撮影に協力してくれる団体、額の寄付",
    ),
    (
        "omocha",
        "手づくりおもちゃ",
        "てづくりおもちゃ",
        ["children", "culture-sports"],
        "木のおもちゃづくりと、こわれたおもちゃの修理をしています。",
        "おもちゃの修理、木工の指導、工作の材料",
        "材料の木材の寄付、工作教室の会場、子どもへの広報",
    ),
    (
        "saigai",
        "災害ボランティア",
        "さいがいぼらんてぃあ",
        ["disaster-relief"],
        "災害の時に被災地で活動できるよう、日頃から研修を重ねています。",
        "災害ボランティアセンターの運営の知識、資機材の貸し出し、研修の講師",
        "研修に参加する人、資機材の保管の場所、企業との連携",
    ),
]

PREFIXES = [
    ("", "", ""),
    ("niihama", "新居浜", "にいはま"),
    ("minna", "みんなの", "みんなの"),
    ("hidamari", "ひだまり", "ひだまり"),
    ("aozora", "あおぞら", "あおぞら"),
    ("egao", "えがお", "えがお"),
    ("tanpopo", "たんぽぽ", "たんぽぽ"),
    ("smile", "スマイル", "すまいる"),
    ("setouchi", "瀬戸内", "せとうち"),
] + [(slug, name, kana) for slug, name, kana, _en in AREAS]

SUFFIXES = [
    ("kai", "の会", "のかい"),
    ("net", "ネットワーク", "ねっとわーく"),
    ("club", "クラブ", "くらぶ"),
    ("circle", "サークル", "さーくる"),
    ("kenkyukai", "研究会", "けんきゅうかい"),
    ("project", "プロジェクト", "ぷろじぇくと"),
    ("ouendan", "応援団", "おうえんだん"),
    ("nakama", "なかま", "なかま"),
    ("suishin", "推進協議会", "すいしんきょうぎかい"),
    ("team", "チーム", "ちーむ"),
]

MEETINGS = [
    "毎月第2土曜日",
    "毎週水曜日の午後",
    "月2回程度",
    "毎月第1・第3日曜日",
    "年4回（季節ごと）",
    "不定期（イベントの時）",
    "毎週土曜日の午前",
    "毎月1回の定例会",
]
SURNAMES = [
    "山本",
    "高橋",
    "伊藤",
    "渡辺",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "森",
    "池田",
    "橋本",
    "石川",
    "藤田",
    "越智",
]
GIVEN = [
    "和子",
    "誠",
    "洋子",
    "博",
    "恵子",
    "隆",
    "京子",
    "修",
    "直美",
    "健一",
    "由美",
    "茂",
    "幸子",
    "大輔",
    "真由美",
    "翔太",
    "さくら",
    "陽菜",
    "悠斗",
    "美穂",
]
TOWNS = [
    "一宮町",
    "西町",
    "泉宮町",
    "坂井町",
    "星越町",
    "喜光地町",
    "東田",
    "船木",
    "中萩町",
    "大生院",
    "垣生",
    "多喜浜",
    "外山町",
    "庄内町",
    "宮西",
    "若水町",
]

CONSULTATION_TEXTS = {
    "founding": (
        "新しく団体を立ち上げたいとの相談。規約の作り方と登録の流れを説明した。",
        "規約のひな形を送付する。",
    ),
    "management": (
        "役員の交代と会員の減少について相談があった。",
        "会員募集のチラシの作り方講座を案内する。",
    ),
    "incorporation": (
        "NPO法人化を検討しているとの相談。メリットと手続きを説明した。",
        "県の担当窓口を紹介した。",
    ),
    "accounting": (
        "会計報告の書き方と領収書の整理の仕方について相談があった。",
        "会計講座の日程を連絡する。",
    ),
    "funding": (
        "活動の助成金を探しているとの相談。使える助成制度を紹介した。",
        "申請書の下書きを一緒に確認する。",
    ),
    "publicity": (
        "イベントの広報の方法について相談があった。情報紙と掲示板を案内した。",
        "情報紙の次号に掲載する。",
    ),
    "volunteers": (
        "ボランティアを募集したいとの相談。掲示板とボランティア募集の方法を説明した。",
        "掲示板への投稿を手伝う。",
    ),
    "partnership": (
        "一緒に活動できる団体を探しているとの相談。パートナー探しの機能を案内した。",
        "候補の団体を紹介する。",
    ),
    "facilities": ("ミーティングスペースと機材の使い方について問い合わせがあった。", ""),
    "other": ("市の制度について問い合わせがあった。担当課を案内した。", ""),
}
CATEGORY_WEIGHTS = [
    ("founding", 8),
    ("management", 20),
    ("incorporation", 4),
    ("accounting", 10),
    ("funding", 12),
    ("publicity", 14),
    ("volunteers", 10),
    ("partnership", 9),
    ("facilities", 9),
    ("other", 4),
]
CHANNEL_WEIGHTS = [("visit", 45), ("phone", 30), ("email", 20), ("other", 5)]

FEATURED_SLUG = "kodomo-shokudo-net"


def _group_count(scale: int) -> int:
    """Registered groups: about 60 for a normal demo, 500+ per step of scale for benchmarks."""
    return 60 if scale <= 1 else 520 * scale


def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _person(rng) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"


def _phone(rng) -> str:
    return f"0897-{rng.randint(30, 69)}-{rng.randint(0, 9999):04d}"


def _address(rng) -> str:
    return (
        f"新居浜市{rng.choice(TOWNS)}{rng.randint(1, 5)}-{rng.randint(1, 20)}-{rng.randint(1, 30)}"
    )


def _random_day(rng, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _aware(day: dt.date, rng, now: dt.datetime) -> dt.datetime:
    """A moment of office hours on ``day``; never later than now (today just after midnight,
    the day's office hours are still to come)."""
    moment = timezone.make_aware(
        dt.datetime.combine(day, dt.time(rng.randint(9, 20), rng.randint(0, 59)))
    )
    return min(moment, now - dt.timedelta(seconds=1))


def _names(rng):
    """Every (prefix, theme, suffix) combination once, in a shuffled but repeatable order."""
    combos = [(p, t, s) for t in THEMES for p in PREFIXES for s in SUFFIXES]
    rng.shuffle(combos)
    return combos


def _demo_image(rng, label_colour) -> ContentFile:
    image = Image.new("RGB", (1200, 900), label_colour)
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randint(0, 1100), rng.randint(0, 800)
        r = rng.randint(30, 160)
        colour = tuple(rng.randint(60, 240) for _ in range(3))
        draw.ellipse([x, y, x + r, y + r], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(ctx) -> None:
    users = ctx.shared.get("users", {})
    if not Group.objects.filter(slug=FEATURED_SLUG).exists():
        _seed_fields()
        _seed_areas()
        _seed_groups(ctx, users)
        _seed_consultations(ctx, users)
    registered = list(Group.objects.registered().order_by("name_kana", "pk"))
    ctx.shared["groups"] = registered
    ctx.shared["rep_group"] = Group.objects.get(slug=FEATURED_SLUG)
    ctx.shared["rep2_group"] = Group.objects.get(slug="satoyama-kawanishi")
    ctx.say(
        f"groups: {len(registered)} registered groups, "
        f"{Group.objects.filter(status=Group.Status.APPLIED).count()} pending applications, "
        f"{Consultation.objects.count()} consultations"
    )


def _seed_fields() -> None:
    """The NPO-law fields come from migration 0002; put back any that are missing (a database
    emptied by a test run, or a field staff removed)."""
    fields = importlib.import_module("groups.migrations.0002_npo_law_fields").FIELDS
    for order, (slug, name, name_en) in enumerate(fields, start=1):
        if not ActivityField.objects.filter(slug=slug).exists():
            ActivityField.objects.get_or_create(
                name=name, defaults={"slug": slug, "name_en": name_en, "order": order}
            )


def _seed_areas() -> None:
    for order, (slug, name, _kana, name_en) in enumerate(AREAS, start=1):
        Area.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "order": order}
        )


def _seed_groups(ctx, users) -> None:
    rng = ctx.rng
    today = ctx.today
    now = timezone.now()
    current = FiscalYear.of(today)
    first_fy = FiscalYear(current.year - 9)
    fields_by_slug = {f.slug: f for f in ActivityField.objects.all()}
    areas_by_slug = {a.slug: a for a in Area.objects.all()}
    staff = users.get("staff@example.com")

    n_registered = _group_count(ctx.scale)
    n_withdrawn = max(4, n_registered // 8)
    n_suspended = max(1, ctx.scale)
    n_pending = 5 * ctx.scale
    n_rejected = max(1, ctx.scale // 2)

    # Two featured groups first (their representatives are the demo accounts), then the rest.
    featured = [
        {
            "slug": FEATURED_SLUG,
            "name": "新居浜子ども食堂ネットワーク",
            "name_kana": "にいはまこどもしょくどうねっとわーく",
            "theme": THEMES[0],
            "areas": ["kawahigashi", "kawanishi"],
            "status": Group.Status.REGISTERED,
            "registered_on": first_fy.first_day + dt.timedelta(days=120),
            "offers": "調理の経験があるメンバー、食品衛生の知識、会場の机やいす、子どもの学習支援",
            "needs": (
                "野菜や食材の寄付、配膳や片付けを手伝ってくれるボランティア、"
                "チラシのデザイン、子ども向けの自然体験"
            ),
            "description": (
                "市内の子ども食堂が情報を交換し、食材や人手を融通し合うためのネットワークです。"
                "毎月第2・第4土曜日に川東と川西の公民館で子ども食堂を開き、毎回40人ほどの子どもと"
                "保護者が参加しています。学習支援や季節の行事も行っています。"
            ),
        },
        {
            "slug": "satoyama-kawanishi",
            "name": "川西里山保全の会",
            "name_kana": "かわにしさとやまほぜんのかい",
            "theme": THEMES[2],
            "areas": ["kawanishi", "ojoin"],
            "status": Group.Status.REGISTERED,
            "registered_on": first_fy.first_day + dt.timedelta(days=400),
            "offers": "草刈り機やチェーンソーの扱い、間伐材、子ども向けの自然観察会の案内、野菜",
            "needs": "作業に参加してくれるボランティア、間伐材の使い道、作業の後の調理の手伝い",
            "description": (
                "川西地区の里山で下草刈りや間伐をしています。間伐材でベンチや遊具をつくり、"
                "子ども向けの自然観察会も開いています。作業の後はみんなで豚汁を食べるのが楽しみです。"
            ),
        },
    ]

    rows = []  # dicts describing each group to create
    for item in featured:
        rows.append(item)
    used_names = {item["name"] for item in featured}
    used_slugs = {item["slug"] for item in featured}

    total = n_registered - len(featured) + n_withdrawn + n_suspended + n_pending + n_rejected
    statuses = (
        [Group.Status.REGISTERED] * (n_registered - len(featured))
        + [Group.Status.WITHDRAWN] * n_withdrawn
        + [Group.Status.SUSPENDED] * n_suspended
        + [Group.Status.APPLIED] * n_pending
        + [Group.Status.REJECTED] * n_rejected
    )
    rng.shuffle(statuses)
    combos = _names(rng)
    index = 0
    round_no = 1
    while len(rows) < total + len(featured):
        if index >= len(combos):
            index, round_no = 0, round_no + 1
        (p_slug, p_name, p_kana), theme, (s_slug, s_name, s_kana) = combos[index]
        index += 1
        name = f"{p_name}{theme[1]}{s_name}"
        kana = f"{p_kana}{theme[2]}{s_kana}"
        slug = "-".join(part for part in (theme[0], p_slug, s_slug) if part)
        if round_no > 1:
            name, kana, slug = f"{name}{round_no}", f"{kana}{round_no}", f"{slug}-{round_no}"
        if name in used_names or slug in used_slugs:
            continue
        used_names.add(name)
        used_slugs.add(slug)
        area_slugs = set()
        if p_slug in areas_by_slug:
            area_slugs.add(p_slug)
        area_slugs.update(rng.sample(list(areas_by_slug), k=rng.randint(0, 2)))
        rows.append(
            {
                "slug": slug,
                "name": name,
                "name_kana": kana,
                "theme": theme,
                "areas": sorted(area_slugs) or [rng.choice(list(areas_by_slug))],
                "status": statuses[len(rows) - len(featured)],
            }
        )

    # Registration dates over ten fiscal years: about a quarter of today's register was there
    # at the end of the first year (the KPI grows like 59 → 203), the rest joined steadily.
    # Each group's life goes through services.group_histories_create_bulk, which checks every
    # step against the rules of the per-row services (apply → approve → renew → withdraw).
    rep = users.get("rep@example.com")
    rep2 = users.get("rep2@example.com")
    start = (User.objects.filter(email__startswith="group-rep-").count() or 0) + 1
    password = make_password(None)
    quiet = [
        User(email=f"group-rep-{start + i}@example.com", full_name=_person(rng), password=password)
        for i, row in enumerate(rows)
        if row["slug"] not in (FEATURED_SLUG, "satoyama-kawanishi")
    ]
    User.objects.bulk_create(quiet, batch_size=1000)
    quiet_users = iter(quiet)
    histories = []
    for row in rows:
        theme = row["theme"]
        status = row["status"]
        ever_registered = status in (
            Group.Status.REGISTERED,
            Group.Status.WITHDRAWN,
            Group.Status.SUSPENDED,
        )
        registered_on = row.get("registered_on")
        if ever_registered and registered_on is None:
            if rng.random() < 0.2:
                registered_on = _random_day(rng, first_fy.first_day, first_fy.last_day)
            else:
                registered_on = _random_day(
                    rng, FiscalYear(first_fy.year + 1).first_day, today - dt.timedelta(days=3)
                )
        withdrawn_on = None
        if status == Group.Status.WITHDRAWN:
            withdrawn_on = _random_day(
                rng, registered_on + dt.timedelta(days=200), today - dt.timedelta(days=1)
            )
            withdrawn_on = min(withdrawn_on, today - dt.timedelta(days=1))
        if ever_registered:
            applied_on = registered_on - dt.timedelta(days=rng.randint(5, 30))
        elif status == Group.Status.APPLIED:
            applied_on = today - dt.timedelta(days=rng.randint(0, 25))
        else:
            applied_on = today - dt.timedelta(days=rng.randint(30, 200))
        touched_from = registered_on or applied_on
        if ever_registered and rng.random() < 0.12:
            profile_day = _random_day(rng, touched_from, today - dt.timedelta(days=400))
        else:
            profile_day = _random_day(rng, max(touched_from, today - dt.timedelta(days=330)), today)
        founded = rng.randint(1990, min(touched_from.year, today.year))
        area_names = "・".join(areas_by_slug[a].name for a in row["areas"])
        description = row.get("description") or (
            f"{area_names}を中心に活動しています。{theme[4]}"
            f"{rng.choice(MEETINGS)}に集まり、会員は和気あいあいと活動しています。"
            "初めての方も見学を歓迎します。"
        )
        looking = rng.sample(list(Group.LookingFor.values), k=rng.randint(0, 2))
        data = {
            "name": row["name"],
            "name_kana": row["name_kana"],
            "slug": row["slug"],
            "summary": theme[4],
            "description": description,
            "founded_year": founded,
            "member_count": rng.randint(5, 80),
            "meeting_frequency": rng.choice(MEETINGS),
            "looking_for": looking,
            "offers": row.get("offers", theme[5]),
            "needs": row.get("needs", theme[6]),
            "public_email": f"info@{row['slug']}.example.jp" if rng.random() < 0.4 else "",
            "website": f"https://{row['slug']}.example.jp/" if rng.random() < 0.3 else "",
            "representative_name": _person(rng),
            "representative_phone": _phone(rng),
            "representative_address": _address(rng),
        }
        # Renewals: every fiscal year after the first (the approval renews that one) while
        # registered; a few groups are behind this year.
        renewals = {}
        if ever_registered:
            last_fy = current.year
            if withdrawn_on:
                last_fy = fiscal_year_of(withdrawn_on) - 1
            for fy in range(fiscal_year_of(registered_on) + 1, last_fy + 1):
                if fy == current.year and rng.random() < 0.15:
                    continue
                day = FiscalYear(fy).first_day + dt.timedelta(days=rng.randint(0, 60))
                renewals[fy] = _aware(min(day, today), rng, now)
        if row["slug"] == FEATURED_SLUG and rep:
            representative = rep
        elif row["slug"] == "satoyama-kawanishi" and rep2:
            representative = rep2
        else:
            representative = next(quiet_users)
        if status != Group.Status.APPLIED:
            documents = []
        else:  # small PDFs in private storage, as the application form sends them
            documents = [
                (kind, ContentFile(DEMO_PDF, name=f"{uuid.uuid4().hex}.pdf"))
                for kind in (GroupDocument.Kind.RULES, GroupDocument.Kind.OFFICERS)
            ]
        histories.append(
            services.GroupHistory(
                representative=representative,
                data=data,
                applied_at=_aware(applied_on, rng, now),
                fields=[fields_by_slug[f] for f in theme[3] if f in fields_by_slug],
                areas=[areas_by_slug[a] for a in row["areas"]],
                documents=documents,
                approved_on=registered_on if ever_registered else None,
                renewals=renewals,
                rejected_reason=(
                    "営利を目的とする活動が中心のため、登録の要件を満たしません。"
                    if status == Group.Status.REJECTED
                    else ""
                ),
                suspended_reason=(
                    "会場の利用規則に繰り返し違反したため、利用を停止しています。"
                    if status == Group.Status.SUSPENDED
                    else ""
                ),
                withdrawn_on=withdrawn_on,
                withdrawn_reason="活動を終了したため、登録を抹消しました。" if withdrawn_on else "",
                profile_updated_at=_aware(profile_day, rng, now),
            )
        )
    groups = services.group_histories_create_bulk(actor=staff, histories=histories, now=now)
    by_slug = {g.slug: g for g in groups}
    for group, row, history in zip(groups, rows, histories, strict=True):
        group._demo_areas = row["areas"]
        group._demo_rep = history.representative

    _seed_activity_records(ctx, groups, by_slug, users)

    # An invitation waiting for the citizen demo account.
    citizen = users.get("citizen@example.com")
    if rep and citizen:
        services.invitation_create(actor=rep, group=by_slug[FEATURED_SLUG], email=citizen.email)
    # A plain member of the same group (most people who use the portal are one): invited by
    # the representative and accepted, as on the site.
    member = users.get("member@example.com")
    if rep and member:
        invitation = services.invitation_create(
            actor=rep, group=by_slug[FEATURED_SLUG], email=member.email
        )
        services.invitation_accept(user=member, invitation=invitation)


RECORD_TITLES = [
    (
        "{theme}の定例活動",
        "今回は{n}人が参加しました。{summary}次回もたくさんの参加をお待ちしています。",
    ),
    (
        "{area}でイベントを開きました",
        "{area}の会場で、{theme}のイベントを開きました。"
        "天気にも恵まれ、{n}人の方に来ていただきました。",
    ),
    (
        "他の団体との交流会",
        "協働オフィスの交流会で、{n}人の方と活動について話し合いました。"
        "一緒にできることが見つかりました。",
    ),
    ("新しいメンバーの研修", "新しく加わった{n}人のメンバーと一緒に、活動の進め方を確認しました。"),
    (
        "年度のふりかえり",
        "この一年の活動をふりかえり、来年度の計画を話し合いました。参加者は{n}人でした。",
    ),
]


def _seed_activity_records(ctx, groups, by_slug, users) -> None:
    """Records posted by each group's representative through the service; the featured group's
    three latest records carry two photos each."""
    rng = ctx.rng
    today = ctx.today
    colours = [(250, 220, 180), (200, 230, 200), (210, 220, 250)]
    text_only = []
    for group in groups:
        if group.status != Group.Status.REGISTERED:
            continue
        featured = group.slug in (FEATURED_SLUG, "satoyama-kawanishi")
        if not featured and rng.random() > 0.3:
            continue
        count = 6 if featured else rng.randint(1, 3)
        area = group._demo_areas[0] if group._demo_areas else "kawanishi"
        area_name = {a[0]: a[1] for a in AREAS}.get(area, "")
        records = []
        for _ in range(count):
            title, body = rng.choice(RECORD_TITLES)
            values = {
                "theme": group.name,
                "area": area_name,
                "n": rng.randint(5, 60),
                "summary": group.summary,
            }
            held_on = _random_day(
                rng, max(group.registered_on, today - dt.timedelta(days=720)), today
            )
            records.append((held_on, title.format(**values)[:120], body.format(**values)))
        records.sort(reverse=True)
        for n, (held_on, title, body) in enumerate(records):
            if group.slug == FEATURED_SLUG and n < len(colours):
                # The featured group's latest records, with photos, through the form's service.
                services.activity_record_create(
                    actor=group._demo_rep,
                    group=group,
                    held_on=held_on,
                    title=title,
                    body=body,
                    photos=[_demo_image(rng, colours[n]) for _ in range(2)],
                )
            else:
                text_only.append(
                    ActivityRecord(
                        group=group,
                        held_on=held_on,
                        title=title,
                        body=body,
                        created_by=group._demo_rep,
                    )
                )
    services.activity_records_create_bulk(records=text_only)


def _seed_consultations(ctx, users) -> None:
    if Consultation.objects.exists():
        return
    rng = ctx.rng
    today = ctx.today
    staff = users.get("staff@example.com")
    current = FiscalYear.of(today)
    # Groups in order of registration: those registered by a day are a prefix of the list.
    registered = list(
        Group.objects.exclude(registered_on=None)
        .order_by("registered_on", "pk")
        .only("pk", "name", "registered_on")
    )
    registered_days = [g.registered_on for g in registered]
    rows = []
    for offset in range(9, -1, -1):
        year = FiscalYear(current.year - offset)
        # Grows over the years, as the office became known: about 40 → 90 a year.
        per_year = int((40 + (9 - offset) * 5.5) * ctx.scale)
        last_day = min(year.last_day, today)
        if last_day < year.first_day:
            continue
        if year.year == current.year:
            per_year = max(1, per_year * ((last_day - year.first_day).days + 1) // 365)
        for _ in range(per_year):
            day = _random_day(rng, year.first_day, last_day)
            category = _weighted(rng, CATEGORY_WEIGHTS)
            channel = _weighted(rng, CHANNEL_WEIGHTS)
            summary, follow_up = CONSULTATION_TEXTS[category]
            known = bisect.bisect_right(registered_days, day)
            group = registered[rng.randrange(known)] if known and rng.random() < 0.6 else None
            rows.append(
                {
                    "held_on": day,
                    "group": group,
                    "person_name": "" if group else _person(rng),
                    "channel": channel,
                    "category": category,
                    "summary": summary,
                    "follow_up": follow_up,
                    "follow_up_done": bool(follow_up) and day < today - dt.timedelta(days=14),
                    "staff_member": staff,
                }
            )
    # Staff logged each at the desk; recorded through the service's rules in one go.
    consultations_record_bulk(actor=staff, rows=rows)
