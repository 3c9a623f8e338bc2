"""The digit classifier, its training loop, evaluation, and the shipped judge."""

import matplotlib.pyplot as plt
import pytest
import torch

from genlab import judge
from genlab.data import load_digits
from genlab.models.cnn import DigitCNN, ExamplesNet, activations
from genlab.training import (History, confusion_matrix, evaluate, fit_classifier,
                             jitter_digits, predict)


@pytest.fixture(scope="module")
def small_sets():
    images, labels = load_digits("train")
    test_images, test_labels = load_digits("test")
    return (images[:640], labels[:640]), (test_images[:200], test_labels[:200])


@pytest.mark.parametrize("model_class", [DigitCNN, ExamplesNet])
def test_models_map_digits_to_ten_scores(model_class):
    assert model_class()(torch.rand(5, 1, 28, 28)).shape == (5, 10)


def test_penultimate_features():
    model = DigitCNN().eval()
    x = torch.rand(3, 1, 28, 28)
    features = model.features(x)
    assert features.shape == (3, 128) and (features >= 0).all()  # after a ReLU
    assert torch.allclose(model.classify(features), model(x))  # eval: dropout is off


@pytest.mark.parametrize("bad, error, message", [
    (torch.rand(5, 28, 28), ValueError, r"\(N, 1, 28, 28\).*unsqueeze"),
    (torch.rand(5, 3, 28, 28), ValueError, r"\(N, 1, 28, 28\)"),
    (torch.zeros(5, 1, 28, 28, dtype=torch.uint8), TypeError, r"^x: .*x\.float\(\) / 255"),
    ([[0.0]], TypeError, "expected a tensor")])
def test_models_reject_bad_input(bad, error, message):
    for model in (DigitCNN(), ExamplesNet()):
        with pytest.raises(error, match=message):
            model(bad)


def test_activations_name_every_layer():
    maps = activations(DigitCNN(), torch.rand(1, 1, 28, 28))
    assert [name for name, _ in maps] == [
        "conv 1 (16 maps, 28×28)", "conv 2 (16 maps, 28×28)", "max pool (16 maps, 14×14)",
        "conv 3 (32 maps, 14×14)", "conv 4 (32 maps, 14×14)", "max pool (32 maps, 7×7)"]


def test_training_learns_and_is_deterministic(small_sets):
    train, test = small_sets
    runs = []
    for global_seed in (123, 456):
        torch.manual_seed(0)
        model = DigitCNN()
        torch.manual_seed(global_seed)  # the run must depend on seed= alone
        history = fit_classifier(model, train, test, epochs=3, batch_size=64, lr=3e-3,
                                 augment=True, seed=1, progress=False)
        runs.append((model, history))
    (m1, h1), (m2, h2) = runs
    assert h1.test_accuracy == h2.test_accuracy
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(),
                                                  m2.state_dict().values()))
    assert h1.train_loss[-1] < h1.train_loss[0]
    assert h1.test_accuracy[-1] > 0.8  # 640 digits, 3 epochs: far above chance (0.1)
    assert not m1.training


def test_time_budget_stops_early(small_sets):
    train, _ = small_sets
    history = fit_classifier(DigitCNN(), train, epochs=50, max_seconds=0.5, progress=False)
    assert len(history.train_loss) < 50 and history.seconds[-1] < 5


def test_fit_classifier_bad_input(small_sets):
    (images, labels), _ = small_sets
    with pytest.raises(ValueError, match=r"^train\[1\]: expected 640 labels .*found 10"):
        fit_classifier(DigitCNN(), (images, labels[:10]), progress=False)
    with pytest.raises(ValueError, match="^epochs: expected a whole number at least 1"):
        fit_classifier(DigitCNN(), (images, labels), epochs=0, progress=False)
    with pytest.raises(ValueError, match=r"^train\[0\]: .*\(N, 1, 28, 28\)"):
        fit_classifier(DigitCNN(), (images[:, 0], labels), progress=False)


def test_history_plot():
    history = History(train_loss=[1.0, 0.5], train_accuracy=[0.5, 0.8],
                      test_loss=[0.9, 0.4], test_accuracy=[0.6, 0.9], seconds=[1.0, 2.0])
    fig = history.plot()
    assert len(fig.axes) == 2 and len(fig.axes[1].lines) == 2
    assert list(fig.axes[1].lines[1].get_ydata()) == [60.0, 90.0]
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy (%)"]
    plt.close(fig)
    history.append(train_loss=0.25)
    assert history.train_loss == [1.0, 0.5, 0.25]
    with pytest.raises(AttributeError, match="no series 'nope'"):
        history.nope


def test_jitter_moves_digits_a_little_and_reproducibly():
    images, _ = load_digits("test")
    x = images[:16]
    a = jitter_digits(x, torch.Generator().manual_seed(0))
    b = jitter_digits(x, torch.Generator().manual_seed(0))
    assert torch.equal(a, b) and a.shape == x.shape
    assert not torch.allclose(a, x)
    # Small moves: ink is kept (nothing falls off the 28x28 canvas) and stays in range.
    assert torch.allclose(a.sum((1, 2, 3)), x.sum((1, 2, 3)), rtol=0.25)
    assert a.min() >= 0 and a.max() <= 1 + 1e-5


def test_predict_evaluate_confusion():
    model = DigitCNN()
    images, labels = load_digits("test")
    probs = predict(model, images[:100])
    assert probs.shape == (100, 10) and torch.allclose(probs.sum(1), torch.ones(100))
    loss, accuracy = evaluate(model, images[:100], labels[:100])
    assert loss > 0 and 0 <= accuracy <= 1
    matrix = confusion_matrix(torch.tensor([0, 1, 1, 2]), torch.tensor([0, 1, 2, 2]), 3)
    assert matrix.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    with pytest.raises(ValueError, match="^labels: expected 2 labels"):
        confusion_matrix(torch.tensor([0, 1]), torch.tensor([0]))


def test_load_judge_gives_the_shipped_judge_frozen():
    first = judge.load_judge()
    second = judge.load_judge()
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(),
                                                  second.state_dict().values()))
    assert not second.training and not any(p.requires_grad for p in second.parameters())
    _, accuracy = evaluate(second, *load_digits("test"))
    assert accuracy > 0.98
