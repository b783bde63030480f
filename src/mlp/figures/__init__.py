"""Everything of the lecture that is drawn or interactive, built on the core ``mlp``.

The core package is the mathematics (numpy only); this subpackage draws it. ``import mlp``
does not load it, and it may import the core but never the other way round.

Modules
-------
frames
    The one frames mechanism: controls plus a render function give a live widget in a
    kernel and linked precomputed frames in the static book.
plots
    Decision regions, activations, loss curves and network diagrams (matplotlib).
classifiers
    Linear classifiers, pattern images and feature planes of the first two chapters.
neurons
    The leaky integrate-and-fire neuron, neuron diagrams and one neuron's output.
graph_drawing
    The one layout of a computation graph of :mod:`mlp.graph`, and its drawing with values and
    error signals.
graph_labels
    Node labels in the lecture's notation (TeX, HTML, Unicode).
light_frames
    The static book's light frames: SVG over one shared background, or palette PNGs.
static_widgets
    The static book's widgets: saved widget state made in Python (no kernel comms), drawn
    by the page's own ``static_widgets.js``.
fast_redraw
    Fixed axes, plain-artist legends and a frozen background: live updates under 50 ms.
bumps, bump_challenge
    The sigmoid-to-step, bump builder and design-challenge figures of the universality chapter.
universality_plots
    The universality chapter's static figures.
backward_visits, backprop_stepper
    The backward pass grouped by node, and stepping through it one node at a time.
playground
    The TensorFlow-Playground-like trainer: configuration, model and view.
features
    Chapter 4: one forward pass, saturated and dead units, features learned by a hidden layer.
xor
    Chapter 5: the hand-designed XOR network in input and hidden space, and softened by ``k``.
digits
    Chapter 10: digit images, training curves, confusion matrix, first-layer filters.
"""
