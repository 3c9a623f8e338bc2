"""Convolutional digit classifiers: the book's own and the reference recipe.

:class:`DigitCNN` is the classifier of the convolutions chapter. Read top to bottom it
is the article's picture: two convolution blocks (filters stamped over the image, then
max pooling halves the canvas), then a feed-forward head that turns the features into
ten class scores. Batch normalisation after each convolution lets it train with a high
learning rate, which is what makes about 20 seconds on a CPU enough.

The same network later serves as the *judge* of generated digits (``genlab.judge``):
its 128 penultimate activations (:meth:`DigitCNN.features`) are the feature space in
which generated and real digits are compared.

:class:`ExamplesNet` is the network of pytorch/examples' MNIST script, kept as the
reference the benchmark compares against.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..checks import check_count, check_digits, check_number
from ..frame import module_device
from ..language import tr


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """3x3 convolution (padding keeps the size), batch norm, ReLU."""
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                         nn.BatchNorm2d(c_out), nn.ReLU())


class DigitCNN(nn.Module):
    """28x28 digit -> 10 class scores.

    ``features``: conv 1->16, conv 16->16, pool (28->14), conv 16->32, conv 32->32,
    pool (14->7); then flatten, 1568 -> 128, ReLU (the penultimate features), dropout,
    128 -> 10.
    """

    def __init__(self, width: int = 16, hidden: int = 128, dropout: float = 0.3):
        super().__init__()
        width, hidden = check_count(width, "width"), check_count(hidden, "hidden")
        dropout = check_number(dropout, "dropout", low=0, high=1, high_open=True)
        self.conv = nn.Sequential(
            conv_block(1, width), conv_block(width, width), nn.MaxPool2d(2),
            conv_block(width, 2 * width), conv_block(2 * width, 2 * width), nn.MaxPool2d(2),
        )
        self.penultimate = nn.Sequential(nn.Flatten(), nn.Linear(2 * width * 7 * 7, hidden),
                                         nn.ReLU())
        self.dropout = nn.Dropout(dropout)
        self.classify = nn.Linear(hidden, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The 128 penultimate activations: what the judge compares digits by."""
        x = check_digits(x, "x", device=module_device(self))
        return self.penultimate(self.conv(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.dropout(self.features(x)))


class ExamplesNet(nn.Module):
    """pytorch/examples' MNIST network: 2 conv + 2 fully connected layers, dropout."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Its inputs are normalised by the MNIST mean and spread: any finite values.
        x = check_digits(x, "x", value_range=None, device=module_device(self))
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(self.dropout1(x), 1)
        x = self.dropout2(F.relu(self.fc1(x)))
        return self.fc2(x)  # logits (the original returns log_softmax; same argmax)


def activations(model: DigitCNN, x: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
    """The feature maps after each convolution block and pooling of ``model.conv``,
    named as a reader would ("conv 1 (16 maps, 28×28)"), in the reader's language."""
    x = check_digits(x, "x", device=module_device(model))
    maps, convs = [], 0
    with torch.no_grad():
        for layer in model.conv:
            x = layer(x)
            if isinstance(layer, nn.MaxPool2d):
                name = tr("max pool")
            else:
                convs += 1
                name = tr("conv {number}").format(number=convs)
            size = f"{x.shape[2]}×{x.shape[3]}"
            maps.append((tr("{layer} ({maps} maps, {size})").format(
                layer=name, maps=x.shape[1], size=size), x))
    return maps
