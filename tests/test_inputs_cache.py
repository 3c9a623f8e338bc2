"""genlab.cache: bad arguments are refused up front, a read-only cache that holds the
entry loads, a failed save keeps the good entry, and a load checks what it loads."""

import os

import numpy as np
import pytest
import torch
from torch import nn

from genlab import cache
from genlab.cache import CacheError, cached_model


def tiny():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def never(model):
    pytest.fail("trained although the arguments were wrong or the entry was cached")


def snapshot(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def unchanged(model, before):
    return all(torch.equal(before[k], v) for k, v in model.state_dict().items())


# ----------------------------------------------------------------- bad arguments

BAD_CALLS = [
    # (what, call, error, message start)
    ("save: name int", lambda: cache.save(3, tiny()), TypeError, "name: expected"),
    ("save: name path", lambda: cache.save("a/b", tiny()), ValueError, "name: expected"),
    ("save: model", lambda: cache.save("x", {"w": 1}), TypeError, "model: expected"),
    ("save: meta", lambda: cache.save("x", tiny(), curve=object()), TypeError,
     r"meta\['curve'\]: expected"),
    ("save: nested meta", lambda: cache.save("x", tiny(), runs=[1, torch.zeros(2)]),
     TypeError, r"meta\['runs'\]\[1\]: expected"),
    ("load: name", lambda: cache.load(None, tiny()), TypeError, "name: expected"),
    ("load: hidden name", lambda: cache.load(".x", tiny()), ValueError, "name: expected"),
    ("load: model", lambda: cache.load("x", "tiny"), TypeError, "model: expected"),
    ("cached_model: name", lambda: cached_model(["x"], tiny, never), TypeError,
     "name: expected"),
    ("cached_model: build", lambda: cached_model("x", tiny(), never), TypeError,
     "build: expected a function"),
    ("cached_model: train", lambda: cached_model("x", tiny, "train"), TypeError,
     "train: expected a function"),
    ("cached_model: retrain", lambda: cached_model("x", tiny, never, retrain="no"),
     TypeError, "retrain: expected True or False"),
    ("cached_model: retrain int", lambda: cached_model("x", tiny, never, retrain=1),
     TypeError, "retrain: expected True or False"),
    ("cached_model: build returns", lambda: cached_model("x", lambda: "model", never),
     TypeError, "build: expected a function that returns a torch.nn.Module"),
    ("cache_path: name", lambda: cache.cache_path(""), ValueError, "name: expected"),
]


@pytest.mark.parametrize("call, error, message", [c[1:] for c in BAD_CALLS],
                         ids=[c[0] for c in BAD_CALLS])
def test_bad_arguments_are_refused_before_any_work(call, error, message, isolated_cache):
    with pytest.raises(error, match=f"^{message}"):
        call()
    assert not isolated_cache.exists() or not [
        p for p in isolated_cache.iterdir() if p.suffix in (".pt", ".tmp")]


def test_a_train_that_returns_no_dict_is_named():
    with pytest.raises(TypeError, match="^train: expected a function that returns a dict"):
        cached_model("odd-meta", tiny, lambda model: [0.9])


def test_numpy_booleans_and_meta_are_accepted():
    model, meta = cached_model("np", tiny, lambda m: {"acc": np.float32(0.5)},
                               retrain=np.bool_(True))
    assert meta == {"acc": 0.5} and not model.training


# ---------------------------------------------------- read-only and shared caches

def _read_only(monkeypatch):
    """What a folder the user may not write does to genlab (the tests run as root,
    whom chmod does not stop): no lock file, no temporary file, not writable."""
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(cache, "_writable", lambda folder: False)
    monkeypatch.setattr(cache, "FileLock", refuse)
    monkeypatch.setattr(cache.tempfile, "mkstemp", refuse)


def test_a_read_only_cache_that_holds_the_entry_loads(monkeypatch):
    trained, _ = cached_model("shared", tiny, lambda m: {"by": "teacher"})
    _read_only(monkeypatch)
    model, meta = cached_model("shared", tiny, never)
    assert meta == {"by": "teacher"} and not model.training
    assert all(torch.equal(a, b) for a, b in zip(model.state_dict().values(),
                                                  trained.state_dict().values()))
    assert cache.load("shared", tiny()) == {"by": "teacher"}


def test_a_read_only_cache_without_the_entry_is_refused_before_training(monkeypatch):
    _read_only(monkeypatch)
    with pytest.raises(CacheError, match="not writable.*GENLAB_CACHE"):
        cached_model("missing", tiny, never)
    with pytest.raises(CacheError, match="not writable"):
        cached_model("missing", tiny, never, retrain=True)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_really_read_only_folder_loads(isolated_cache):
    cached_model("chmod", tiny, lambda m: {"v": 1})
    isolated_cache.chmod(0o555)
    try:
        assert cached_model("chmod", tiny, never)[1] == {"v": 1}
    finally:
        isolated_cache.chmod(0o755)


def test_a_lock_file_that_cannot_be_made_does_not_stop_training(monkeypatch):
    class Unmakeable:
        def __init__(self, path):
            pass

        def acquire(self):
            raise PermissionError(13, "Permission denied: a lock left by another user")

    monkeypatch.setattr(cache, "FileLock", Unmakeable)
    model, meta = cached_model("unlocked", tiny, lambda m: {"v": 2})
    assert meta == {"v": 2} and cache.load("unlocked", tiny()) == {"v": 2}


def test_a_cached_entry_loads_without_taking_the_lock(monkeypatch):
    cached_model("no-lock", tiny, lambda m: None)
    monkeypatch.setattr(cache, "FileLock", lambda *a: pytest.fail("took the lock"))
    assert cached_model("no-lock", tiny, never)[1] == {}


def test_saved_files_are_readable_by_the_class():
    path = cache.save("readable", tiny())
    assert path.stat().st_mode & 0o777 == 0o644


# ----------------------------------------------------- a failed save keeps the entry

@pytest.mark.parametrize("where", ["write", "replace"])
def test_a_failed_save_keeps_the_good_entry(monkeypatch, isolated_cache, where):
    cache.save("kept", tiny(), version=1)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(cache.torch if where == "write" else cache.os,
                        "save" if where == "write" else "replace", disk_full)
        with pytest.raises(OSError, match="No space left"):
            cache.save("kept", tiny(), version=2)
    assert cache.load("kept", tiny()) == {"version": 1}
    assert sorted(p.name for p in isolated_cache.iterdir()) == ["kept.pt"]


# ------------------------------------------------------- a load checks what it loads

def test_weights_that_do_not_fit_name_the_entry_and_leave_the_model_alone():
    cache.save("narrow", nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)))
    wide = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 5))
    before = snapshot(wide)
    with pytest.raises(CacheError, match=r"cached model 'narrow' .*do not fit this "
                                         r"Sequential.*other shapes: 2\.bias, 2\.weight"):
        cache.load("narrow", wide)
    assert unchanged(wide, before)  # the layer that fitted was not copied either
    with pytest.raises(CacheError, match="missing: 4.bias"):
        cache.load("narrow", nn.Sequential(*tiny(), nn.ReLU(), nn.Linear(2, 2)))


