"""genlab.cache: atomic saves, checked loads, train-once-then-load, clear errors."""

import multiprocessing as mp
import os

import pytest
import torch
from torch import nn

from genlab import cache
from genlab.cache import CacheError, cached_model


def tiny():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def test_cache_dir_follows_the_environment_variable(isolated_cache):
    assert cache.cache_dir() == isolated_cache and isolated_cache.is_dir()


def test_cache_dir_defaults_under_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv("GENLAB_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "genlab"


def test_unwritable_cache_dir_is_a_clear_error(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("GENLAB_CACHE", str(blocker / "cache"))
    with pytest.raises(CacheError, match="GENLAB_CACHE .*writable"):
        cache.cache_dir()


def test_save_then_load_round_trip():
    model = tiny()
    with torch.no_grad():
        model[0].weight.add_(1.5)
    cache.save("tiny", model, accuracy=0.93, note="hello", sizes=[1, 2])
    fresh = tiny()
    meta = cache.load("tiny", fresh)
    assert meta == {"accuracy": 0.93, "note": "hello", "sizes": [1, 2]}
    for a, b in zip(model.state_dict().values(), fresh.state_dict().values()):
        assert torch.equal(a, b)


def test_cached_model_trains_once_then_loads():
    calls = []

    def train(model):
        calls.append(1)
        with torch.no_grad():
            model[2].bias.fill_(7.0)
        return {"epochs": 3}

    first, meta1 = cached_model("trained-once", tiny, train)
    second, meta2 = cached_model("trained-once", tiny, train)
    assert len(calls) == 1
    assert meta1 == meta2 == {"epochs": 3}
    assert torch.equal(second[2].bias, torch.full((2,), 7.0))
    assert not second.training
    cached_model("trained-once", tiny, train, retrain=True)
    assert len(calls) == 2


@pytest.mark.parametrize("content", [b"", b"garbage bytes, not a torch file",
                                     b"PK\x03\x04 a torn zip"])
def test_corrupt_file_is_a_clear_error(content):
    cache.cache_path("broken").write_bytes(content)
    with pytest.raises(CacheError, match="corrupt or unreadable.*Delete .*broken.pt"):
        cache.load("broken", tiny())
    with pytest.raises(CacheError):  # cached_model does not silently retrain over it
        cached_model("broken", tiny, lambda m: None)


def test_pickled_code_is_refused():
    # weights_only=True: a file that needs arbitrary unpickling is refused, not run.
    torch.save({"format": cache.FORMAT, "fn": os.getcwd}, cache.cache_path("evil"))
    with pytest.raises(CacheError, match="corrupt or unreadable"):
        cache.load("evil", tiny())


def test_foreign_file_is_rejected():
    torch.save({"weights": torch.zeros(2)}, cache.cache_path("foreign"))
    with pytest.raises(CacheError, match="not a genlab cache file"):
        cache.load("foreign", tiny())


def test_mismatched_architecture_is_a_clear_error():
    cache.save("shape", tiny())
    other = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(CacheError, match="do not fit this Sequential"):
        cache.load("shape", other)
    with pytest.raises(CacheError, match="holds a Sequential, not a Linear"):
        cache.load("shape", nn.Linear(4, 3))


def test_missing_entry_raises_file_not_found():
    with pytest.raises(FileNotFoundError, match="no cached model 'absent'"):
        cache.load("absent", tiny())


@pytest.mark.parametrize("name, error", [("", ValueError), ("../escape", ValueError),
                                         ("a/b", ValueError), (".hidden", ValueError),
                                         (3, TypeError)])
def test_invalid_names(name, error):
    with pytest.raises(error, match="^name: expected"):
        cache.cache_path(name)


def test_failed_write_leaves_the_old_file_and_no_temporary(monkeypatch):
    cache.save("kept", tiny(), version=1)

    def crash(payload, file):
        file.write(b"half a file")
        raise KeyboardInterrupt  # the reader pressed stop mid-write

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(cache.torch, "save", crash)
        cache.save("kept", tiny(), version=2)
    assert cache.load("kept", tiny()) == {"version": 1}
    assert [p.name for p in cache.cache_dir().iterdir()] == ["kept.pt"]


def _writer(folder, value, rounds):
    os.environ["GENLAB_CACHE"] = folder
    model = nn.Linear(256, 256)
    with torch.no_grad():
        model.weight.fill_(value)
    for _ in range(rounds):
        cache.save("shared", model, value=value)


def test_concurrent_writers_never_expose_a_half_written_file(isolated_cache):
    """Two processes overwrite the same entry while this one keeps loading it."""
    cache.save("shared", nn.Linear(256, 256), value=-1.0)
    ctx = mp.get_context("spawn")
    writers = [ctx.Process(target=_writer, args=(str(isolated_cache), v, 40))
               for v in (1.0, 2.0)]
    for w in writers:
        w.start()
    loads = 0
    reader = nn.Linear(256, 256)
    while any(w.is_alive() for w in writers) or loads < 5:
        meta = cache.load("shared", reader)  # raises CacheError on a torn file
        assert reader.weight.unique().tolist() == [meta["value"]] or meta["value"] == -1.0
        loads += 1
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert loads >= 5
    assert sorted(p.name for p in isolated_cache.iterdir()) == ["shared.pt"]


def _slow_training(model, log):
    """A 'training' that takes a second and leaves a line in ``log`` per call."""
    import time

    with open(log, "a") as file:
        file.write(f"{os.getpid()}\n")
    time.sleep(1.0)
    with torch.no_grad():
        model[0].weight.fill_(0.5)
    return {"trained_by": os.getpid()}


def _loader(folder, log, barrier):
    import functools

    os.environ["GENLAB_CACHE"] = folder
    barrier.wait()  # both processes miss the cache at the same moment
    _, meta = cached_model("contested", tiny, functools.partial(_slow_training, log=log))
    assert meta["trained_by"] > 0


def test_two_processes_missing_a_model_train_it_once(isolated_cache, tmp_path):
    """Both find it missing; one trains, the other waits on the lock and loads it."""
    log = tmp_path / "trainings.log"
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    loaders = [ctx.Process(target=_loader, args=(str(isolated_cache), str(log), barrier))
               for _ in range(2)]
    for process in loaders:
        process.start()
    for process in loaders:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert len(log.read_text().split()) == 1, "the model was trained more than once"
    model, _ = cached_model("contested", tiny, lambda m: pytest.fail("trained again"))
    assert model[0].weight.unique().tolist() == [0.5]


def test_numpy_meta_is_stored_as_plain_numbers():
    import numpy as np

    cache.save("np-meta", tiny(), accuracy=np.float64(0.9), epochs=np.int64(3),
               curve=[np.float32(0.5), 0.25], nested={"t": torch.tensor(2.0)})
    meta = cache.load("np-meta", tiny())
    assert meta == {"accuracy": 0.9, "epochs": 3, "curve": [0.5, 0.25], "nested": {"t": 2.0}}
    assert type(meta["epochs"]) is int
    with pytest.raises(TypeError, match=r"^meta\['weights'\]: expected numbers"):
        cache.save("bad-meta", tiny(), weights=torch.zeros(3))
