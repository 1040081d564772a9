"""Named reads of the groups app (with their select_related / prefetch_related)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Upper
from django.utils import timezone

from core.fiscal import FiscalYear
from core.pagination import page_number
from groups.models import (
    ActivityField,
    ActivityPhoto,
    ActivityRecord,
    Area,
    Consultation,
    Group,
    GroupRenewal,
    Invitation,
    Membership,
    normalize_text,
    to_hiragana,
)
from groups.services import STALE_AFTER, invitation_token, user_addresses

DIRECTORY_SORTS = {
    "kana": ("name_kana", "pk"),
    "new": ("-registered_on", "-pk"),
}


def directory(*, field=None, area=None, looking_for=None, q: str = "", sort: str = "kana"):
    """Registered groups for the public directory, filtered and sorted (50音順 by default)."""
    groups = Group.objects.registered()
    if field is not None:
        groups = groups.filter(fields=field)
    if area is not None:
        groups = groups.filter(areas=area)
    if looking_for:
        groups = groups.filter(looking_for__contains=[looking_for])
    for word in search_words(q):
        groups = groups.filter(matches_word(word))
    return groups.prefetch_related(
        Prefetch("fields", queryset=ActivityField.objects.order_by("order", "pk")),
        Prefetch("areas", queryset=Area.objects.order_by("order", "pk")),
    ).order_by(*DIRECTORY_SORTS.get(sort, DIRECTORY_SORTS["kana"]))


# What a directory card shows (groups/_group_card.html): the page query reads nothing else.
DIRECTORY_CARD_COLUMNS = ("name", "name_kana", "slug", "summary", "logo", "looking_for")

# A ``?page=`` beyond any real directory (the page asked for is read before the count is known).
_MAX_PAGE = 10**9


def directory_page(groups, page: str | None, per_page: int, *, choices: dict) -> Page:
    """The page of ``groups`` (``directory()``) that ``?page=`` asks for, as core.pagination's
    ``paginate`` gives it, in one query (issue #20): the number of groups found comes with the
    page (``COUNT(*) OVER ()``) instead of from a second reading of every matching group, and each
    group's activity fields and areas as two arrays of ids (for the page's rows only), which are
    matched to ``choices`` (``filter_choices()``, read anyway for the filter form) instead of
    read by two more queries. A page beyond the end costs a count and the last page."""
    fields_of = Group.fields.through.objects.filter(group_id=OuterRef("pk"))
    areas_of = Group.areas.through.objects.filter(group_id=OuterRef("pk"))
    cards = (
        groups.prefetch_related(None)
        .only(*DIRECTORY_CARD_COLUMNS)
        .annotate(
            field_ids=ArraySubquery(fields_of.values("activityfield_id")),
            area_ids=ArraySubquery(areas_of.values("area_id")),
        )
    )
    wanted = page_number(page, _MAX_PAGE)
    start = (wanted - 1) * per_page
    rows = list(cards.annotate(found=Window(Count("*")))[start : start + per_page])
    paginator = Paginator(groups, per_page)
    if rows:
        paginator.count = rows[0].found
    else:
        paginator.count = groups.count() if wanted > 1 else 0
    number = page_number(page, paginator.num_pages)
    if number != wanted and paginator.count:
        start = (number - 1) * per_page
        rows = list(cards[start : start + per_page])
    for group in rows:
        # In (order, pk) order, as the choices are.
        _known_fields_and_areas(
            group,
            [f for f in choices["fields"] if f.pk in group.field_ids],
            [a for a in choices["areas"] if a.pk in group.area_ids],
        )
    return Page(rows, number, paginator)


def search_words(q: str) -> list[str]:
    """The words of a search box, NFKC-normalised as the stored texts are; half- and full-width
    spaces (NFKC turns the latter into the former) separate them."""
    return normalize_text(q).split()


class _IdInArray(Func):
    """``id = ANY(ARRAY(SELECT …))``: the array is computed once and the condition is an index
    condition of the primary key, which can join a BitmapOr (an IN or EXISTS subquery cannot)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


