"""The style-based generator: mapping, AdaIN, per-layer styles, mixing, truncation."""

import copy

import pytest
import torch

from genlab import pretrained
from genlab.adversarial import train_gan
from genlab.data import load_digits
from genlab.models.gan import Discriminator
from genlab.models.stylegan import RESOLUTIONS, StyledLayer, StyleGenerator
from genlab.flipbook import TWIN_CLASS
from genlab.widgets import style_mixer, style_mixing_gallery


@pytest.fixture(scope="module")
def trained():
    """A tiny style-based generator after a few steps, so its styles matter."""
    torch.manual_seed(0)
    generator = StyleGenerator(noise_dim=8, style_dim=16, width=16)
    train_gan(generator, Discriminator(8), load_digits("train")[0][:256], steps=15,
              batch_size=32, progress=False)
    return generator.eval()


def test_shapes_and_the_layer_sizes():
    generator = StyleGenerator(noise_dim=8, style_dim=16, width=16)
    images = generator(torch.randn(3, 8))
    assert images.shape == (3, 1, 28, 28) and images.abs().max() <= 1
    sizes, x = [], generator.constant.expand(2, -1, -1, -1)
    w = generator.styles(torch.randn(2, 8))
    for layer in generator.layers:
        x = layer(x, w)
        sizes.append(x.shape[-1])
    assert tuple(sizes) == RESOLUTIONS
    with pytest.raises(ValueError, match=r"\(N, 8\)"):
        generator(torch.randn(3, 9))
    with pytest.raises(ValueError, match="unconditional"):
        generator(torch.randn(3, 8), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match=r"\(N, 6, 16\)"):
        generator.synthesize(torch.randn(2, 5, 16))


def test_adain_sets_each_channels_statistics_from_the_style():
    layer = StyledLayer(4, 4, style_dim=3)
    with torch.no_grad():
        layer.style.weight.zero_()
        layer.style.bias.copy_(torch.tensor([0.5, -0.5, 0.0, 1.0, 2.0, -1.0, 0.0, 3.0]))
    out = layer(torch.randn(2, 4, 7, 7) * 5 + 3, torch.randn(2, 3))
    spread = out.std(dim=(2, 3), unbiased=False)
    mean = out.mean(dim=(2, 3))
    assert torch.allclose(spread, torch.tensor([1.5, 0.5, 1.0, 2.0]).expand(2, 4), atol=1e-2)
    assert torch.allclose(mean, torch.tensor([2.0, -1.0, 0.0, 3.0]).expand(2, 4), atol=1e-4)


def test_mixing_takes_coarse_layers_from_one_style_and_fine_from_the_other(trained):
    a, b = torch.randn(2, 1, 8, generator=torch.Generator().manual_seed(3))
    draw = lambda zc, zf, c: trained.mix(zc, zf, c, generator=torch.Generator().manual_seed(0))
    assert torch.equal(draw(a, b, 6), draw(a, a, 0))       # all layers from a
    assert torch.equal(draw(a, b, 0), draw(b, b, 0))       # all layers from b
    middle = draw(a, b, 3)
    assert not torch.equal(middle, draw(a, a, 0)) and not torch.equal(middle, draw(b, b, 0))
    with pytest.raises(ValueError, match="crossover"):
        trained.mix(a, b, 7)


def test_truncation_pulls_styles_to_the_average(trained):
    w = trained.styles(torch.randn(50, 8))
    assert torch.equal(trained.truncate(w, 1.0), w)
    assert torch.allclose(trained.truncate(w, 0.0), trained.w_average.expand_as(w))
    half = trained.truncate(w, 0.5)
    assert torch.allclose((half - trained.w_average).norm(dim=1),
                          0.5 * (w - trained.w_average).norm(dim=1), atol=1e-5)
    assert trained.w_average.abs().sum() > 0  # the running mean was kept in training
    quiet = copy.deepcopy(trained)
    for layer in quiet.layers:
        layer.noise_strength.data.zero_()  # only the styles differ now
    same = quiet.sample(4, torch.Generator().manual_seed(0), psi=0.0)
    assert (same - same[:1]).abs().max() < 1e-5  # psi 0: the average digit, every time
    varied = quiet.sample(4, torch.Generator().manual_seed(0), psi=1.0)
    assert (varied - varied[:1]).abs().max() > 1e-3
    with pytest.raises(ValueError, match="psi"):
        trained.truncate(w, 1.5)


