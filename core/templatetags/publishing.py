"""Template filters of the publishing apps: ``{% load publishing %}``."""

from django import template

from core.markdown import excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """``{{ post.body|markdown }}``: sanitised HTML of a Markdown body."""
    return render_markdown(text)


@register.filter(name="excerpt")
def excerpt_filter(text, length=120):
    """``{{ post.body|excerpt:80 }}``: plain text, shortened."""
    return excerpt(text, int(length))
