"""Panels: how a page gathers sections from apps that it must not know.

The home page, a group's page, My Page and the admin home show sections that belong to other
apps (upcoming events, today's rooms, a group's bulletin posts, your bookings…). The page's app
does not import those apps: each app registers its panels in a named *slot* from its
``AppConfig.ready``, as Wagtail's hooks let apps add panels to its dashboard, and the page asks
the registry for the slot's panels.

A panel is a key, an order, a template (in the app that provides the panel) and a callable that
takes the page's *subject* and returns the template's context:

========================  =====================================================
slot                      subject
========================  =====================================================
``"home_notices"``        the request (above the home page's sections)
``"home"``                the request (the home page's sections)
``"group_page"``          the group shown
``"my_page"``             the signed-in user
``"admin_home"``          the request
``"search"``              each app's searchable content (core/search.py)
``"personal_data"``       later: the personal data each app holds
========================  =====================================================

Example, in ``events/apps.py``::

    class EventsConfig(AppConfig):
        name = "events"

        def ready(self):
            from core import registry
            from events import panels

            registry.register(
                "group_page",
                registry.Panel(
                    key="events.upcoming",
                    order=20,
                    template="events/panels/group_upcoming.html",
                    context=panels.group_upcoming,  # group -> {"events": [...]}
                ),
            )

and in the page's view: ``registry.gather("group_page", group)`` gives the rendered-ready list
of ``Shown(key, template, context)`` in order, which the template includes one by one::

    {% for panel in panels %}{% include panel.template with panel=panel.context %}{% endfor %}

Queries: a panel's ``context`` must cost a fixed number of queries whatever the data (use
``select_related``/``prefetch_related`` in the app's selectors). Where one page shows the same
slot for many subjects, a panel may also give ``batch``: a callable taking the list of subjects
and returning their contexts in the same order, so that the panel costs a fixed number of
queries for the whole list; ``gather_many`` uses it (and falls back to ``context`` per subject).

A page that is the same for every visitor (the home page) may keep its panels whole with
``gather_cached(name, slots, subject, seconds=...)``, per language, for at most ``seconds`` and
at most each panel's ``max_age()``; an app whose content changed calls ``forget(name)``.

A panel that fails raises: the registry never hides another app's error behind an empty
section (a silently blank part of a page is worse than a report in the error log).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

SLOTS = frozenset(
    {"home_notices", "home", "group_page", "my_page", "admin_home", "search", "personal_data"}
)


@dataclass(frozen=True)
class Panel:
    """One app's section of a page: ``context(subject)`` fills ``template``."""

    key: str
    template: str
    context: Callable[[Any], dict]
    order: int = 100
    batch: Callable[[Sequence[Any]], Sequence[dict]] | None = None
    # For pages cached whole (``gather_cached``): how many seconds the context may be kept.
    max_age: Callable[[], int] | None = None


@dataclass(frozen=True)
class Shown:
    """A panel with its context, ready for ``{% include shown.template %}``."""

    key: str
    template: str
    context: dict


_panels: dict[str, dict[str, Panel]] = {slot: {} for slot in SLOTS}


def register(slot: str, panel: Panel) -> Panel:
    """Add ``panel`` to ``slot`` (from an ``AppConfig.ready``); registering it again is a no-op,
    another panel under a taken key is a configuration error."""
    if slot not in SLOTS:
        raise ImproperlyConfigured(f"Unknown panel slot {slot!r}; known: {sorted(SLOTS)}")
    known = _panels[slot].get(panel.key)
    if known is not None and known != panel:
        raise ImproperlyConfigured(f"Panel {panel.key!r} is already registered in {slot!r}")
    _panels[slot][panel.key] = panel
    return panel


def unregister(slot: str, key: str) -> None:
    """Remove a panel (tests, or a project that does not want an app's section)."""
    _panels[slot].pop(key, None)


def panels(slot: str) -> list[Panel]:
    """The panels of ``slot``, by order then key."""
    if slot not in SLOTS:
        raise ImproperlyConfigured(f"Unknown panel slot {slot!r}")
    return sorted(_panels[slot].values(), key=lambda p: (p.order, p.key))


def gather(slot: str, subject: Any) -> list[Shown]:
    """Each panel of ``slot`` with its context for ``subject``. Errors are not caught."""
    return [Shown(p.key, p.template, p.context(subject)) for p in panels(slot)]


def gather_many(slot: str, subjects: Sequence[Any]) -> list[list[Shown]]:
    """``gather`` for many subjects at once: one list of panels per subject, in order; panels
    with a ``batch`` callable read all the subjects' data together."""
    subjects = list(subjects)
    result: list[list[Shown]] = [[] for _ in subjects]
    for panel in panels(slot):
        if panel.batch is not None:
            contexts = list(panel.batch(subjects))
            if len(contexts) != len(subjects):
                raise ValueError(f"Panel {panel.key!r} returned {len(contexts)} contexts")
        else:
            contexts = [panel.context(subject) for subject in subjects]
        for shown, context in zip(result, contexts, strict=True):
            shown.append(Shown(panel.key, panel.template, context))
    return result


def _cache_key(name: str, language: str | None) -> str:
    return f"panels:v1:{name}:{language}"


def gather_cached(
    name: str, slots: Sequence[str], subject: Any, *, seconds: int
) -> dict[str, list[Shown]]:
    """{slot: gather(slot, subject)} for ``slots``, kept in the shared cache under ``name`` (per
    language). Only for subjects that are the same for every visitor: nothing personal may be
    cached here."""
    key = _cache_key(name, get_language())
    found = cache.get(key)
    if found is not None:
        return found
    found = {slot: gather(slot, subject) for slot in slots}
    ages = [p.max_age() for slot in slots for p in panels(slot) if p.max_age is not None]
    cache.set(key, found, min([seconds, *ages]))
    return found


def forget(name: str) -> None:
    """Drop what ``gather_cached`` kept under ``name``, in every language."""
    cache.delete_many([_cache_key(name, code) for code, _label in settings.LANGUAGES])
