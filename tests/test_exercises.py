"""genlab.exercises: right answers pass, wrong ones say how, malformed ones never raise."""

import html
import math

import pytest
import torch

from genlab.exercises import Exercise, Feedback, integer_problem, tensor_problem
from genlab.exercises import autoencoders, conv, gans

MALFORMED = [None, ..., "13", [1, 2], {"a": 1}, object(), float("nan"), torch.zeros(2, 2),
             True, -math.inf, [[1, 2, 3], [4, 5]], "[[1,0,-1]]*3", torch.tensor([1.0]),
             lambda x: x]


def test_feedback_is_truthy_only_when_correct():
    assert Feedback(True, "yes") and not Feedback(False, "no")
    assert str(Feedback(False, "too big")) == "✗ Not yet: too big"
    assert "#1b7f3b" in Feedback(True, "fine")._repr_html_()


def test_feedback_html_escapes_the_message():
    html = Feedback(False, "<script>")._repr_html_()
    assert "&lt;script&gt;" in html and "<script>" not in html


ALL = [conv.output_size, conv.vertical_edges, conv.conv_parameters,
       autoencoders.compression_factor, autoencoders.mse_function,
       autoencoders.encoder_parameters, autoencoders.transposed_size,
       autoencoders.transposed_by_hand, autoencoders.even_overlap,
       autoencoders.effective_classes, autoencoders.fit_gaussian,
       autoencoders.kl_divergence, gans.confused_discriminator, gans.generator_loss,
       gans.optimal_discriminator, gans.push_ratio, gans.collapse_meter,
       gans.smoothed_target]


@pytest.mark.parametrize("exercise", ALL)
@pytest.mark.parametrize("answer", MALFORMED, ids=lambda a: type(a).__name__)
def test_malformed_answers_get_a_message_not_an_exception(exercise, answer):
    feedback = exercise.check(answer)
    assert isinstance(feedback, Feedback) and not feedback.correct
    assert len(feedback.message) > 10
    # A malformed answer is answered by the checker itself, not by the safety net.
    assert "could not be checked" not in feedback.message, feedback.message


def test_a_checker_that_raises_is_turned_into_feedback():
    def broken(answer):
        return answer["missing"]

    feedback = Exercise("q", broken, hint="h", solution="s").check({"other": 1})
    assert not feedback and "could not be checked (KeyError" in feedback.message


def test_no_answer_yet():
    feedback = conv.output_size.check(...)
    assert not feedback and "replace the ..." in feedback.message
    # the rendered book runs every exercise unanswered: a neutral state, not a failure
    assert feedback.waiting and str(feedback).startswith("✎ Your answer goes here")
    assert "#5f6368" in feedback._repr_html_() and "Not yet" not in feedback._repr_html_()
    wrong = conv.output_size.check(12)
    assert not wrong.waiting and "✗ Not yet" in wrong._repr_html_()


def test_hints_and_solutions_show_folded_until_opened():
    hint, solution = autoencoders.mse_function.hint(), autoencoders.mse_function.solution()
    for folded, summary in [(hint, "Show the hint"), (solution, "Show a worked solution")]:
        shown = folded._repr_html_()
        assert shown.startswith("<details") and "<details open" not in shown
        assert "<summary" in shown and summary in shown
        assert html.escape(str(folded)) in shown  # the whole text, inside the fold
    assert "&lt;" in Exercise("q", lambda a: None, hint="a<b", solution="s").hint()._repr_html_()


@pytest.mark.parametrize("wrong, says", [
    (lambda a, b: ((a - b) ** 2).sum(), "summed over the whole batch (.sum())"),
    (lambda a, b: ((a - b) ** 2).mean().sqrt(), "square root"),
    (lambda a, b: (a - b).mean(), "cancel"),
    (lambda a, b: (a - b).abs().mean(), "mean absolute difference"),
    (lambda a, b: ((a - b) ** 2).flatten(1).sum(1).mean(), "summed over the pixels of an image")])
def test_the_common_wrong_mean_squared_errors_are_named(wrong, says):
    feedback = autoencoders.mse_function.check(wrong)
    assert not feedback and says in feedback.message, feedback.message


