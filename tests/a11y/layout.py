"""Layout checks measured in the browser, in the same page load as axe (tests/a11y/test_axe.py).

At a phone's width (390×844) and a desk's (1366×900) a page must not be wider than the window
(no sideways scrolling; WCAG 1.4.10 reflow) and every link or button a finger taps must be at
least 44×44 CSS pixels (WCAG 2.5.5), except links inside a sentence.

Pages that fail today are listed in EXPECTED_LAYOUT_FAILURES with the issue that fixes them; the
layout test is a *strict* expected failure for them, so the fix turns it into an unexpected pass
and whoever fixes it removes the entry.
"""

from __future__ import annotations

import re
from pathlib import Path

# Screenshots of pages that fail the layout check (ignored by git, as tests/browser's).
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results" / "layout"

WIDTHS = [(390, 844), (1366, 900)]
MIN_TARGET = 44

# Returns {"overflow": px wider than the window, "wide": [elements past the right edge],
# "small": [targets under 44×44], "trail": [breadcrumb steps whose line starts with a separator],
# "squeezed": [short column headings broken onto three lines or more]}.
MEASURE_JS = """
(minTarget) => {
  const root = document.documentElement;
  const viewport = root.clientWidth;
  const describe = (el) => {
    let text = (el.getAttribute('aria-label') || el.textContent || el.value || '')
      .replace(/\\s+/g, ' ').trim().slice(0, 40);
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + Array.from(el.classList).slice(0, 2).join('.') : '';
    return `${el.tagName.toLowerCase()}${id}${cls} «${text}»`;
  };
  const shown = (el) => {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') return false;
    if (el.closest('[hidden], [aria-hidden="true"], dialog:not([open])')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;  // a skip link hidden until focused is 1×1
  };
  const overflow = Math.max(root.scrollWidth, document.body.scrollWidth) - viewport;
  const wide = [];
  if (overflow > 0) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > viewport + 1 && shown(el)) {
        // Report the outermost offenders only.
        if (!wide.some((w) => w.el.contains(el))) wide.push({el, right: Math.round(r.right)});
      }
      if (wide.length >= 3) break;
    }
  }
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    const parent = el.parentElement;
    if (!parent) return false;
    const own = (el.textContent || '').trim().length;
    return (parent.textContent || '').replace(/\\s+/g, ' ').trim().length > own + 1;
  };
  const small = [];
  const targets = document.body.querySelectorAll(
    'a[href], button, input:not([type="hidden"]), select, summary, [role="button"]'
  );
  for (const el of targets) {
    if (!shown(el)) continue;
    if (el.tagName === 'A' && inSentence(el)) continue;
    let r = el.getBoundingClientRect();
    if (el.type === 'checkbox' || el.type === 'radio') {
      // The label is the target a finger taps.
      const label = el.closest('label') || (el.labels && el.labels[0]);
      if (label) r = label.getBoundingClientRect();
    }
    if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5) {
      small.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  // A breadcrumb trail that wraps must start each line with a step, not with a lone separator.
  const trail = [];
  for (const ol of document.querySelectorAll('.breadcrumbs ol')) {
    let lastTop = null;
    for (const li of ol.children) {
      const top = Math.round(li.getBoundingClientRect().top);
      const before = getComputedStyle(li, '::before').content;
      if (lastTop !== null && top > lastTop && before !== 'none' && before !== 'normal') {
        trail.push(`${describe(li)} starts its line with ${before}`);
      }
      lastTop = top;
    }
  }
  // A table squeezed into the window: a column so narrow that its short heading breaks into
  // a few characters a line (a table of records should become cards on a phone instead).
  const squeezed = [];
  for (const th of document.querySelectorAll('table thead th')) {
    // A table shown as cards keeps its headings for screen readers in a 1-px clipped head.
    if (!shown(th) || th.closest('thead').getBoundingClientRect().width <= 1) continue;
    const text = (th.textContent || '').replace(/\\s+/g, '').trim();
    if (!text || text.length > 8) continue;
    const range = document.createRange();
    range.selectNodeContents(th);
    const tops = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
    if (tops.size >= 3) squeezed.push(`${describe(th)} on ${tops.size} lines`);
  }
  return {
    trail: trail,
    squeezed: squeezed,
    overflow: Math.max(0, Math.round(overflow)),
    wide: wide.map((w) => `${describe(w.el)} to x=${w.right}`),
    small: small,
  };
}
"""


def measure(page) -> dict:
    return page.evaluate(MEASURE_JS, MIN_TARGET)


def screenshot_path(where: str, width: int) -> Path:
    """test-results/layout/<the page's path, role and language>-<width>.png"""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9]+", "_", where).strip("_")[:120] or "page"
    return RESULTS_DIR / f"{name}-{width}.png"


def problems_of(found: dict, *, where: str) -> list[str]:
    problems = []
    if found["overflow"]:
        problems.append(
            f"{where}: {found['overflow']} px wider than the window: {', '.join(found['wide'])}"
        )
    if found["small"]:
        shown = ", ".join(found["small"][:6])
        more = f" and {len(found['small']) - 6} more" if len(found["small"]) > 6 else ""
        problems.append(f"{where}: tap targets under {MIN_TARGET}×{MIN_TARGET}: {shown}{more}")
    if found["squeezed"]:
        problems.append(f"{where}: table squeezed: {', '.join(found['squeezed'][:4])}")
    if found["trail"]:
        problems.append(f"{where}: breadcrumbs wrap badly: {', '.join(found['trail'])}")
    return problems


PHONE_FIRST = "issue #16 (phone-first layout)"
REPORTS = "issue #17 (reports on a phone)"

TARGETS = PHONE_FIRST + ": tap targets in the page's own content under 44×44"

# Page type → why it fails the layout check today. Every page type of issue #16's was fixed
# (2026-12-06: fields, selects, file fields, radio labels, link-like buttons and a paragraph's
# only link are 44 px; the header's search box fits a phone); the reports' tables are issue #17's.
EXPECTED_LAYOUT_FAILURES: dict[str, str] = {}

# (page type, language) → why axe fails it today: at a phone's width these tables scroll
# sideways, and a scrolling region must be reachable by keyboard (tabindex="0" and a name).
EXPECTED_AXE_FAILURES: dict[tuple[str, str], str] = {}
