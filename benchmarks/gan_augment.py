"""Does showing the discriminator shifted digits help the book's GANs over a long run?

The GAN's discriminator begins to memorise the 4,000 training digits over 5,000 steps
(its verdicts on real and fake digits drift apart), the failure that differentiable
augmentation answers (Zhao et al., 2020): show the discriminator every image, real and
fake, shifted by up to ``k`` pixels, so it cannot learn the training digits by heart,
while the generator still learns to draw unshifted ones. At 120 s it did not help (see
benchmarks/README.md); this trains a recipe for its full length with ``augment`` 0, 1
and 2 and scores each the way the manifests do (1,000 draws, seed 1, against the test
digits).

    python benchmarks/gan_augment.py [--model gan-digits-v4] [--shifts 0 1 2]
"""

import argparse
import dataclasses
import time

import torch

from genlab import pretrained
from genlab.data import load_digits
from genlab.metrics import score_samples
from genlab.judge import load_judge


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=pretrained.GAN_NAME,
                        choices=[pretrained.GAN_NAME, pretrained.CONDITIONAL_GAN,
                                 pretrained.STYLE_GAN])
    parser.add_argument("--shifts", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    judge, test = load_judge(), load_digits("test")
    shipped = pretrained.entry(args.model)
    print(f"{args.model}: {shipped.recipe}; torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    print("| augment | steps | s | Fréchet | precision | recall | confidence | "
          "eff. classes |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for shift in args.shifts:
        entry = dataclasses.replace(
            shipped, recipe=dataclasses.replace(shipped.recipe, augment=shift))
        torch.manual_seed(entry.recipe.seed)
        model = entry.build()
        start = time.perf_counter()
        record = entry.train(model, progress=False)
        seconds = time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            digits = entry.draw(model, pretrained.SCORE_SAMPLES,
                                torch.Generator().manual_seed(pretrained.SCORE_SEED))
        s = score_samples(judge, digits, test[0])
        print(f"| {shift} | {record.steps:,} | {seconds:.0f} | {s['Fréchet distance']:.1f} | "
              f"{s['precision']:.2f} | {s['recall']:.2f} | {s['confidence']:.3f} | "
              f"{s['effective classes']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
