"""The static book's widgets: saved widget state made in Python, drawn by the page's own script.

A precomputed figure (:class:`mlp.figures.frames.Frames` in static mode) is a tree of
boxes, stacks of frames, controls and the links between them, up to a few thousand models
per figure. Built as real ipywidgets, every model is a comm message from the kernel to the
notebook client when the book is built, and ZMQ drops messages past its high-water mark
(1,000 queued) without a word: on a busy machine a figure went missing from its page. Here
the same models are plain Python objects, and a figure is shown as **one** ``text/html``
output that carries its models in ipywidgets' own saved-state format
(``application/vnd.jupyter.widget-state+json``) and a view of its root
(``application/vnd.jupyter.widget-view+json``). ``book/_static/static_widgets.js`` draws
them in the browser with no kernel and no widget manager.

Examples
--------
>>> frames = Stack([HTML("<p>a</p>"), HTML("<p>b</p>")], selected_index=0)
>>> control = ToggleButtons(["a", "b"], index=0, description="letter")
>>> link = Link((control, "index"), (frames, "selected_index"))
>>> view = StaticView(VBox([control, frames]), [link])
>>> sorted({m["model_name"] for m in view.saved_state().values()})
['HTMLModel', 'LinkModel', 'StackModel', 'ToggleButtonsModel', 'VBoxModel']
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Sequence
from typing import Any

__all__ = [
    "HTML",
    "Link",
    "Model",
    "SelectionSlider",
    "Stack",
    "StaticView",
    "ToggleButtons",
    "VBox",
]

_IDS = itertools.count(1)
_MODULE = {"model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0"}
STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"


class Model:
    """One widget model: an ipywidgets model name and its state, as attributes.

    Attributes other than ``model_name`` and ``model_id`` are the state; a model in it (or in
    a list or tuple of it) is saved as a reference ``"IPY_MODEL_<id>"``. Ids count up within
    one Python process (one kernel builds one page), so a page's ids are unique and the
    same on every build.
    """

    def __init__(self, model_name: str, **state: Any) -> None:
        self.model_name = model_name
        self.model_id = f"mlp-{next(_IDS)}"
        self.__dict__.update(state)

    def state(self) -> dict[str, Any]:
        """The state to save: every attribute but the name and id, models as references."""
        skip = {"model_name", "model_id"}
        return {k: _saved(v) for k, v in self.__dict__.items() if k not in skip}

    def references(self) -> list[Model]:
        """The models this one's state refers to."""
        found: list[Model] = []
        for v in self.__dict__.values():
            for item in v if isinstance(v, list | tuple) else [v]:
                if isinstance(item, Model):
                    found.append(item)
                elif isinstance(item, tuple) and item and isinstance(item[0], Model):
                    found.append(item[0])
        return found


def _saved(value: Any) -> Any:
    if isinstance(value, Model):
        return f"IPY_MODEL_{value.model_id}"
    if isinstance(value, list | tuple):
        return [_saved(v) for v in value]
    return value


def HTML(value: str) -> Model:  # noqa: N802 - named like the ipywidgets class it stands for
    """A piece of HTML (a frame, a note)."""
    return Model("HTMLModel", value=value, description="")


def VBox(children: Sequence[Model]) -> Model:  # noqa: N802
    """Models shown one under the other."""
    return Model("VBoxModel", children=list(children))


def Stack(children: Sequence[Model], selected_index: int) -> Model:  # noqa: N802
    """Models of which only the selected one is shown."""
    return Model("StackModel", children=list(children), selected_index=selected_index)


def SelectionSlider(labels: Sequence[str], index: int, description: str) -> Model:  # noqa: N802
    """A slider over named positions; its ``index`` is the position."""
    return Model(
        "SelectionSliderModel", _options_labels=list(labels), index=index,
        description=description, readout=True, continuous_update=True,
    )  # fmt: skip


def ToggleButtons(labels: Sequence[str], index: int, description: str) -> Model:  # noqa: N802
    """One button per choice, the ``index``-th pressed."""
    return Model(
        "ToggleButtonsModel", _options_labels=list(labels), index=index,
        description=description, tooltips=[],
    )  # fmt: skip


def Link(source: tuple[Model, str], target: tuple[Model, str]) -> Model:  # noqa: N802
    """Keep ``target``'s attribute equal to ``source``'s in the browser (ipywidgets' jslink)."""
    return Model("LinkModel", source=tuple(source), target=tuple(target))


class StaticView:
    """A figure to display: a root model, and the links among its models."""

    def __init__(self, root: Model, links: Sequence[Model] = ()) -> None:
        self.root, self.links = root, list(links)

    def saved_state(self) -> dict[str, dict[str, Any]]:
        """Every model reachable from the root or a link, in ipywidgets' saved-state form."""
        seen: dict[str, Model] = {}
        todo = [self.root, *self.links]
        while todo:
            m = todo.pop()
            if m.model_id not in seen:
                seen[m.model_id] = m
                todo.extend(m.references())
        return {
            mid: {"model_name": m.model_name, **_MODULE, "state": m.state()}
            for mid, m in sorted(seen.items(), key=lambda kv: int(kv[0].split("-")[1]))
        }

    def to_html(self) -> str:
        """The HTML the book shows: the saved state and one view of the root."""
        state = {"version_major": 2, "version_minor": 0, "state": self.saved_state()}
        view = {"version_major": 2, "version_minor": 0, "model_id": self.root.model_id}
        return (
            f'<div class="mlp-static-widget"><script type="{STATE_MIME}">{_script(state)}</script>'
            f'<script type="{VIEW_MIME}">{_script(view)}</script></div>'
        )

    def _repr_mimebundle_(self, **_: Any) -> dict[str, str]:
        text = "A precomputed interactive figure (it responds in the book's HTML pages)."
        return {"text/html": self.to_html(), "text/plain": html.escape(text)}


def _script(data: dict[str, Any]) -> str:
    """JSON that cannot end its <script> element early or open a comment inside it."""
    return (
        json.dumps(data, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\u0021--")
    )
