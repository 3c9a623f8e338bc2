"""genlab.pretrained: every public function refuses a bad argument up front, with an
error naming it, and leaves the caller's model as it was."""

import numpy as np
import pytest
import torch

from genlab import pretrained
from genlab.frame import Budget, History
from genlab.pretrained import Record

GAN, VAE, AE, JUDGE = (pretrained.GAN_NAME, pretrained.VAE_NAME,
                       pretrained.CONV_AUTOENCODER, pretrained.JUDGE)

# ------------------------------------------------------------------ entry names

BY_NAME = [pretrained.entry, pretrained.build, pretrained.build_discriminator,
           pretrained.manifest, pretrained.weights_path, pretrained.manifest_path,
           pretrained.check_recipe, pretrained.load_shipped, pretrained.load,
           pretrained.load_with_meta, pretrained.recorded_history]


@pytest.mark.parametrize("function", BY_NAME, ids=lambda f: f.__name__)
@pytest.mark.parametrize("name, error, says", [
    ("gan", ValueError, "^name: expected one of 'digit-judge-v2', .*'diffusion-digits-v3', "
                        "found str 'gan'"),
    ("", ValueError, "^name: expected one of"),
    (3, TypeError, "^name: expected the name of a shared model"),
    (None, TypeError, "^name: expected the name of a shared model"),
    ([GAN], TypeError, "^name: expected the name of a shared model")])
def test_an_unknown_name_lists_the_known_ones(function, name, error, says):
    with pytest.raises(error, match=says):
        function(name)


def test_a_numpy_string_names_an_entry():
    assert pretrained.entry(np.str_(GAN)) is pretrained.ENTRIES[GAN]
    assert pretrained.manifest(np.str_(GAN))["name"] == GAN


def test_only_a_gan_has_a_discriminator():
    with pytest.raises(ValueError, match=f"^name: expected a GAN, .*found '{VAE}', which "
                                         "is not a GAN"):
        pretrained.build_discriminator(VAE)


@pytest.mark.parametrize("options, error, says", [
    ({"retrain": "yes"}, TypeError, "^retrain: expected True or False"),
    ({"retrain": 1}, TypeError, "^retrain: expected True or False"),
    ({"progress": None}, TypeError, "^progress: expected True or False")])
@pytest.mark.parametrize("function", [pretrained.load, pretrained.load_with_meta],
                         ids=lambda f: f.__name__)
def test_load_checks_its_flags_before_any_work(function, options, error, says,
                                               monkeypatch):
    monkeypatch.setattr(pretrained.Entry, "train", lambda *a, **k: pytest.fail("trained"))
    monkeypatch.setattr(pretrained, "load_shipped", lambda *a: pytest.fail("loaded"))
    with pytest.raises(error, match=says):
        function(VAE, **options)


# ------------------------------------------------------------------- Entry.train

@pytest.fixture(scope="module")
def vae():
    return pretrained.build(VAE)


def _other_vae():
    return pretrained.entry(VAE)._build().__class__(latent_dim=3)


TRAIN_BAD = [
    ("model dict", lambda e, m: e.train({"w": 1}), TypeError, "^model: expected a torch"),
    ("model of another entry", lambda e, m: e.train(pretrained.build(AE)), TypeError,
     "^model: expected the VAE that entry"),
    ("model of other sizes", lambda e, m: e.train(_other_vae()), ValueError,
     "^model: expected a VAE with the sizes of vae-8-v3's recipe"),
    ("budget int", lambda e, m: e.train(m, 100), TypeError,
     r"^budget: expected a genlab.frame.Budget, e.g. Budget\(steps=300\), found int 100"),
    ("budget dict", lambda e, m: e.train(m, {"steps": 3}), TypeError, "^budget: expected"),
    ("progress", lambda e, m: e.train(m, Budget(steps=1), progress="no"), TypeError,
     "^progress: expected True or False"),
    ("hooks for a VAE", lambda e, m: e.train(m, Budget(steps=1), hooks=[print]),
     ValueError, "^hooks: expected none: vae-8-v3 is not a GAN"),
    ("one hook, not a list", lambda e, m: e.train(m, Budget(steps=1), hooks=print),
     TypeError, r"^hooks: expected a list of functions.*hooks=\[...\]"),
    ("hook not callable", lambda e, m: e.train(m, Budget(steps=1), hooks=["plot"]),
     TypeError, r"^hooks\[0\]: expected a function"),
    ("hooks a string", lambda e, m: e.train(m, Budget(steps=1), hooks="dashboard"),
     TypeError, "^hooks: expected a list of functions"),
]


