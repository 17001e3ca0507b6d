"""nn — models on top of `autograd.Value`: the lecture's arc, each part trainable.

Rosenblatt's `Perceptron`, the `LinearClassifier` s = Wx + b, micrograd's `Neuron` /
`Layer` / `MLP` (with every classic activation) and `Maxout`; `losses` (mse, hinge,
multiclass SVM, cross-entropy, l2), `optim` (SGD with momentum and Nesterov, Adam,
AdamW), toy 2-D `data` sets, `fit` to train any of them and `objective`, the number it
minimises. Models save to and `load` from a JSON file. `to_torch` / `from_torch` /
`compare`: the bridge to PyTorch (the ``torch`` extra, imported only when they are called).
"""

from . import data, losses, optim
from .layers import MLP, Layer, LinearClassifier, Neuron
from .maxout import Maxout
from .module import Module
from .parameter import Parameter
from .perceptron import Perceptron
from .serialize import load
from .torch_bridge import from_torch, to_torch
from .torch_compare import compare
from .train import History, fit, objective, predict

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "Maxout",
    "Perceptron",
    "LinearClassifier",
    "Parameter",
    "losses",
    "optim",
    "data",
    "fit",
    "objective",
    "predict",
    "load",
    "History",
    "to_torch",
    "from_torch",
    "compare",
]
