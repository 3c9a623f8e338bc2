"""Every model of genlab refuses bad input up front, naming the argument (issue 15).

One table per model family: the call, the error type, and the start of the message
(the argument's name, then "expected"). A refused call leaves the model as it was.
"""

import numpy as np
import pytest
import torch

from genlab.models.autoencoders import VAE, ConvAutoencoder, DenseAutoencoder, conv_decoder
from genlab.models.cnn import DigitCNN, ExamplesNet, activations
from genlab.models.gan import Discriminator, Generator, to_signed_range, to_unit_range
from genlab.models.stylegan import StyleGenerator
from genlab.models.unet import DenoisingUNet, check_noise_levels, time_features

DIGITS = torch.rand(2, 1, 28, 28)
NAN_DIGITS = DIGITS.clone().index_fill_(0, torch.tensor([1]), float("nan"))
BYTES = (DIGITS * 255).round()


def _cases(table):
    return pytest.mark.parametrize("call, error, name", table,
                                   ids=[f"{i}-{row[2]}" for i, row in enumerate(table)])


def _refused(call, error, name):
    with pytest.raises(error, match=rf"^{name}: expected"):
        call()


CNN = DigitCNN().eval()
CLASSIFIER_CASES = [
    (lambda: CNN(DIGITS[:, 0]), ValueError, "x"),
    (lambda: CNN(DIGITS.view(2, 784)), ValueError, "x"),
    (lambda: CNN(torch.rand(0, 1, 28, 28)), ValueError, "x"),
    (lambda: CNN((DIGITS * 255).byte()), TypeError, "x"),
    (lambda: CNN(BYTES), ValueError, "x"),
    (lambda: CNN(NAN_DIGITS), ValueError, "x"),
    (lambda: CNN(DIGITS.tolist()), TypeError, "x"),
    (lambda: CNN.features(DIGITS * 2 - 1), ValueError, "x"),
    (lambda: ExamplesNet()(NAN_DIGITS), ValueError, "x"),
    (lambda: activations(CNN, BYTES), ValueError, "x"),
    (lambda: DigitCNN(width=0), ValueError, "width"),
    (lambda: DigitCNN(width=16.0), TypeError, "width"),
    (lambda: DigitCNN(dropout=1.0), ValueError, "dropout"),
    (lambda: DigitCNN(dropout=float("nan")), ValueError, "dropout"),
]


@_cases(CLASSIFIER_CASES)
def test_classifiers_refuse(call, error, name):
    _refused(call, error, name)


AE = ConvAutoencoder(latent_dim=4, width=8).eval()
VARIATIONAL = VAE(latent_dim=4, width=8).eval()
AUTOENCODER_CASES = [
    (lambda: AE(BYTES), ValueError, "x"),
    (lambda: AE.encode(NAN_DIGITS), ValueError, "x"),
    (lambda: AE.encode(DIGITS * 2 - 1), ValueError, "x"),
    (lambda: AE.decode(torch.zeros(4)), ValueError, "z"),
    (lambda: AE.decode(torch.zeros(2, 5)), ValueError, "z"),
    (lambda: AE.decode(torch.full((2, 4), float("inf"))), ValueError, "z"),
    (lambda: AE.decode(torch.zeros(2, 4, dtype=torch.long)), TypeError, "z"),
    (lambda: AE.training_loss(NAN_DIGITS), ValueError, "x"),
    (lambda: VARIATIONAL.training_loss(BYTES), ValueError, "x"),
    (lambda: VARIATIONAL.sample(0), ValueError, "n"),
    (lambda: VARIATIONAL.sample(2.5), TypeError, "n"),
    (lambda: DenseAutoencoder(latent_dim=0), ValueError, "latent_dim"),
    (lambda: ConvAutoencoder(kernel_size=5), ValueError, "kernel_size"),
    (lambda: ConvAutoencoder(width=1), ValueError, "width"),
    (lambda: conv_decoder(4, 8, kernel_size=2), ValueError, "kernel_size"),
    (lambda: VAE(beta=-1), ValueError, "beta"),
    (lambda: VAE(beta=float("inf")), ValueError, "beta"),
]


@_cases(AUTOENCODER_CASES)
def test_autoencoders_refuse(call, error, name):
    _refused(call, error, name)


