"""The examples in the docstrings of the mlp core modules run and give what they show."""

import doctest
import importlib

import pytest

MODULES = ["mlp.layers", "mlp.network", "mlp.losses", "mlp.graph", "mlp.train", "mlp.gradcheck"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