def test_per_pixel_noise_is_seeded(trained):
    z = torch.randn(2, 8)
    first = trained.decode(z, generator=torch.Generator().manual_seed(1))
    again = trained.decode(z, generator=torch.Generator().manual_seed(1))
    assert torch.equal(first, again)


def test_the_mapping_network_learns_at_its_own_rate():
    """The optimiser's group for the mapping network runs at ``mapping_lr`` times the
    generator's rate, cool-down and all; the other layers at the full rate."""
    torch.manual_seed(0)
    generator = StyleGenerator(noise_dim=8, style_dim=16, width=16, mapping_lr=0.01)
    rest, mapping = generator.parameter_groups()
    assert {id(p) for p in mapping["params"]} == {id(p) for p in generator.mapping.parameters()}
    assert len(rest["params"]) + len(mapping["params"]) == len(list(generator.parameters()))
    seen = []
    real_adam = torch.optim.Adam

    def watching_adam(params, **kwargs):
        optimiser = real_adam(params, **kwargs)
        seen.append(optimiser)
        return optimiser

    before = [p.detach().clone() for p in generator.mapping.parameters()]
    try:
        torch.optim.Adam = watching_adam
        train_gan(generator, Discriminator(8), load_digits("train")[0][:64], steps=3,
                  batch_size=32, lr_g=1e-3, cooldown=0, progress=False)
    finally:
        torch.optim.Adam = real_adam
    rates = [group["lr"] for group in seen[0].param_groups]
    assert rates == [pytest.approx(1e-3), pytest.approx(1e-5)]
    moved = max((p - q).abs().max().item() for p, q in zip(generator.mapping.parameters(),
                                                             before))
    assert 0 < moved < 1e-4  # Adam's steps are about the rate: 3 of 1e-5 at most
    assert pretrained.build(pretrained.STYLE_GAN).mapping_lr == 0.01  # the shipped recipe


def test_the_recipe_builds_a_style_generator_beside_the_books_discriminator():
    generator = pretrained.build(pretrained.STYLE_GAN)
    assert isinstance(generator, StyleGenerator)
    assert generator.noise_dim == pretrained.entry(pretrained.STYLE_GAN).recipe.noise_dim
    discriminator = pretrained.build_discriminator(pretrained.STYLE_GAN)
    assert discriminator(generator(torch.randn(4, generator.noise_dim))).shape == (4,)


def test_the_mixing_widgets_live_and_kernel_free(trained):
    live = style_mixer(trained, seed=2, sources=3)
    before = live.picture.value
    live.controls[2].value = 0
    assert live.picture.value != before  # the live widget redraws
    twin = style_mixing_gallery(trained, seed=2, sources=2)
    assert TWIN_CLASS in twin._repr_html_()
    assert [c.description for c in twin.controls] == ["coarse from", "fine from", "crossover"]
    assert len(twin.frames) == 2 * 2 * (trained.num_layers + 1)
    assert len(set(twin.frames)) > 2 * 2  # the crossover changes the picture


def test_the_exercises_accept_right_answers_and_explain_wrong_ones():
    from genlab.exercises import beyond

    assert beyond.adain_statistics.check((-1, 1.5))
    assert "wiped out" in beyond.adain_statistics.check((0.5, 3)).message
    assert beyond.truncation_distance.check(0.7)
    right = lambda c, f, k: torch.stack([c if i < k else f for i in range(6)])
    assert beyond.mix_styles.check(right)
    assert "swapped" in beyond.mix_styles.check(lambda c, f, k: right(f, c, k)).message
    assert "return" in beyond.mix_styles.check(lambda c, f, k: None).message
    assert beyond.clean_guess.check(lambda x, v, t: x - t * v)
    assert "sign" in beyond.clean_guess.check(lambda x, v, t: x + t * v).message
    assert beyond.noisy_pixel.check(0.2) and not beyond.noisy_pixel.check(0.45)
    assert beyond.sampling_cost.check(400) and beyond.two_digits.check(2)
    assert beyond.guided_velocity.check(0.7) and not beyond.guided_velocity.check(0.4)
    assert "difference" in beyond.guided_velocity.check(0.9).message
    assert "two digits" in beyond.two_digits.check(10).message
    assert beyond.memoriser.check("Precision") and not beyond.memoriser.check("recall")
