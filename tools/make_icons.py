"""Draw the portal's icons: static/icons/favicon.svg and the PNG and ICO files made from it.

The mark is two overlapping rings (citizens and the city working together) in white on the
portal's green (--brand in static/css/site.css). Pillow cannot read SVG, so the same shapes are
drawn here with the same numbers on a 64-unit grid, at four times the size, then scaled down.

    .venv/bin/python tools/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "icons"
BRAND = "#1d5e3a"
WHITE = "#ffffff"
GRID = 64
CORNER = 12
RINGS = ((24, 32), (40, 32))  # centres on the 64-unit grid
RADIUS = 13
STROKE = 5

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">
<rect width="{GRID}" height="{GRID}" rx="{CORNER}" fill="{BRAND}"/>
<g fill="none" stroke="{WHITE}" stroke-width="{STROKE}">
{"".join(f'<circle cx="{x}" cy="{y}" r="{RADIUS}"/>' for x, y in RINGS)}
</g>
</svg>
"""


def draw(size: int, *, rounded: bool = True) -> Image.Image:
    """The mark at ``size`` pixels (``rounded=False``: a full square, as iOS rounds it itself)."""
    scale = size * 4 / GRID
    big = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    pen = ImageDraw.Draw(big)
    box = (0, 0, size * 4 - 1, size * 4 - 1)
    if rounded:
        pen.rounded_rectangle(box, radius=round(CORNER * scale), fill=BRAND)
    else:
        pen.rectangle(box, fill=BRAND)
    for x, y in RINGS:
        half = RADIUS + STROKE / 2
        ring = [(x - half) * scale, (y - half) * scale, (x + half) * scale, (y + half) * scale]
        pen.ellipse(ring, outline=WHITE, width=round(STROKE * scale))
    return big.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "favicon.svg").write_text(SVG, encoding="utf-8")
    draw(32).save(OUT / "favicon-32.png", optimize=True)
    draw(180, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    draw(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