def test_non_finite_weights_are_refused():
    model = tiny()
    with torch.no_grad():
        model[0].weight[0, 0] = float("nan")
    cache.save("nan-weights", model)
    fresh = tiny()
    before = snapshot(fresh)
    with pytest.raises(CacheError, match="'nan-weights'.*NaN or infinite weights.*0.weight"):
        cache.load("nan-weights", fresh)
    assert unchanged(fresh, before)


@pytest.mark.parametrize("payload", [
    {"format": cache.FORMAT, "class": "Sequential", "meta": {}},
    {"format": cache.FORMAT, "class": "Sequential", "state_dict": {"w": 1}, "meta": {}},
    {"format": cache.FORMAT, "class": 3, "state_dict": {}, "meta": {}},
    {"format": cache.FORMAT, "class": "Sequential", "state_dict": {}, "meta": [1]}])
def test_a_damaged_file_is_a_clear_error(payload):
    torch.save(payload, cache.cache_path("damaged"))
    with pytest.raises(CacheError, match="cached model 'damaged' .*damaged.*Delete"):
        cache.load("damaged", tiny())


def test_a_corrupt_file_names_the_entry():
    cache.cache_path("torn").write_bytes(b"PK\x03\x04 a torn zip")
    with pytest.raises(CacheError, match="cached model 'torn' .*corrupt"):
        cache.load("torn", tiny())