class _IdInRanges(Func):
    """``id <@ (SELECT range_agg(…) FROM (…))``: the ids of a subquery gathered once (an
    InitPlan) into a multirange, where each group is then found by a binary search; ``id =
    ANY(array)`` reads the whole array for every group it does not find."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        ids_sql, ids_params = compiler.compile(self.source_expressions[1])
        ranges = "range_agg(int8range(ids.group_id, ids.group_id, '[]'))"
        return f"{pk_sql} <@ (SELECT {ranges} FROM {ids_sql} ids)", (*pk_params, *ids_params)


def _has_case(word: str) -> bool:
    """Whether ``word`` has a letter with an upper and a lower case (Latin, Greek, …)."""
    return word.upper() != word or word.lower() != word


def _contains(column: str, word: str) -> Q:
    """``column`` contains ``word``, whatever the case, as ``UPPER(column) LIKE UPPER(…)``
    (the form the trigram index on ``UPPER(column)`` serves).

    A word without cased letters (kana, kanji, digits: most Japanese words) is also looked for
    with a plain ``LIKE``, written first: both give the same rows for such a word, and the plain
    one skips the ``UPPER()`` of the text, which is most of the cost of reading a group that does
    not match (three to four times the plain ``LIKE`` at 5,000 groups, issue #20). The ``UPPER``
    form stays so that the index can still find the rows."""
    upper = Q(**{f"{column}__icontains": word})
    if _has_case(word):
        return upper
    return Q(**{f"{column}__contains": word}) & upper


def matches_word(word: str) -> Q:
    """One word in the group's name, reading or texts, or in the name of one of its activity
    fields or areas; one row per group whatever the number of matching fields.

    Written so that PostgreSQL can answer it with a BitmapOr of index scans (issue #20): each
    text condition is ``UPPER(col) LIKE UPPER('%word%')``, served by the trigram GIN index on
    ``UPPER(col)`` (see ``_contains``), and the fields and areas (small tables) become one array
    of group ids, computed once (an InitPlan), whose ``id = ANY(…)`` the primary key's index
    serves. An ``EXISTS`` (or ``IN``) subquery ORed with the text conditions would force a scan
    of every group. Still one query whatever the number of words."""
    by_field = Group.fields.through.objects.filter(
        Q(activityfield__name__icontains=word) | Q(activityfield__name_en__icontains=word)
    ).values("group_id")
    by_area = Group.areas.through.objects.filter(
        Q(area__name__icontains=word) | Q(area__name_en__icontains=word)
    ).values("group_id")
    in_field_or_area = by_field.union(by_area, all=True)
    return (
        _contains("name", word)
        | _contains("name_kana", to_hiragana(word))
        | _contains("summary", word)
        | _contains("description", word)
        | _contains("offers", word)
        | _contains("needs", word)
        # The multirange first: ``id = ANY(array)`` alone reads the array through for every
        # group the texts did not match (a thousand ids for a common field: most of the search's
        # time); the array stays for the primary key's index.
        | (
            Q(_IdInRanges(F("pk"), Subquery(in_field_or_area)))
            & Q(_IdInArray(F("pk"), ArraySubquery(in_field_or_area)))
        )
    )


_CHOICE_COLUMNS = ("kind", "pk", "slug", "name", "name_en", "order")


def _known_fields_and_areas(group: Group, fields: list, areas: list) -> None:
    """Keep ``fields`` and ``areas`` as the group's, as ``prefetch_related`` keeps what it read:
    ``group.fields.all()`` and ``group.areas.all()`` give them without a query."""
    cache = group.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in (("fields", fields), ("areas", areas)):
        # The group's own related queryset (not a bare one): a filter, count or values_list
        # on it still reads this group's rows only.
        queryset = getattr(group, name).all()
        queryset._result_cache, queryset._prefetch_done = list(objects), True
        cache[name] = queryset


def _fields_and_areas(fields, areas) -> dict:
    """Activity fields and areas read in one query (the two small tables have the same
    columns), each list in (order, pk) order."""
    fields = fields.annotate(kind=Value("fields")).values_list(*_CHOICE_COLUMNS)
    areas = areas.annotate(kind=Value("areas")).values_list(*_CHOICE_COLUMNS)
    found = {"fields": [], "areas": []}
    rows = sorted(fields.union(areas, all=True), key=lambda row: (row[0], row[5], row[1]))
    for kind, pk, slug, name, name_en, order in rows:
        model = ActivityField if kind == "fields" else Area
        choice = model(pk=pk, slug=slug, name=name, name_en=name_en, order=order)
        choice._state.adding, choice._state.db = False, "default"
        found[kind].append(choice)
    return found


def filter_choices() -> dict:
    """Every activity field and area, in one query."""
    return _fields_and_areas(ActivityField.objects.all(), Area.objects.all())


def newly_registered(limit: int = 5):
    """The most recently registered groups, newest first (home page)."""
    return list(Group.objects.registered().order_by("-registered_on", "-pk")[:limit])


def group_page(group: Group) -> Group:
    """The group with what its page shows: its activity fields and areas, read in one query
    into the instance the permission check fetched."""
    fields_of = Group.fields.through.objects.filter(group_id=group.pk)
    areas_of = Group.areas.through.objects.filter(group_id=group.pk)
    found = _fields_and_areas(
        ActivityField.objects.filter(pk__in=fields_of.values("activityfield_id")),
        Area.objects.filter(pk__in=areas_of.values("area_id")),
    )
    _known_fields_and_areas(group, found["fields"], found["areas"])
    return group


def activity_records_for_group(group: Group):
    # The group comes along: each record's link (get_absolute_url) needs its slug.
    return (
        ActivityRecord.objects.filter(group=group)
        .select_related("group")
        .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("order")))
        .newest_first()
    )


def recent_activities():
    """Activity records of registered groups, newest first (site-wide list)."""
    return (
        ActivityRecord.objects.public()
        .select_related("group")
        .prefetch_related(Prefetch("photos", queryset=ActivityPhoto.objects.order_by("order")))
        .newest_first()
    )


# --------------------------------------------------------------------------- partner search

# How much each kind of match counts: what they offer matching what we need weighs most.
OFFER_WEIGHT = 6.0
NEED_WEIGHT = 3.0
FIELD_WEIGHT = 1.0
AREA_WEIGHT = 0.5
# A phrase "matches" a text from this trigram word similarity on (0–1).
TEXT_THRESHOLD = 0.3
MAX_PHRASES = 12
PHRASE_SPLIT = re.compile(r"[、。，,.．・･/／;；:：!！?？「」『』（）()\[\]【】\s]+")


@dataclass
class PartnerSuggestion:
    group: Group
    score: float
    offer_match: float
    need_match: float
    shared_fields: list = field(default_factory=list)
    shared_areas: list = field(default_factory=list)

    @property
    def offers_what_we_need(self) -> bool:
        return self.offer_match >= TEXT_THRESHOLD

    @property
    def needs_what_we_offer(self) -> bool:
        return self.need_match >= TEXT_THRESHOLD


def phrases(text: str) -> list[str]:
    """The phrases of a free text (split at Japanese and Latin punctuation), two characters or
    more, without repeats: 「食材の寄付、チラシのデザイン」 → 食材の寄付 / チラシのデザイン."""
    seen = []
    # Normalised as the stored offers and needs are (NFKC), so ＩＴ支援 meets IT支援.
    for phrase in PHRASE_SPLIT.split(normalize_text(text or "")):
        if len(phrase) >= 2 and phrase not in seen:
            seen.append(phrase)
    return seen[:MAX_PHRASES]


def _best_phrase_match(text: str, column: str):
    """SQL: the best trigram word similarity of any phrase of ``text`` within ``column``."""
    parts = [TrigramWordSimilarity(phrase, column) for phrase in phrases(text)]
    if not parts:
        return Value(0.0, output_field=FloatField())
    return parts[0] if len(parts) == 1 else Greatest(*parts, output_field=FloatField())


def _counted(name: str):
    """A text match counts toward the score only from the threshold on."""
    return Case(
        When(**{f"{name}__gte": TEXT_THRESHOLD}, then=F(name)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _shared_count(through, column: str, ids: list[int]):
    if not ids:
        return Value(0, output_field=IntegerField())
    return Coalesce(
        Subquery(
            through.objects.filter(group_id=OuterRef("pk"), **{f"{column}__in": ids})
            .values("group_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def text_match_candidates(group: Group) -> set[int]:
    """Registered groups whose offers contain a phrase of our needs (or whose needs contain a
    phrase of our offers) at the threshold: pg_trgm's ``<%`` operator on ``UPPER(col)`` (pg_trgm
    folds case itself, so the match is the same), served by the trigram indexes on UPPER(offers)
    and UPPER(needs) that the directory's search shares, so the costly similarity is computed
    only for these."""
    conditions = Q()
    for phrase in phrases(group.needs):
        conditions |= Q(TrigramWordSimilar(Upper("offers"), phrase))
    for phrase in phrases(group.offers):
        conditions |= Q(TrigramWordSimilar(Upper("needs"), phrase))
    if not conditions:
        return set()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(TEXT_THRESHOLD)],
        )
        return set(
            Group.objects.registered()
            .exclude(pk=group.pk)
            .filter(conditions)
            .values_list("pk", flat=True)
        )


def partner_suggestions_queryset(group: Group, *, field_ids=None, area_ids=None):
    """Registered groups ranked as partners for ``group``, best first.

    Each phrase of our "help we are looking for" is looked for in their "what we can offer"
    (pg_trgm word similarity, which works on Japanese text without a word splitter), and our
    offers in their needs; shared activity fields and areas add to the score. Two queries: the
    index-served text candidates, then the ranking."""
    if field_ids is None:
        field_ids = list(group.fields.values_list("pk", flat=True))
    if area_ids is None:
        area_ids = list(group.areas.values_list("pk", flat=True))
    text_ids = text_match_candidates(group)
    zero = Value(0.0, output_field=FloatField())

    def only_candidates(expression):
        # CASE is evaluated lazily: the similarity is computed for the candidates only.
        if not text_ids:
            return zero
        return Case(When(pk__in=text_ids, then=expression), default=zero, output_field=FloatField())

    shares_a_field = Q(
        pk__in=Group.fields.through.objects.filter(activityfield_id__in=field_ids).values(
            "group_id"
        )
    )
    return (
        Group.objects.registered()
        .exclude(pk=group.pk)
        .filter(Q(pk__in=text_ids) | shares_a_field)
        .annotate(
            offer_match=only_candidates(_best_phrase_match(group.needs, "offers")),
            need_match=only_candidates(_best_phrase_match(group.offers, "needs")),
            shared_field_count=_shared_count(Group.fields.through, "activityfield_id", field_ids),
            shared_area_count=_shared_count(Group.areas.through, "area_id", area_ids),
        )
        .annotate(
            score=_counted("offer_match") * OFFER_WEIGHT
            + _counted("need_match") * NEED_WEIGHT
            + F("shared_field_count") * FIELD_WEIGHT
            + F("shared_area_count") * AREA_WEIGHT
        )
        .order_by("-score", "name_kana", "pk")
    )


SUGGESTIONS_KEPT = 100
SUGGESTIONS_CACHE_SECONDS = 6 * 3600


def ranked_partners(group: Group) -> list[tuple[int, float, float, float]]:
    """(group id, score, offer match, need match) of the best partners, best first.

    Ranking thousands of groups by text similarity takes a moment, so the ranking is kept in
    the shared cache for a few hours; it is computed afresh when this group's own profile
    changes (its ``updated_at`` is part of the key)."""
    stamp = group.updated_at.timestamp() if group.updated_at else 0
    key = f"groups.partners.{group.pk}.{stamp}"
    ranked = cache.get(key)
    if ranked is None:
        ranked = list(
            partner_suggestions_queryset(group).values_list(
                "pk", "score", "offer_match", "need_match"
            )[:SUGGESTIONS_KEPT]
        )
        cache.set(key, ranked, SUGGESTIONS_CACHE_SECONDS)
    return ranked


def suggestions_for_ids(group: Group, ranked) -> list[PartnerSuggestion]:
    """The suggestions for a slice of ``ranked_partners``, with their groups, fields and areas
    (three queries); groups that are no longer registered drop out."""
    own_fields = {f.pk: f for f in group.fields.all()}
    own_areas = {a.pk: a for a in group.areas.all()}
    groups = (
        Group.objects.registered()
        .prefetch_related("fields", "areas")
        .in_bulk([row[0] for row in ranked])
    )
    suggestions = []
    for pk, score, offer_match, need_match in ranked:
        other = groups.get(pk)
        if other is None:
            continue
        suggestions.append(
            PartnerSuggestion(
                group=other,
                score=score,
                offer_match=offer_match,
                need_match=need_match,
                shared_fields=[f for f in other.fields.all() if f.pk in own_fields],
                shared_areas=[a for a in other.areas.all() if a.pk in own_areas],
            )
        )
    return suggestions


def partner_suggestions(group: Group, *, limit: int | None = 10) -> list[PartnerSuggestion]:
    """The best partner candidates with why they match (shared fields and areas by name)."""
    ranked = ranked_partners(group)
    return suggestions_for_ids(group, ranked if limit is None else ranked[:limit])


# --------------------------------------------------------------------------- my account


def pending_invitations_for(user):
    addresses = user_addresses(user)
    if not addresses:
        return []
    now = timezone.now()
    return list(
        Invitation.objects.select_related("group")
        .filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            created_at__gt=now - dt.timedelta(days=Invitation.VALID_DAYS),
            email__in=addresses,
        )
        .exclude(group__memberships__user=user)
        .order_by("-created_at")
    )


def account_panel(user) -> dict:
    """What "my account" shows of this app: the user's groups with role and status (pending
    applications included), what needs doing, and invitations waiting for an answer."""
    if not (user and user.is_authenticated):
        return {"memberships": [], "invitations": []}
    fiscal_year = FiscalYear.current()
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("group")
        .order_by("group__name_kana", "group__pk")
    )
    renewed = set(
        GroupRenewal.objects.filter(
            group__in=[m.group_id for m in memberships], fiscal_year=fiscal_year.year
        ).values_list("group_id", flat=True)
    )
    stale_before = timezone.now() - STALE_AFTER
    rows = []
    for membership in memberships:
        group = membership.group
        rows.append(
            {
                "membership": membership,
                "group": group,
                "is_representative": membership.is_representative,
                "renewal_due": group.is_registered and group.pk not in renewed,
                "stale": group.is_registered and group.profile_touched_at < stale_before,
            }
        )
    invitations = pending_invitations_for(user)
    for invitation in invitations:
        invitation.token = invitation_token(invitation)
    return {
        "memberships": rows,
        "invitations": invitations,
        "fiscal_year": fiscal_year,
        "can_apply": True,
    }


# --------------------------------------------------------------------------- members page


def members_of(group: Group):
    return (
        Membership.objects.filter(group=group)
        .select_related("user")
        .order_by("-role", "joined_at", "pk")
    )


def open_invitations_of(group: Group):
    now = timezone.now()
    return Invitation.objects.filter(
        group=group,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        created_at__gt=now - dt.timedelta(days=Invitation.VALID_DAYS),
    ).order_by("-created_at")


# --------------------------------------------------------------------------- reports


def consultation_counts(fiscal_year: int) -> dict:
    """Consultations of a fiscal year by category and by channel (one query each)."""
    year = FiscalYear(fiscal_year)
    rows = Consultation.objects.filter(held_on__gte=year.first_day, held_on__lte=year.last_day)
    by_category = dict(rows.values_list("category").annotate(n=Count("pk")).order_by())
    by_channel = dict(rows.values_list("channel").annotate(n=Count("pk")).order_by())
    return {
        "total": sum(by_category.values()),
        "by_category": by_category,
        "by_channel": by_channel,
    }


# --------------------------------------------------------------------------- office messages


def registered_groups_matching(
    *,
    everyone: bool = False,
    field_ids=(),
    area_ids=(),
    not_renewed_for: int | None = None,
    ids=(),
    also=None,
):
    """Registered groups (suspended, withdrawn and pending ones never) that meet ANY of the
    criteria: all of them, an activity field, an area, no renewal for a fiscal year, chosen by
    id, or ``also`` (a query of group ids from another app, e.g. groups with bookings)."""
    registered = Group.objects.registered()
    if everyone:
        return registered
    condition = Q(pk__in=[])
    if field_ids:
        condition |= Q(fields__in=list(field_ids))
    if area_ids:
        condition |= Q(areas__in=list(area_ids))
    if not_renewed_for is not None:
        condition |= ~Q(
            Exists(GroupRenewal.objects.filter(group=OuterRef("pk"), fiscal_year=not_renewed_for))
        )
    if ids:
        condition |= Q(pk__in=list(ids))
    if also is not None:
        condition |= Q(pk__in=also)
    return registered.filter(pk__in=Group.objects.filter(condition).values("pk"))


def people_of_groups(groups, *, representatives_only: bool):
    """(user id, e-mail, name, group id, group name, role) of the active accounts that
    represent (or belong to) ``groups``, one row per membership, in the groups' kana order."""
    memberships = Membership.objects.filter(group__in=groups, user__is_active=True).exclude(
        user__email=""
    )
    if representatives_only:
        memberships = memberships.filter(role=Membership.Role.REPRESENTATIVE)
    return list(
        memberships.order_by("group__name_kana", "group_id", "-role", "pk").values_list(
            "user_id", "user__email", "user__full_name", "group_id", "group__name", "role"
        )
    )


def admin_waiting_counts(fiscal_year: int) -> dict[str, int]:
    """What waits for the office in the groups' work, for the admin home (one query):
    ``applications`` to decide and registered groups ``not_renewed`` for ``fiscal_year``."""
    renewed = GroupRenewal.objects.filter(group=OuterRef("pk"), fiscal_year=fiscal_year)
    return Group.objects.aggregate(
        applications=Count("pk", filter=Q(status=Group.Status.APPLIED)),
        not_renewed=Count("pk", filter=Q(status=Group.Status.REGISTERED) & ~Q(Exists(renewed))),
    )
