"""The interactive figures of the static book: every state precomputed, every control linked.

Reads the saved ``application/vnd.jupyter.widget-state+json`` of ``lecture2/*.html`` in the
built book (``BOOK_HTML``, default ``_build/html``; the session fixture in
``tests/conftest.py`` builds it first). For every :class:`mlp.figures.frames.Frames` (and
the steppers, bump widgets and playground tours built on it) it checks:

* the page holds exactly the product of its controls' value counts of ``mlp-frame``
  pictures, each with alt text, and the pictures differ where they should;
* every control is ``jslink``-ed (a ``LinkModel``) to every Stack of its level, so that no
  control in the static page does nothing;
* the page says the figure is precomputed, and no live-mode widget leaked into it.

The expected counts come from the chapters' sources (``tests/book/chapters.py``: the
controls of chapters 1-4, the widget classes of chapters 5-6, the graphs of chapters 8-9),
so a change of a figure and a stale page cannot both pass. A browser test moves the
playground tour's controls in Chromium (the other pages' controls:
``tests/browser/test_pages.py``).
"""

from __future__ import annotations

import functools
import html as html_lib
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from mlp.figures.playground.presets import PRESETS
from tests.book.chapters import (
    BUMP,
    CHALLENGE_STATIC,
    CHAPTERS,
    EXACT,
    N_EPOCHS,
    N_PLAY,
    SIGMOID,
    SPIRAL,
    XOR,
    XOR_K,
    n_steps_fxy,
    n_steps_lls,
    n_steps_mlp,
    page,
    stepper_frames,
    tour_runs,
)
from tests.book.widgetstate import (
    chapter_page,
    check_links,
    explorer_grid,
    frames,
    models,
    quiz_count,
    widget_state,
)
from tests.browser.helpers import CHROMIUM_ARGS, probe

PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
OVERLAY = re.compile(r'<svg class="mlp-overlay".*?</svg>', re.S)


# ---- chapters 1-4: every Frames figure of the chapter ------------------------------------------


@pytest.mark.parametrize("name", list(EXACT))
def test_interactive_figures_are_precomputed_and_linked(name: str) -> None:
    path, text, state = page(name)
    spec = EXACT[name]
    found = frames(state)
    grids = [explorer_grid(c) for c in spec["explorers"]]
    assert len(found) == sum(f for f, _ in grids), f"{path.name}: {len(found)} frames"
    assert check_links(state) == sum(n for _, n in grids)
    assert all(PNG.search(f) and 'alt="' in f for f in found)
    pngs = [PNG.search(f).group(1) for f in found]
    assert len(set(pngs)) == len(pngs), f"{path.name}: two states show the same picture"
    assert text.count("Precomputed figure") == len(grids)
    assert "Live figure" not in text  # a live widget would do nothing without a kernel


# ---- chapters 5-6: the k slider, the sigmoid-to-step, bump builder and design challenge -----


def test_chapter_5_frames_and_links() -> None:
    path, text, state = page("05-xor-network")
    found = frames(state)
    n_frames, n_links = explorer_grid(XOR_K)
    assert len(found) == n_frames
    assert check_links(state) == n_links
    pngs = [PNG.search(f).group(1) for f in found]
    assert len(set(pngs)) == len(pngs), "two values of k show the same picture"
    assert all("largest error at the four inputs" in f for f in found)
    assert "Precomputed figure" in text


