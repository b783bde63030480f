"""A progress bar for :func:`mlp.train.sgd`, as an epoch callback.

>>> from mlp.figures.progress import progress_bar
>>> history = mlp.sgd(net, X, t, epochs=30, callback=progress_bar(30))  # doctest: +SKIP

The core (:mod:`mlp.train`) knows nothing of widgets: it calls ``callback(epoch, history)``
after every epoch, and this module turns that call into an ``ipywidgets.IntProgress`` bar.
"""

from __future__ import annotations

from collections.abc import Callable

from mlp.train import History

__all__ = ["progress_bar"]


def progress_bar(epochs: int) -> Callable[[int, History], None]:
    """Show a bar with ``epochs`` steps and return the callback that advances it.

    The bar is displayed at once (in a notebook; outside one, display prints a text
    representation). The callback sets the bar to the epoch and shows the epoch's loss.
    """
    import ipywidgets
    from IPython.display import display

    bar = ipywidgets.IntProgress(value=0, min=0, max=int(epochs), description="training")
    display(bar)

    def update(epoch: int, history: History) -> None:
        bar.value = epoch
        bar.description = f"loss {history.loss[-1]:.3g}"

    return update
