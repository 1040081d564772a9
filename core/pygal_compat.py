"""pygal, imported once for every app that draws SVG charts (events' surveys, the reports).

On import pygal adds a ``sys.meta_path`` finder that has only the legacy ``find_module``: from
then on, every import that reaches it raises an ImportWarning (an error under our tests'
warnings-as-errors). This module gives that finder the ``find_spec`` Python looks for; it still
serves only ``pygal.maps.*`` plugins.

Import pygal from here: ``from core.pygal_compat import Style, pygal``.
"""

from __future__ import annotations

import importlib.util
import sys

import pygal
from pygal.style import Style


def _modernise_pygal_import_hook() -> None:
    def find_spec(self, fullname, path=None, target=None):
        if self.find_module(fullname, path) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    for finder in sys.meta_path:
        if type(finder).__name__ == "PluginImportFixer" and not hasattr(finder, "find_spec"):
            type(finder).find_spec = find_spec


_modernise_pygal_import_hook()

# A figure written on its bar is dark text on a light halo: it reads on the portal's dark bars
# and, beside a short bar, on the white (pygal's black alone on dark green did not).
# (pygal's own CSS says `text { stroke: none !important }`: only an inline !important wins.)
VALUE_HALO = "stroke:#ffffff !important;stroke-width:4px;stroke-linejoin:round;paint-order:stroke"


def halo_values(root):
    """An XML filter (``chart.add_xml_filter``): every figure written on a bar
    (``<text class="value …">``) gets its light halo."""
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.rsplit("}", 1)[-1] == "text" and "value" in element.get("class", "").split():
            element.set("style", VALUE_HALO)
    return root


__all__ = ["Style", "halo_values", "pygal"]
