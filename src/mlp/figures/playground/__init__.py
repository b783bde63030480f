"""The playground: a small 2-D classification trainer in the spirit of the TensorFlow Playground.

:mod:`~mlp.figures.playground.model` holds the configuration and the training model;
:mod:`~mlp.figures.playground.view` draws it and wraps it in widgets.
"""
