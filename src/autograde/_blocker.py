"""Shortcuts the sandbox does not offer: copied beside the child as ``blocker.py``.

Like the child, it imports nothing from :mod:`autograde` (inside the sandbox there is none
to trust): the child calls :func:`block` with the names an exercise forbids
(:func:`autograde.shortcuts.runtime_blocks`) before running the notebook.
"""

import sys


class _Blocker:
    """A meta-path finder that refuses the modules this exercise does not offer."""

    def __init__(self, names):
        self.names = tuple(names)

    def find_spec(self, fullname, path=None, target=None):
        for b in self.names:
            if fullname == b or fullname.startswith(b + "."):
                raise ImportError(f"{fullname} is not available in this exercise")
        return None


def block(names):
    """Make the exercise's forbidden modules unimportable and its forbidden attributes of
    already imported modules (``mlp.MLP``) absent.  The grader's static reading of the
    notebook is the other half: code that undoes this is itself a refused shortcut."""
    modules = []
    for name in names:
        parent, _, attr = name.rpartition(".")
        if parent and parent not in sys.modules:
            try:  # load the package, so its attribute can be taken away
                __import__(parent)
            except Exception:  # noqa: BLE001
                pass
        owner = sys.modules.get(parent) if parent else None
        value = getattr(owner, attr, None) if owner is not None else None
        if value is not None and type(value) is not type(sys):
            delattr(owner, attr)  # an attribute such as mlp.MLP
            continue
        modules.append(name)
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]
        if owner is not None and hasattr(owner, attr):
            delattr(owner, attr)
    if modules:
        sys.meta_path.insert(0, _Blocker(modules))
