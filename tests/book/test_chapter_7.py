"""Chapter 7 (the playground) as built: precomputed preset tours that scrub with no kernel.

Reads ``lecture2/07-playground.html`` from the built book (``BOOK_HTML``, default
``_build/html``; the session fixture in ``tests/conftest.py`` builds it). Checks the saved
widget state: every preset x epoch frame is there (``mlp-frame`` divs inside ``Stack``
children), each tour's controls are ``jslink``-ed to its stacks (``LinkModel``), the live
playground is replaced by a static picture and a note, and the page stays small. A browser
test then moves the controls in Chromium and checks that the picture changes.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from mlp.figures.playground.model import PRESETS
from tests.browser.helpers import CHROMIUM_ARGS, probe

PAGE = "lecture2/07-playground.html"
XOR = ["xor-linear", "xor-product", "xor-deep-linear", "xor-hidden", "xor-threshold"]
SPIRAL = ["spiral-shallow", "spiral-deep"]
N_EPOCHS = 10  # epochs kept per preset in each tour (see the chapter)
MAX_PAGE_BYTES = 4_000_000


@pytest.fixture(scope="module")
def page() -> Path:
    root = Path(os.environ.get("BOOK_HTML", "_build/html"))
    path = root / PAGE
    if not path.exists():
        pytest.skip(
            f"no built chapter at {path}: build the book first (make book) or set BOOK_HTML"
        )
    return path


@pytest.fixture(scope="module")
def state(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    m = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S
    )
    assert m, "the page has no saved widget state"
    return json.loads(m.group(1))["state"]


def _models(state: dict, name: str) -> dict[str, dict]:
    return {k: v["state"] for k, v in state.items() if v["model_name"] == name}


def test_page_is_small_enough(page: Path):
    size = page.stat().st_size
    assert size < MAX_PAGE_BYTES, f"{PAGE} is {size / 1e6:.1f} MB"


def test_every_preset_and_epoch_has_a_frame(state: dict):
    html_models = _models(state, "HTMLModel")
    frames = [s["value"] for s in html_models.values() if 'class="mlp-frame"' in s["value"]]
    assert len(frames) == (len(XOR) + len(SPIRAL)) * N_EPOCHS
    # the reader scrubs through each preset's frames in the order of its Stack's children
    # (the order of models in the saved state is not meaningful)
    runs = {}
    for stack in _models(state, "StackModel").values():
        kids = [state[c.removeprefix("IPY_MODEL_")]["state"] for c in stack["children"]]
        if kids and all('class="mlp-frame"' in k.get("value", "") for k in kids):
            values = [k["value"] for k in kids]
            keys = [key for key in XOR + SPIRAL if PRESETS[key].title in values[0]]
            assert len(keys) == 1, "a tour's stack mixes presets"
            runs[keys[0]] = values
    assert sorted(runs) == sorted(XOR + SPIRAL)
    for key, mine in runs.items():
        assert len(mine) == N_EPOCHS, key
        assert all(PRESETS[key].title in f for f in mine), key
        epochs = [int(re.search(r"Epoch (\d+):", f).group(1)) for f in mine]
        assert epochs == sorted(set(epochs)) and epochs[0] == 0
        assert all('<img src="data:image/svg+xml;base64,' in f for f in mine)
        assert all('alt="Playground:' in f for f in mine)
    # the final frames show what the chapter asserts
    last = {k: runs[k][-1] for k in XOR + SPIRAL}
    assert "train accuracy 100%, test accuracy 100%" in last["xor-product"]
    assert "train accuracy 100%" not in last["xor-linear"]


def test_controls_are_linked_to_the_stacks(state: dict):
    links = _models(state, "LinkModel")
    stacks = _models(state, "StackModel")
    # per tour: preset -> the outer stack, epoch -> one inner stack per preset
    assert len(links) == (1 + len(XOR)) + (1 + len(SPIRAL))
    targets = {ln["target"][0].removeprefix("IPY_MODEL_") for ln in links.values()}
    assert targets <= set(stacks)
    sources = {ln["source"][0].removeprefix("IPY_MODEL_") for ln in links.values()}
    kinds = {state[s]["model_name"] for s in sources}
    assert kinds == {"ToggleButtonsModel", "SelectionSliderModel"}
    for ln in links.values():
        assert ln["source"][1] == "index" and ln["target"][1] == "selected_index"


def test_live_playground_is_replaced_by_a_note(state: dict):
    notes = [
        s["value"]
        for s in _models(state, "HTMLModel").values()
        if "mlp-playground-static" in s["value"]
    ]
    assert len(notes) == 1 and "needs a running Python kernel" in notes[0]


@pytest.mark.browser
def test_tour_scrubs_in_the_browser(page: Path, tmp_path: Path):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    root = page.parents[1]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{PAGE}"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.goto(url)
            tab.wait_for_selector(".mlp-frame img", timeout=30_000)
            loaded = tab.evaluate(probe("framePicturesLoaded"))
            assert loaded, "a frame's picture did not load"

            def visible_caption() -> str:
                return tab.evaluate(probe("visibleFrameTexts"))

            first = visible_caption()
            assert "Epoch 0:" in first and PRESETS["xor-linear"].title in first
            # drag the first tour's epoch slider to the end with the keyboard
            handle = tab.locator(".widget-slider .noUi-handle").first
            handle.focus()
            for _ in range(N_EPOCHS):
                handle.press("ArrowRight")
            tab.wait_for_timeout(300)
            moved = visible_caption()
            assert "Epoch 50:" in moved and moved != first
            # switch the first tour's preset
            tab.get_by_role("button", name="xor-product").first.click()
            tab.wait_for_timeout(300)
            switched = visible_caption()
            assert PRESETS["xor-product"].title in switched and "Epoch 50:" in switched
            assert "test accuracy 100%" in switched
            browser.close()
    finally:
        server.shutdown()
