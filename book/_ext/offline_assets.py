"""Local Sphinx extension: make every page self-contained and free of console errors.

1. Drop duplicate ``<script>`` entries. Sphinx 7 lets sphinx-thebe register its inline
   configuration (``const THEBE_JS_URL = ...``) more than once, and a second ``const``
   declaration is a SyntaxError in the browser console.
2. Accessibility fixes found by the axe-core browser tests (tests/browser), applied in the page
   because the markup comes from the theme:
   * the theme's search field carries ``aria-label="Search"`` although it shows "Search
     Ctrl+K", and the colour-mode button's icons carry titles ("Light") its label ("Color
     mode") does not contain (WCAG 2.5.3, axe ``label-content-name-mismatch``): drop the
     search field's label (its text names it) and the icons' titles (the button keeps its
     "Color mode" label and tooltip);
   * docutils writes the bibliography as ``role="list"`` whose entries have the deprecated
     ``role="doc-biblioentry"``, which is not a list item (axe ``aria-required-children``,
     critical): make the entries ``role="listitem"``;
   * the navigation's expanders (``<summary>`` holding only a chevron icon) have no name
     (axe ``summary-name``, serious): name each "Sections of <its chapter's title>".
   * a collapsed cell's toggle shows "Show code cell source" but is named "Toggle hidden
     content" (axe ``label-content-name-mismatch``): drop the name, so the text is the name.
(Math is typeset at build time by the sibling extension ``math_prerender``.)
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

_A11Y = """
(function () {
  var pending = false;
  function fix() {
    pending = false;
    document.querySelectorAll('.search-button-field[aria-label]').forEach(function (b) {
      b.removeAttribute('aria-label');
    });
    document.querySelectorAll('.theme-switch-button i[title]').forEach(function (i) {
      i.removeAttribute('title');
    });
    // the same icons once Font Awesome has turned them into <svg><title>Light</title>...
    document.querySelectorAll('.theme-switch-button svg > title').forEach(function (t) {
      t.parentNode.removeAttribute('aria-labelledby');
      t.parentNode.setAttribute('aria-hidden', 'true');
      t.remove();
    });
    // a collapsed cell's toggle says "Show code cell source" but was named "Toggle hidden
    // content" (axe label-content-name-mismatch): its visible text is its name
    document.querySelectorAll('details.hide > summary[aria-label]').forEach(function (e) {
      e.removeAttribute('aria-label');
    });
    document.querySelectorAll('[role="list"] > [role="doc-biblioentry"]').forEach(function (e) {
      e.setAttribute('role', 'listitem');
    });
    document.querySelectorAll('nav summary:not([aria-label])').forEach(function (e) {
      var link = e.parentNode.parentNode.querySelector(':scope > a');
      var title = link ? link.textContent.trim() : '';
      e.setAttribute('aria-label', title ? 'Sections of ' + title : 'Sections');
    });
  }
  function schedule() {
    if (!pending) { pending = true; window.requestAnimationFrame(fix); }
  }
  document.addEventListener('DOMContentLoaded', function () {
    fix();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
""".strip()


def _dedupe_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        attrs = getattr(script, "attributes", {}) or {}
        # the same inline script is registered once with filename None and once with ""
        key = (str(getattr(script, "filename", script) or ""), str(attrs.get("body", "")))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


def _add_a11y(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    app.builder.add_js_file(None, body=_A11Y, priority=502)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _add_a11y, priority=400)
    app.connect("html-page-context", _dedupe_scripts, priority=999)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