G = Generator(noise_dim=8, width=8).eval()
CG = Generator(noise_dim=8, width=8, classes=10).eval()
D = Discriminator(width=8).eval()
CD = Discriminator(width=8, classes=10).eval()
SIGNED_DIGITS = DIGITS * 2 - 1
GAN_CASES = [
    (lambda: G(torch.zeros(2, 9)), ValueError, "z"),
    (lambda: G(torch.zeros(8)), ValueError, "z"),
    (lambda: G(torch.full((2, 8), float("nan"))), ValueError, "z"),
    (lambda: G(torch.zeros(2, 8), torch.tensor([1, 2])), ValueError, "labels"),
    (lambda: CG(torch.zeros(2, 8)), ValueError, "labels"),
    (lambda: CG(torch.zeros(2, 8), torch.tensor([1, 12])), ValueError, "labels"),
    (lambda: CG(torch.zeros(2, 8), torch.tensor([1.0, 2.0])), TypeError, "labels"),
    (lambda: CG(torch.zeros(2, 8), torch.tensor([1, 2, 3])), ValueError, "labels"),
    (lambda: G.sample(0), ValueError, "n"),
    (lambda: G.sample(True), TypeError, "n"),
    (lambda: CG.sample(3, labels=torch.tensor([1, 2])), ValueError, "labels"),
    (lambda: G.decode(torch.zeros(2, 3)), ValueError, "z"),
    (lambda: D(DIGITS[:, 0]), ValueError, "x"),
    (lambda: D(BYTES), ValueError, "x"),
    (lambda: D(NAN_DIGITS), ValueError, "x"),
    (lambda: D(SIGNED_DIGITS, torch.tensor([0, 1])), ValueError, "labels"),
    (lambda: CD(SIGNED_DIGITS), ValueError, "labels"),
    (lambda: CD(SIGNED_DIGITS, torch.tensor([0, 10])), ValueError, "labels"),
    (lambda: to_signed_range(BYTES), ValueError, "images"),
    (lambda: to_signed_range(NAN_DIGITS), ValueError, "images"),
    (lambda: to_unit_range(NAN_DIGITS), ValueError, "images"),
    (lambda: to_unit_range("images"), TypeError, "images"),
    (lambda: Generator(noise_dim=0), ValueError, "noise_dim"),
    (lambda: Generator(classes=-1), ValueError, "classes"),
    (lambda: Discriminator(width=0), ValueError, "width"),
    (lambda: Discriminator(spread_within_labels="yes"), TypeError, "spread_within_labels"),
]


@_cases(GAN_CASES)
def test_gans_refuse(call, error, name):
    _refused(call, error, name)


STYLE = StyleGenerator(noise_dim=8, style_dim=8, width=8).eval()
Z = torch.zeros(2, 8)
STYLE_CASES = [
    (lambda: STYLE(torch.zeros(2, 9)), ValueError, "z"),
    (lambda: STYLE(Z, torch.tensor([1, 2])), ValueError, "labels"),
    (lambda: STYLE.synthesize(torch.zeros(2, 3, 8)), ValueError, "ws"),
    (lambda: STYLE.synthesize(torch.full((2, 8), float("nan"))), ValueError, "ws"),
    (lambda: STYLE.synthesize("styles"), TypeError, "ws"),
    (lambda: STYLE.truncate(Z, 1.5), ValueError, "psi"),
    (lambda: STYLE.truncate(Z, float("nan")), ValueError, "psi"),
    (lambda: STYLE.mix(Z, Z, crossover=7), ValueError, "crossover"),
    (lambda: STYLE.mix(Z, Z, crossover=2.0), TypeError, "crossover"),
    (lambda: STYLE.mix(Z, torch.zeros(3, 8)), ValueError, "z_fine"),
    (lambda: STYLE.mix(torch.zeros(2, 7), Z), ValueError, "z_coarse"),
    (lambda: STYLE.decode(Z, psi=-0.1), ValueError, "psi"),
    (lambda: STYLE.decode(Z, torch.tensor([1, 2])), ValueError, "labels"),
    (lambda: STYLE.sample(-1), ValueError, "n"),
    (lambda: STYLE.sample(2, psi=2), ValueError, "psi"),
    (lambda: StyleGenerator(width=2), ValueError, "width"),
    (lambda: StyleGenerator(mixing=1.5), ValueError, "mixing"),
    (lambda: StyleGenerator(mapping_lr=0), ValueError, "mapping_lr"),
    (lambda: StyleGenerator(mapping_lr="0.01"), TypeError, "mapping_lr"),
]


@_cases(STYLE_CASES)
def test_style_generator_refuses(call, error, name):
    _refused(call, error, name)