@pytest.mark.parametrize("answer", [13, 13.0, torch.tensor(13)])
def test_output_size_right(answer):
    assert conv.output_size.check(answer)


@pytest.mark.parametrize("answer, says", [(24, "stride 1 without padding"),
                                          (26, "with padding but with stride 1"),
                                          (12, "count the first position"),
                                          (14, "rounds down"), (99, "too large"),
                                          (13.5, "whole number")])
def test_output_size_wrong_says_why(answer, says):
    feedback = conv.output_size.check(answer)
    assert not feedback and says in feedback.message


@pytest.mark.parametrize("answer", [
    torch.tensor([[1., 0, -1], [2, 0, -2], [1, 0, -1]]), [[1, 0, -1]] * 3,
    [[-1, 0, 1]] * 3, torch.tensor([[0., 1, -1]] * 3)])
def test_vertical_edges_right(answer):
    assert conv.vertical_edges.check(answer)


@pytest.mark.parametrize("answer, says", [
    (torch.ones(3, 3), "flat grey area"),
    (torch.tensor([[1., 2, 1], [0, 0, 0], [-1, -2, -1]]), "finds horizontal edges, not"),
    (torch.tensor([[2., 0, -1], [1, 0, -1], [0, 0, -1]]), "horizontal edges too"),
    (torch.zeros(3, 3), "does not respond"),
    (torch.zeros(5, 5), "expected shape (3, 3), got (5, 5)"),
    ("sobel", "expected a tensor"),
    (torch.tensor([[float("nan")] * 3] * 3), "NaN")])
def test_vertical_edges_wrong_says_why(answer, says):
    feedback = conv.vertical_edges.check(answer)
    assert not feedback and says in feedback.message


def test_conv_parameters():
    assert conv.conv_parameters.check(4640)
    assert sum(p.numel() for p in torch.nn.Conv2d(16, 32, 3).parameters()) == 4640
    assert "biases" in conv.conv_parameters.check(4608).message
    assert "16x3x3" in conv.conv_parameters.check(320).message


@pytest.mark.parametrize("exercise", ALL)
def test_hint_and_solution_are_text(exercise):
    assert exercise.hint().startswith("Hint: ") and len(exercise.hint()) > 40
    assert repr(exercise.solution()).startswith("Solution:\n")


def test_helpers():
    assert integer_problem(7, 7) is None
    assert integer_problem(True, 1).startswith("expected a whole number")
    assert "too small" in integer_problem(3, 7, unit="px")
    assert tensor_problem([[1, 2], [3, 4]], (2, 2)) is None
    assert "could not turn the list" in tensor_problem([[1, 2], [3]], (2, 2))


@pytest.mark.parametrize("exercise, right, wrong, says", [
    (autoencoders.compression_factor, 98, 784, "divide by the 8"),
    (autoencoders.mse_function, lambda a, b: ((a - b) ** 2).mean(),
     lambda a, b: (a - b).abs().mean(), "square the differences"),
    (autoencoders.encoder_parameters, 217538, 217216, "not the biases"),
    (autoencoders.transposed_size, 12, 14, "forgot the padding"),
    (autoencoders.transposed_by_hand, [[1, 1, 2, 2], [1, 1, 2, 2]], [[1, 2, 3], [1, 2, 3]],
     "do not overlap"),
    (autoencoders.even_overlap, 6, 3, "not a multiple"),
    (autoencoders.effective_classes, 2, 0.6931, "exp(entropy)"),
    (autoencoders.fit_gaussian, lambda z: (z.mean(0), torch.cov(z.T)),
     lambda z: (z.mean(0), torch.diag(z.var(0))), "only the diagonal"),
    (autoencoders.kl_divergence, 0.5, 1.0, "factor 1/2"),
])
def test_autoencoder_exercises_right_and_wrong(exercise, right, wrong, says):
    assert exercise.check(right)
    feedback = exercise.check(wrong)
    assert not feedback and says in feedback.message


