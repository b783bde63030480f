"""The playground: a small 2-D classification trainer in the spirit of the TensorFlow Playground.

Modules, each read top to bottom:

config
    The configuration: one table of settings (:class:`~.config.PlaygroundConfig`, its share
    string, the widget's controls) and the input features.
presets
    Configurations that each make one point of the lecture.
data
    The four 2-D data sets in the box ``[-6, 6]^2``, and grids over it.
model
    The training state: an ``mlp.MLP`` trained by ``mlp.train.train_step``, drawn through its
    own forward pass.
runs
    A configuration trained once and kept at some epochs.
view
    The picture of one state (inline SVG).
widget
    The live trainer for a running kernel.
tour
    The playground and the preset tour as :class:`~mlp.figures.frames.Frames`.
"""