@pytest.mark.parametrize("call, error, says", [c[1:] for c in TRAIN_BAD],
                         ids=[c[0] for c in TRAIN_BAD])
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_train_refuses_before_the_first_step_and_leaves_the_model(call, error, says,
                                                                   mode, vae, monkeypatch):
    entry = pretrained.entry(VAE)
    monkeypatch.setattr(type(entry), "_train", lambda *a: pytest.fail("training started"))
    vae.train(mode == "train")
    before = {k: v.clone() for k, v in vae.state_dict().items()}
    with pytest.raises(error, match=says):
        call(entry, vae)
    assert vae.training == (mode == "train")
    assert all(torch.equal(before[k], v) for k, v in vae.state_dict().items())


def test_a_gan_takes_a_list_of_hooks(monkeypatch):
    entry = pretrained.entry(GAN)
    seen = []
    monkeypatch.setattr(type(entry), "_train", lambda self, m, b, p, hooks: seen.append(hooks))
    entry.train(pretrained.build(GAN), Budget(steps=1), progress=np.bool_(False),
                hooks=(print, len))
    assert seen == [(print, len)]


# ---------------------------------------------------------- Entry.draw and .score

@pytest.fixture(scope="module")
def generator():
    return pretrained.build(GAN)


@pytest.mark.parametrize("args, error, says", [
    (("model", 2, torch.Generator()), TypeError, "^model: expected a torch"),
    ((None, 0, torch.Generator()), ValueError, "^n: expected a whole number at least 1"),
    ((None, -1, torch.Generator()), ValueError, "^n: expected a whole number"),
    ((None, 2.5, torch.Generator()), TypeError, "^n: expected a whole number"),
    ((None, "4", torch.Generator()), TypeError, "^n: expected a whole number"),
    ((None, 2, 0), TypeError, r"^generator: expected a torch.Generator \(or None\), found "
                              r"int 0; make one with torch.Generator\(\).manual_seed\(0\)"),
    ((None, 2, "seed"), TypeError, "^generator: expected a torch.Generator")])
@pytest.mark.parametrize("name", [GAN, pretrained.DIFFUSION])
def test_draw_refuses(name, args, error, says, generator):
    entry = pretrained.entry(name)
    model = pretrained.build(name) if name != GAN else generator
    model.eval()
    args = (model if args[0] is None else args[0],) + args[1:]
    with pytest.raises(error, match=says):
        entry.draw(*args)
    assert not model.training


def test_draw_accepts_numpy_counts_and_the_global_generator(generator):
    digits = pretrained.entry(GAN).draw(generator, np.int64(2), torch.Generator())
    assert digits.shape == (2, 1, 28, 28)
    assert pretrained.entry(GAN).draw(generator, 1, None).shape == (1, 1, 28, 28)


def test_the_judge_does_not_draw():
    entry = pretrained.entry(JUDGE)
    with pytest.raises(NotImplementedError, match="does not draw"):
        entry.draw(pretrained.build(JUDGE), 2, torch.Generator())


@pytest.mark.parametrize("args, error, says", [
    ((None, "judge"), TypeError, "^judge: expected a torch.nn.Module"),
    ((None, None), TypeError, "^judge: expected a torch.nn.Module"),
    ((None, torch.nn.Identity(), 0), ValueError, "^n: expected a whole number at least 1"),
    ((torch.nn.Identity(), torch.nn.Identity()), TypeError, "^model: expected the Generator"),
])
def test_score_refuses_before_drawing(args, error, says, generator, monkeypatch):
    monkeypatch.setattr(pretrained, "score_samples", lambda *a: pytest.fail("scored"))
    args = (generator if args[0] is None else args[0],) + args[1:]
    with pytest.raises(error, match=says):
        pretrained.entry(GAN).score(*args)


def test_the_judge_scores_itself_and_checks_its_model():
    with pytest.raises(TypeError, match="^model: expected the DigitCNN"):
        pretrained.entry(JUDGE).score(pretrained.build(GAN))


# ----------------------------------------------------------------------- records

def _record(**series):
    return Record(History(**series), steps=3, seconds=1.0, device="cpu", config={})


