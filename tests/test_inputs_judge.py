"""genlab.judge checks its options before it loads anything."""

import numpy as np
import pytest

from genlab import pretrained
from genlab.judge import load_judge


@pytest.mark.parametrize("kwargs, name", [({"retrain": "no"}, "retrain"),
                                          ({"retrain": 0}, "retrain"),
                                          ({"progress": None}, "progress")])
def test_load_judge_refuses_non_booleans_before_loading(monkeypatch, kwargs, name):
    def never(*args, **kwargs):
        raise AssertionError("loaded before the options were checked")

    monkeypatch.setattr(pretrained, "load", never)
    with pytest.raises(TypeError, match=rf"^{name}: expected True or False"):
        load_judge(**kwargs)


def test_load_judge_accepts_numpy_booleans():
    judge = load_judge(retrain=np.bool_(False), progress=np.False_)
    assert not judge.training
    assert not any(p.requires_grad for p in judge.parameters())