def test_chapter_6_frames_and_links() -> None:
    path, text, state = page("06-universality")
    found = frames(state)
    sig = [f for f in found if "step position" in f]
    bump = [f for f in found if "draws this bump" in f]
    chal = [f for f in found if "Mean absolute error" in f or "Success" in f]
    assert len(sig) == explorer_grid(SIGMOID)[0]
    assert len(bump) == explorer_grid(BUMP)[0]
    assert len(chal) == explorer_grid(CHALLENGE_STATIC)[0]
    assert len(found) == len(sig) + len(bump) + len(chal)
    expected_links = sum(explorer_grid(g)[1] for g in (SIGMOID, BUMP, CHALLENGE_STATIC))
    assert check_links(state) == expected_links
    # every frame is a light SVG with a label over its figure's one stored background, and
    # the pictures differ where they should
    assert all(OVERLAY.search(f) and 'aria-label="' in f for f in found)
    for group in (sig, bump, chal):
        svgs = [OVERLAY.search(f).group(0) for f in group]
        assert len(set(svgs)) == len(svgs)
    backgrounds = {re.search(r'href="#(mlpbg-\w+)"', f).group(1) for f in found}
    assert len(backgrounds) == 3  # one per figure, each stored once (in the page's state)
    assert all(str(state).count(f'id="{b}"') == 1 for b in backgrounds)
    # the bump builder prints the weights; the challenge opens the network on demand
    assert all("W⁽¹⁾ = " in f and "b⁽²⁾ = " in f for f in bump)
    assert all("<details>" in f and "Show the network" in f for f in chal)
    assert text.count("Precomputed figure") >= 3


# ---- chapter 7: the playground's preset tours ------------------------------------------------


def test_every_preset_and_epoch_has_a_frame() -> None:
    _, _, state = page("07-playground")
    found = frames(state)
    assert len(found) == (len(XOR) + len(SPIRAL)) * N_EPOCHS + N_PLAY
    runs = tour_runs(state)
    assert sorted(runs) == sorted(XOR + SPIRAL)
    for key, mine in runs.items():
        assert len(mine) == N_EPOCHS, key
        assert all(PRESETS[key].title in f for f in mine), key
        epochs = [int(re.search(r"Epoch (\d+):", f).group(1)) for f in mine]
        assert epochs == sorted(set(epochs)) and epochs[0] == 0
        assert all('<img src="data:image/svg+xml;base64,' in f for f in mine)
        assert all('alt="Playground:' in f for f in mine)


def test_tour_controls_are_linked_to_the_stacks() -> None:
    _, _, state = page("07-playground")
    links = models(state, "LinkModel")
    stacks = models(state, "StackModel")
    # per tour: preset -> the outer stack, epoch -> one inner stack per preset
    n_figure_links = len(links) - quiz_count(state)  # a quiz has one link of its own
    assert n_figure_links == (1 + len(XOR)) + (1 + len(SPIRAL)) + 1  # + the playground's epoch
    targets = {ln["target"][0].removeprefix("IPY_MODEL_") for ln in links.values()}
    assert targets <= set(stacks)
    sources = {ln["source"][0].removeprefix("IPY_MODEL_") for ln in links.values()}
    kinds = {state[s]["model_name"] for s in sources}
    assert kinds == {"ToggleButtonsModel", "SelectionSliderModel"}
    for ln in links.values():
        assert ln["source"][1] == "index" and ln["target"][1] == "selected_index"


def test_live_playground_is_precomputed_with_the_standard_note() -> None:
    """In the book the playground is a precomputed run; its note says a kernel offers more."""
    _, _, state = page("07-playground")
    notes = [
        s["value"]
        for s in models(state, "HTMLModel").values()
        if f"Precomputed figure: the {N_PLAY} states" in s["value"]
    ]
    assert len(notes) == 1 and "with more to do" in notes[0]


@pytest.mark.browser
def test_tour_scrubs_in_the_browser() -> None:
    path, _, _ = page("07-playground")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    root = path.parents[1]
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/lecture2/{path.name}"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1200, "height": 900})
            tab.goto(url)
            tab.wait_for_selector(".mlp-frame img", timeout=30_000)
            loaded = tab.evaluate(probe("framePicturesLoaded"))
            assert loaded, "a frame's picture did not load"

            # the first tour: the output that holds the preset buttons (the playground's own
            # precomputed run, earlier on the page, has an epoch slider too)
            tour = tab.locator(".cell_output", has=tab.get_by_role("button", name="xor-product"))
            tour = tour.first

            def visible_caption() -> str:
                return tour.evaluate(probe("visibleFrameTexts"))

            first = visible_caption()
            assert "Epoch 0:" in first and PRESETS["xor-linear"].title in first
            # drag the first tour's epoch slider to the end with the keyboard
            handle = tour.locator(".widget-slider input[type=range]").first
            handle.focus()
            for _ in range(N_EPOCHS):
                handle.press("ArrowRight")
            tab.wait_for_timeout(300)
            moved = visible_caption()
            assert "Epoch 50:" in moved and moved != first
            # switch the first tour's preset
            tour.get_by_role("button", name="xor-product").first.click()
            tab.wait_for_timeout(300)
            switched = visible_caption()
            assert PRESETS["xor-product"].title in switched and "Epoch 50:" in switched
            assert "test accuracy 100%" in switched
            browser.close()
    finally:
        server.shutdown()