def test_numpy_answers_count():
    import numpy as np

    assert conv.conv_parameters.check(np.prod([32, 145]))
    assert conv.output_size.check(np.float32(13.0))
    assert autoencoders.kl_divergence.check(np.float32(0.5))
    assert autoencoders.effective_classes.check(np.array(2.0))


@pytest.mark.parametrize("exercise, right, wrong, says", [
    (gans.confused_discriminator, 2 * math.log(2), math.log(2), "adds its loss"),
    (gans.confused_discriminator, 1.386, 0.5, "the discriminator's output"),
    (gans.optimal_discriminator, 0.75, 0.25, "too small"),
    (gans.push_ratio, 99, 100, "too large"),
    (gans.collapse_meter, 1.84, 2, "equally often"),
    (gans.smoothed_target, 0.9, 1.0, "too large")])
def test_gan_numeric_answers(exercise, right, wrong, says):
    assert exercise.check(right)
    feedback = exercise.check(wrong)
    assert not feedback and says in feedback.message


def test_generator_loss_function():
    import torch.nn.functional as F

    assert gans.generator_loss.check(
        lambda logits: F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits)))
    assert gans.generator_loss.check(lambda logits: -torch.sigmoid(logits).log().mean())
    saturating = gans.generator_loss.check(
        lambda logits: torch.log(1 - torch.sigmoid(logits)).mean())
    assert not saturating and "saturating" in saturating.message
    flipped = gans.generator_loss.check(lambda logits: torch.sigmoid(logits).log().mean())
    assert not flipped and "sign" in flipped.message
    summed = gans.generator_loss.check(lambda logits: -torch.sigmoid(logits).log())
    assert not summed and "mean over the batch" in summed.message
    assert "return statement" in gans.generator_loss.check(lambda logits: None).message
    assert "raised ZeroDivisionError" in gans.generator_loss.check(lambda logits: 1 / 0).message


def _penalty(norms_of, reduce=lambda d: (d ** 2).mean(), score=lambda s: s.sum()):
    """A reader's gradient penalty, with a slip where the arguments say."""
    def penalty(critic, between):
        grad, = torch.autograd.grad(score(critic(between)), between)
        return reduce(norms_of(grad) - 1)
    return penalty


def test_gradient_penalty_function_names_the_likely_slips():
    per_image = lambda g: g.flatten(1).norm(dim=1)  # noqa: E731
    right = gans.gradient_penalty.check(_penalty(per_image))
    assert right, right
    # create_graph=True, as in training, is right too
    assert gans.gradient_penalty.check(lambda c, x: ((torch.autograd.grad(
        c(x).sum(), x, create_graph=True)[0].flatten(1).norm(dim=1) - 1) ** 2).mean())
    for slip, says in [
            (_penalty(lambda g: g.norm()), "one norm per image"),
            (_penalty(lambda g: g.flatten(1).pow(2).sum(1)), "the norm itself"),
            (_penalty(per_image, reduce=lambda d: d.mean()), "square each image's distance"),
            (_penalty(per_image, reduce=lambda d: d.abs().mean()), "absolute value"),
            (_penalty(per_image, reduce=lambda d: (d ** 2).sum()), "take the mean"),
            (_penalty(per_image, reduce=lambda d: (d.clamp(min=0) ** 2).mean()), "one-sided"),
            (_penalty(per_image, score=lambda s: s.mean()), "not their mean"),
            (_penalty(per_image, reduce=lambda d: (d ** 2).mean() + 0.1), "expected")]:
        feedback = gans.gradient_penalty.check(slip)
        assert not feedback and says in feedback.message, (says, feedback.message)
    # the checker leaves torch's global random numbers as it found them
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    gans.gradient_penalty.check(_penalty(per_image))
    assert torch.equal(torch.rand(3), expected)


def test_a_function_left_as_the_chapter_wrote_it_is_waiting_not_wrong():
    def generator_loss(fake_logits):
        ...  # your code

    def forgot_to_return(fake_logits):
        fake_logits.mean()

    waiting = gans.generator_loss.check(generator_loss)
    assert not waiting and waiting.waiting
    wrong = gans.generator_loss.check(forgot_to_return)
    assert not wrong and not wrong.waiting and "return statement" in wrong.message
