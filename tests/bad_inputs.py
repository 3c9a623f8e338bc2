"""The bad inputs every test of genlab's checks tries, in one place (issue 15): digits
and labels a reader gets wrong most often, and a way to see that a refused call left a
model exactly as it was."""

import torch


def with_nan(digits: torch.Tensor) -> torch.Tensor:
    """``digits`` with one pixel not a number."""
    spoiled = digits.clone()
    spoiled[0, 0, 0, 0] = float("nan")
    return spoiled


def bad_digits(digits: torch.Tensor) -> list[tuple[object, type]]:
    """(bad digits, error) for an argument that takes ``digits``-like images in [0, 1]."""
    return [
        ([[0.5]], TypeError),                          # a list, not a tensor
        (digits[:, 0], ValueError),                    # no channel axis
        (digits[:0], ValueError),                      # an empty batch
        (with_nan(digits), ValueError),                # a NaN: would train to a NaN history
        (digits * 255, ValueError),                    # 0-255
        (digits * 2 - 1, ValueError),                  # [-1, 1]
        ((digits * 255).to(torch.uint8), TypeError),   # bytes
    ]


def bad_labels(labels: torch.Tensor) -> list[tuple[object, type]]:
    """(bad labels, error) for an argument that takes ``labels``, digits 0-9."""
    return [
        (labels.float(), TypeError),                   # float labels
        (labels[:5], ValueError),                      # too few
        (labels + 5, ValueError),                      # past 9
        (labels - 2, ValueError),                      # below 0 (and below -1)
        ("3", TypeError),                              # not a tensor
    ]


def snapshot(*models: torch.nn.Module) -> list:
    """Each model's train/eval mode and a copy of its weights and buffers."""
    return [(m.training, {k: v.clone() for k, v in m.state_dict().items()}) for m in models]


def unchanged(models, before: list) -> bool:
    """Whether ``models`` (one model or several) are as :func:`snapshot` saw them."""
    models = [models] if isinstance(models, torch.nn.Module) else list(models)
    return all(m.training == mode and all(torch.equal(state[k], v)
                                          for k, v in m.state_dict().items())
               for m, (mode, state) in zip(models, before, strict=True))