# ---- chapters 8-10: the backward-pass steppers and the filters explorer ---------------------


def _figure_frames(state: dict) -> tuple[list[str], int]:
    """The frames of a page's figures (quiz feedback left out) and the number of quizzes."""
    return frames(state), quiz_count(state)


def _check_stepper_frames(found: list[str], n_steps: int) -> list[str]:
    """The frames of one stepper (those saying 'of n_steps'); check and return them."""
    mine = stepper_frames(found, n_steps)
    assert len(mine) == n_steps + 1, f"{len(mine)} frames for a stepper of {n_steps} steps"
    steps = sorted(int(re.search(r"Step (\d+) of", f).group(1)) for f in mine)
    assert steps == list(range(n_steps + 1))
    pngs = [PNG.search(f).group(1) for f in mine]
    assert len(set(pngs)) == len(pngs), "two steps show the same picture"
    for f in mine:
        alt = re.search(r'alt="([^"]*)"', f).group(1)
        assert "backward pass" in alt and "step" in alt
        if "Step 0 of" not in f:
            assert "text-decoration:overline" in f  # the bar notation in the step's sum
    return mine


def test_chapter_8_steppers() -> None:
    _, _, state = page("08-chain-rule-and-graphs")
    found, quizzes = _figure_frames(state)
    lls = _check_stepper_frames(found, n_steps_lls())
    fxy = _check_stepper_frames(found, n_steps_fxy())
    assert len(found) == len(lls) + len(fxy)
    assert quizzes >= 3 and check_links(state) == 2


def test_chapter_9_stepper() -> None:
    _, text, state = page("09-backpropagation")
    found, quizzes = _figure_frames(state)
    n = n_steps_mlp()
    mine = _check_stepper_frames(found, n)
    assert len(found) == len(mine) == n + 1
    assert quizzes >= 3 and check_links(state) == 1
    assert "Precomputed figure" in html_lib.unescape(re.sub(r"<[^>]+>", " ", text))


def test_chapter_10_filters_explorer() -> None:
    _, _, state = page("10-training-on-digits")
    found, quizzes = _figure_frames(state)
    assert len(found) == 7  # epochs 0, 1, 2, 5, 10, 20, 40
    pngs = [PNG.search(f).group(1) for f in found]
    assert len(set(pngs)) == 7
    epochs = sorted(int(re.search(r"epoch (\d+):", f).group(1)) for f in found)
    assert epochs == [0, 1, 2, 5, 10, 20, 40]
    assert quizzes >= 3 and check_links(state) == 1


def test_every_saved_model_is_one_the_page_script_draws() -> None:
    """The book's pages carry no Jupyter widget manager: book/_static/static_widgets.js draws
    the saved models. Every model a chapter saves must be one it knows (and no real
    ipywidget's layout or style models, which would mean a live widget leaked into the book)."""
    script = (Path(__file__).resolve().parents[2] / "book/_static/static_widgets.js").read_text()
    views = script[script.index("var VIEWS = {") : script.index("};", script.index("var VIEWS"))]
    drawn = set(re.findall(r"(\w+Model):", views)) | {"LinkModel", "DirectionalLinkModel"}
    for name in CHAPTERS:
        _, text = chapter_page(name)
        saved = {m["model_name"] for m in widget_state(text, name).values()}
        assert saved <= drawn, f"{name}: models the page cannot draw: {sorted(saved - drawn)}"
