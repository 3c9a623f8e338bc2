"""The judge: the convolutions chapter's digit classifier, reused to score generators.

Later chapters ask of generated digits: does each look like *some* digit (the judge's
confidence), are all ten digits there (the spread of its predictions), and do they
resemble real digits as a whole (distances between the judge's features of real and
generated images)? Inception networks cannot be downloaded here and know nothing of
digits; a classifier trained on the digits themselves is the honest yardstick.

The judge is one entry of :mod:`genlab.pretrained` (:data:`~genlab.pretrained.JUDGE`):
its recipe lives there, and :func:`load_judge` returns the judge genlab ships, so every
reader, whatever chapter they open first, scores with the very same judge.
"""

from __future__ import annotations

from torch import nn

from . import pretrained
from .checks import check_flag


def load_judge(*, retrain: bool = False, progress: bool = True) -> nn.Module:
    """The trained judge, in eval mode, its weights frozen: the shipped one, or with
    ``retrain=True`` one trained here by the same recipe (kept in the model cache)."""
    retrain, progress = check_flag(retrain, "retrain"), check_flag(progress, "progress")
    model = pretrained.load(pretrained.JUDGE, retrain=retrain, progress=progress)
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model
