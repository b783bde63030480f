"""Every page of the table of contents on a phone (375x812, touch) and in the dark theme.

Phone: no horizontal page scroll, every figure fits the width, every slider and toggle
button is at least touch-sized, and a slider moved by a tap switches its frame.
Dark: the theme really is dark, figures sit on a light card, and axe-core (colour contrast
included) finds no serious violation. Full-page screenshots go beside the desktop ones,
in ``artifacts/screenshots/phone/`` and ``artifacts/screenshots/dark/``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.browser.helpers import INIT_JS, axe_serious, toc_docs, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 375, "height": 812}
TOUCH_PX = 24  # WCAG 2.5.8: a pointer target at least 24 x 24 CSS pixels

OVERFLOW_JS = """() => {
  const w = window.innerWidth;
  const page = document.documentElement.scrollWidth;
  const wide = [...document.querySelectorAll(
      '.bd-article img, .bd-article svg:not(mjx-container svg), .bd-article .jupyter-widgets')]
    .filter(e => e.getClientRects().length && !e.closest('.MathJax, mjx-container, pre, table'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 1; })
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${
      Math.round(e.getBoundingClientRect().right)}`);
  return {page, w, wide: wide.slice(0, 5), n: wide.length};
}"""
TARGETS_JS = """() => [...document.querySelectorAll(
    '.widget-slider input[type=range], .widget-toggle-button, .jupyter-button')]
  .filter(e => e.getClientRects().length)
  .map(e => { const r = e.getBoundingClientRect();
              return {cls: e.className, w: r.width, h: r.height}; })"""


def _doc_id(doc: str) -> str:
    return doc.replace("/", "__")


@pytest.fixture(scope="module", params=toc_docs(), ids=_doc_id)
def phone_page(request, chromium, site, screenshot_dir) -> Iterator[tuple[str, object]]:
    """One page loaded at phone size with touch, after its widgets and math are ready."""
    context = chromium.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1
    )
    yield request.param, _open(context, site, request.param, screenshot_dir / "phone")
    context.close()


def _open(context, site: str, doc: str, shots) -> object:
    """Load ``doc`` in ``context``, wait until it is ready, and save a full-page screenshot."""
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(INIT_JS)
    page.goto(f"{site}{doc}.html", wait_until="load")
    wait_ready(page)
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{_doc_id(doc)}.png"), full_page=True, timeout=90_000)
    return page


def test_phone_no_horizontal_scroll_and_figures_fit(phone_page) -> None:
    doc, page = phone_page
    r = page.evaluate(OVERFLOW_JS)
    assert r["page"] <= r["w"] + 1, f"{doc}: page is {r['page']} px wide on a {r['w']} px screen"
    assert r["n"] == 0, f"{doc}: {r['n']} figures wider than the screen: {r['wide']}"


def test_phone_controls_are_touch_sized(phone_page) -> None:
    doc, page = phone_page
    small = [t for t in page.evaluate(TARGETS_JS) if t["w"] < TOUCH_PX or t["h"] < TOUCH_PX]
    assert not small, f"{doc}: controls smaller than {TOUCH_PX} px: {small[:5]}"


def test_phone_slider_moves_by_touch(phone_page) -> None:
    """Tap near the right end of the first precomputed slider: its frame changes."""
    doc, page = phone_page
    sliders = page.locator(".widget-hslider input[type=range]")
    if sliders.count() == 0:
        pytest.skip(f"{doc} has no slider")
    slider = sliders.first
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    assert box and box["width"] >= 100, f"{doc}: first slider is only {box} wide on a phone"
    readout = slider.locator("xpath=ancestor::*[contains(@class,'widget-hslider')][1]")
    before = readout.inner_text()
    lo, hi = float(slider.get_attribute("min") or 0), float(slider.get_attribute("max") or 0)
    at_right = float(slider.input_value() or 0) > (lo + hi) / 2
    target = 0.03 if at_right else 0.97  # tap the far end from where the handle is
    page.touchscreen.tap(box["x"] + box["width"] * target, box["y"] + box["height"] / 2)
    page.wait_for_timeout(200)
    assert readout.inner_text() != before, f"{doc}: a tap on the slider did not move it"


@pytest.fixture(scope="module", params=toc_docs(), ids=_doc_id)
def dark_page(request, chromium, site, screenshot_dir) -> Iterator[tuple[str, object]]:
    """One page in the theme's dark mode (as chosen with its switch, kept in localStorage)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    context.add_init_script(
        "localStorage.setItem('mode','dark');localStorage.setItem('theme','dark');"
    )
    yield request.param, _open(context, site, request.param, screenshot_dir / "dark")
    context.close()


def test_dark_theme_is_on_and_figures_sit_on_a_light_card(dark_page) -> None:
    doc, page = dark_page
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    cards = page.evaluate(
        """() => [...document.querySelectorAll('.mlp-frame, .cell_output img')]
          .filter(e => e.getClientRects().length)
          .map(e => { // the colour actually behind it: the nearest opaque background
            for (let x = e; x; x = x.parentElement) {
              const c = getComputedStyle(x).backgroundColor;
              if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
            }
            return 'rgba(0, 0, 0, 0)';
          })"""
    )
    dark = [c for c in cards if _luminance(c) < 0.5]
    assert not dark, f"{doc}: {len(dark)} figures on a dark background: {dark[:3]}"


def _luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an ``rgb(...)``/``rgba(...)`` colour; 0 if transparent."""
    parts = [float(p) for p in css_colour[css_colour.index("(") + 1 : -1].split(",")]
    if len(parts) == 4 and parts[3] == 0:
        return 0.0

    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in parts[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_dark_accessibility_no_serious_violations(dark_page) -> None:
    doc, page = dark_page
    result = axe_serious(page)
    assert not result, f"{doc} (dark): axe-core violations:\n" + json.dumps(result, indent=1)
