"""An admin change form posted back as a browser would send it unchanged: the main form's and
every inline formset's initial values (management forms included), read from the rendered
page's context. Tests change a field or two and post it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Model
from django.forms import (
    ModelMultipleChoiceField,
    MultipleChoiceField,
    MultiValueField,
    MultiWidget,
)
from django.utils import timezone


def _value(field, bound) -> object:
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, Model):
        return value.pk
    return value


def _put(data: dict, name: str, field, bound) -> None:
    widget = field.widget
    value = _value(field, bound)
    if isinstance(field, MultipleChoiceField | ModelMultipleChoiceField):
        if value not in ("", None):  # nothing chosen: a browser sends no value at all
            data[name] = [v.pk if isinstance(v, Model) else v for v in value]
        return
    if isinstance(field, MultiValueField) or isinstance(widget, MultiWidget):
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            data[f"{name}_0"] = local.strftime("%Y-%m-%d")
            data[f"{name}_1"] = local.strftime("%H:%M:%S")
            return
        parts = widget.decompress(value) if hasattr(widget, "decompress") else value
        for i, part in enumerate(parts or []):
            data[f"{name}_{i}"] = "" if part is None else part
        return
    if getattr(widget, "input_type", "") == "file":
        return
    if isinstance(value, bool) or widget.__class__.__name__ == "CheckboxInput":
        if value and value != "False":
            data[name] = "on"
        return
    if isinstance(value, list | tuple):
        data[name] = [v.pk if isinstance(v, Model) else v for v in value]
        return
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.strftime("%Y-%m-%d %H:%M:%S")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    data[name] = value


def form_data(form) -> dict:
    data: dict = {}
    for name, field in form.fields.items():
        _put(data, form.add_prefix(name), field, form[name])
        if field.show_hidden_initial:  # e.g. a field whose model default is callable
            _put(data, form.add_initial_prefix(name), field, form[name])
    return data


def unchanged_post_data(response) -> dict:
    """The POST data of the change form in ``response`` (a GET of the admin change page)."""
    context = response.context
    data = form_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.forms:
            data.update(form_data(form))
    return data