@pytest.mark.parametrize("record, error, says", [
    ("record", TypeError, "^record: expected the Record that entry.train"),
    (None, TypeError, "^record: expected the Record"),
    ({"history": {}}, TypeError, "^record: expected the Record"),
    (_record(d_loss=[1.0, 0.5]), ValueError,
     "^record: expected the record of a run of vae-8-v3 .*found one without train_loss, "
     "test_mse"),
    (_record(train_loss=[], test_mse=[]), ValueError, "^record: expected the record")])
def test_beside_shipped_checks_the_record(record, error, says, monkeypatch):
    monkeypatch.setattr(pretrained, "manifest", lambda name: pytest.fail("read"))
    with pytest.raises(error, match=says):
        pretrained.beside_shipped(VAE, record)


def test_record_from_dict_names_what_is_missing():
    with pytest.raises(TypeError, match="^values: expected a dict"):
        Record.from_dict([1, 2])
    with pytest.raises(ValueError, match=r"^values: expected a dict from Record\.as_dict\(\) "
                                         r"with .*found one without 'seconds', 'device'"):
        Record.from_dict({"history": {}, "steps": 1, "config": {}})
    record = _record(loss=[1.0, 0.5, 0.25])
    assert Record.from_dict(record.as_dict()).as_dict() == record.as_dict()
    with pytest.raises(ValueError, match="^points: expected a whole number at least 2"):
        record.as_dict(points=0)


# ----------------------------------------------------------------- train_all, ship

@pytest.mark.parametrize("options, error, says", [
    ({"names": GAN}, TypeError, r"^names: expected a list of model names.*use \[name\]"),
    ({"names": []}, ValueError, "^names: expected at least one model name"),
    ({"names": [GAN, 3]}, TypeError, r"^names\[1\]: expected the name of a shared model"),
    ({"names": ["gan"]}, ValueError, r"^names\[0\]: expected one of"),
    ({"names": [GAN], "progress": "no"}, TypeError, "^progress: expected True or False"),
    ({"names": [GAN], "folder": 3}, TypeError, "^folder: expected a path"),
    ({"names": [GAN], "folder": "FILE"}, ValueError, "^folder: expected a folder, found a "
                                                     "file")])
def test_train_all_checks_everything_before_training(options, error, says, tmp_path,
                                                     monkeypatch):
    monkeypatch.setattr(pretrained.Entry, "train", lambda *a, **k: pytest.fail("trained"))
    if options.get("folder") == "FILE":
        options["folder"] = tmp_path / "a-file"
        options["folder"].write_text("")
    with pytest.raises(error, match=says):
        pretrained.train_all(**options)


def test_train_all_loads_the_judge_before_training(monkeypatch, tmp_path):
    def broken(name):
        raise pretrained.ShippedModelError(f"{name}: altered")

    monkeypatch.setattr(pretrained, "load_shipped", broken)
    monkeypatch.setattr(pretrained.Entry, "train", lambda *a, **k: pytest.fail("trained"))
    with pytest.raises(pretrained.ShippedModelError, match="digit-judge-v2: altered"):
        pretrained.train_all([GAN], tmp_path)


@pytest.mark.parametrize("argv, says", [
    (["train-all", "--only", "gan"], "--only: invalid choice: 'gan'"),
    (["train-all", "--into", "FILE"], "--into: expected a folder, found a file"),
    (["retrain"], "invalid choice: 'retrain'")])
def test_the_command_line_refuses_bad_arguments(argv, says, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pretrained, "train_all", lambda *a: pytest.fail("trained"))
    (tmp_path / "a-file").write_text("")
    argv = [str(tmp_path / "a-file") if a == "FILE" else a for a in argv]
    with pytest.raises(SystemExit) as stop:
        pretrained.main(argv)
    assert stop.value.code == 2 and says in capsys.readouterr().err


def test_ship_checks_its_arguments(tmp_path, generator):
    record = _record(d_loss=[1.0])
    judge = torch.nn.Identity()
    with pytest.raises(TypeError, match="^model: expected the Generator"):
        pretrained.ship(GAN, pretrained.build(VAE), record, judge, tmp_path)
    with pytest.raises(TypeError, match="^record: expected the Record"):
        pretrained.ship(GAN, generator, record.as_dict(), judge, tmp_path)
    with pytest.raises(TypeError, match="^judge: expected a torch.nn.Module"):
        pretrained.ship(GAN, generator, record, "judge", tmp_path)
    with pytest.raises(TypeError, match="^folder: expected a path"):
        pretrained.ship(GAN, generator, record, judge, None)
    assert not list(tmp_path.iterdir())