UNET = DenoisingUNet(channels=(8, 16)).eval()
CUNET = DenoisingUNet(channels=(8, 16), classes=10).eval()
T = torch.tensor([0.2, 0.9])
DENOISER_CASES = [
    (lambda: UNET(DIGITS[:, 0], T), ValueError, "x"),
    (lambda: UNET(NAN_DIGITS, T), ValueError, "x"),
    (lambda: UNET(DIGITS, torch.tensor([0.2, 1.5])), ValueError, "t"),
    (lambda: UNET(DIGITS, torch.tensor([0.2, float("nan")])), ValueError, "t"),
    (lambda: UNET(DIGITS, torch.tensor([0.2, 0.3, 0.4])), ValueError, "t"),
    (lambda: UNET(DIGITS, "t"), TypeError, "t"),
    (lambda: UNET(DIGITS, T, torch.tensor([1, 2])), ValueError, "labels"),
    (lambda: CUNET(DIGITS, T, torch.tensor([1, 10])), ValueError, "labels"),
    (lambda: CUNET(DIGITS, T, torch.tensor([-2, 1])), ValueError, "labels"),
    (lambda: CUNET(DIGITS, T, torch.tensor([1.0, 2.0])), TypeError, "labels"),
    (lambda: check_noise_levels(torch.tensor([1, 0]), 2), TypeError, "t"),
    (lambda: time_features(T, 7), ValueError, "size"),
    (lambda: time_features(T, 0), ValueError, "size"),
    (lambda: DenoisingUNet(channels=(8,)), ValueError, "channels"),
    (lambda: DenoisingUNet(channels=(8, 16, 32, 64)), ValueError, "channels"),
    (lambda: DenoisingUNet(channels=(8, 0)), ValueError, r"channels\[1\]"),
    (lambda: DenoisingUNet(patch=3), ValueError, "patch"),
    (lambda: DenoisingUNet(time_size=63), ValueError, "time_size"),
    (lambda: DenoisingUNet(classes=-1), ValueError, "classes"),
    (lambda: DenoisingUNet(classes=2.0), TypeError, "classes"),
]


@_cases(DENOISER_CASES)
def test_denoiser_refuses(call, error, name):
    _refused(call, error, name)


@pytest.mark.parametrize("model, call", [
    (Generator(noise_dim=8, width=8, classes=10),
     lambda m: m.sample(3, labels=torch.tensor([1, 2]))),
    (ConvAutoencoder(latent_dim=4, width=8), lambda m: m.training_loss(NAN_DIGITS)),
    (Discriminator(width=8), lambda m: m(BYTES)),
    (StyleGenerator(noise_dim=8, style_dim=8, width=8), lambda m: m.mix(Z, Z, crossover=9)),
])
def test_a_refused_call_leaves_the_model_as_it_was(model, call):
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises((TypeError, ValueError)):
        call(model)
    assert model.training
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_numpy_inputs_and_numbers_are_accepted():
    images = np.random.default_rng(0).random((3, 1, 28, 28))  # float64, as NumPy makes them
    assert CNN(images).shape == (3, 10)
    assert AE.decode(np.zeros((2, 4))).shape == (2, 1, 28, 28)
    assert CG(np.zeros((2, 8), dtype=np.float32), np.array([3, 4])).shape == (2, 1, 28, 28)
    assert CG.sample(np.int64(2), labels=[1, 2]).shape == (2, 1, 28, 28)
    assert STYLE.sample(np.int32(2), psi=np.float64(0.5)).shape == (2, 1, 28, 28)
    assert CUNET(images[:2], 0.5, np.array([-1, 3])).shape == (2, 1, 28, 28)
    assert DenoisingUNet(channels=(np.int64(8), 16), classes=np.int64(2)).classes == 2
    assert VAE(latent_dim=np.int64(3)).sample(np.int64(2)).shape == (2, 1, 28, 28)


def test_float64_tensors_are_read_as_float32():
    """Once "mat1 and mat2 must have the same dtype" deep inside torch."""
    assert CNN(DIGITS.double()).dtype == torch.float32
    assert G(torch.zeros(2, 8, dtype=torch.float64)).dtype == torch.float32


def test_messages_give_the_usual_fix():
    with pytest.raises(ValueError, match=r"x / 255"):
        CNN(BYTES)
    with pytest.raises(ValueError, match=r"\(x \+ 1\) / 2"):
        CNN(SIGNED_DIGITS)
    with pytest.raises(TypeError, match=r"x\.float\(\) / 255"):
        CNN((DIGITS * 255).byte())
    with pytest.raises(ValueError, match=r"torch\.nan_to_num"):
        CNN(NAN_DIGITS)
    with pytest.raises(ValueError, match=r"x\.unsqueeze\(1\)"):
        CNN(DIGITS[:, 0])
    with pytest.raises(ValueError, match=r"z\[None\]"):
        G(torch.zeros(8))
