"""Exercises of lesson 08: pooling, unpooling, nn.Linear and activations (PReLU, RReLU too),
and learning a kernel by gradient descent (d2l 7.2.4)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import N_
from .bank import CodeExercise, ValueExercise, register


# -- 08.maxpool2d: max pooling from scratch -----------------------------------------------------
def _maxpool2d(X: torch.Tensor, k: int, s: int) -> torch.Tensor:
    """Max pooling of a 2-d tensor with a k×k window and stride s, as nn.MaxPool2d computes it."""
    return F.max_pool2d(X[None, None], kernel_size=k, stride=s)[0, 0]


def _maxpool2d_cases(gen: torch.Generator):
    yield torch.arange(16.0).reshape(4, 4), 2, 2  # the lesson's 0…15 grid
    yield torch.arange(25.0).reshape(5, 5).flip(0), 3, 1  # overlapping windows
    yield -torch.ones(5, 7), 2, 2  # all negative, and a last row and column that no window covers
    for h, w, k, s in [(7, 7, 2, 2), (8, 6, 3, 2), (9, 9, 3, 3), (6, 10, 2, 1), (10, 8, 4, 3)]:
        yield torch.randn(h, w, generator=gen), k, s


# -- 08.learn-edge-kernel: d2l 7.2.4 --------------------------------------------------------------
def _corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    return F.conv2d(X[None, None], K[None, None])[0, 0]


def _learn_kernel(X: torch.Tensor, Y: torch.Tensor, kernel_size: tuple[int, int]) -> torch.Tensor:
    """Learn K with Y ≈ corr2d(X, K) by gradient descent on the mean squared error."""
    K = torch.zeros(kernel_size, requires_grad=True)
    for _step in range(200):
        Y_hat = F.conv2d(X[None, None], K[None, None])[0, 0]
        loss = ((Y_hat - Y) ** 2).mean()
        loss.backward()
        grad = K.grad
        assert grad is not None
        with torch.no_grad():
            K -= 0.3 * grad
            grad.zero_()
    return K.detach()


def edge_example() -> tuple[torch.Tensor, torch.Tensor]:
    """d2l's example: a 6×8 image of ones with a black stripe (columns 2–5), and its edge kernel [[1, −1]]."""
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    return X, torch.tensor([[1.0, -1.0]])


def _learn_kernel_cases(gen: torch.Generator):
    X, K = edge_example()
    yield X, _corr2d(X, K), (1, 2)  # d2l's vertical edge detector
    yield X.T.contiguous(), _corr2d(X.T.contiguous(), K.T.contiguous()), (2, 1)  # the horizontal one
    for h, w, kh, kw in [(8, 8, 3, 3), (10, 9, 3, 3), (9, 12, 2, 3)]:
        X = torch.randn(h, w, generator=gen)
        K = torch.randn(kh, kw, generator=gen).clamp(-2, 2)
        yield X, _corr2d(X, K), (kh, kw)


register(
    ValueExercise(
        id="08.pool-shape", lesson="08",
        _prompt=N_("What is the shape of nn.MaxPool2d(kernel_size=3, stride=2)(img) for img of shape (1, 3, 512, 512)?"),
        _hint=N_("Pooling keeps the batch and the channels. Per side, use the convolution formula without padding: "
                 "floor((in − kernel_size) / stride) + 1."),
        _explanation=N_("floor((512 − 3) / 2) + 1 = 254 + 1 = 255 per side, and pooling never changes the number "
                        "of channels. With ceil_mode=True it would be 256."),
        answer=lambda: tuple(nn.MaxPool2d(kernel_size=3, stride=2)(torch.zeros(1, 3, 512, 512)).shape),
        mistakes={
            (1, 3, 256, 256): N_("That is what ceil_mode=True gives. By default the division rounds down."),
            (1, 3, 254, 254): N_("Close: count the first window too (the + 1 of the formula)."),
            (1, 1, 255, 255): N_("Pooling has no weights that mix channels: each channel is pooled on its own."),
        },
    ),
    CodeExercise(
        id="08.maxpool2d", lesson="08",
        _prompt=N_("Write maxpool2d(X, k, s): max pooling of a 2-d tensor X with a k×k window and stride s, "
                   "no padding, with two for-loops. It must equal F.max_pool2d."),
        _hint=N_("The output has floor((H − k) / s) + 1 rows and floor((W − k) / s) + 1 columns; entry (i, j) "
                 "is the max of the window that starts at row i·s and column j·s. Start from a tensor of the "
                 "right shape, not from zeros you compare against (inputs can be negative)."),
        _explanation=N_("Max pooling is a convolution's sliding window with max() in place of the weighted sum: "
                        "nothing to learn, and each channel on its own. Windows that don't fit are dropped, as the "
                        "floor in the formula says."),
        reference=_maxpool2d, cases=_maxpool2d_cases, signature="maxpool2d(X, k, s)",
    ),
    ValueExercise(
        id="08.sum-pool", lesson="08",
        _prompt=N_("What is the top-left output of nn.AvgPool2d(2, divisor_override=1) on "
                   "torch.arange(16.0).reshape(1, 1, 4, 4), the 0…15 grid?"),
        _hint=N_("Average pooling sums the window, then divides by the divisor. Which numbers are in the top-left "
                 "2×2 window, and what is the divisor here?"),
        _explanation=N_("The top-left window holds 0, 1, 4 and 5; their sum is 10, and divisor_override=1 divides "
                        "by 1: average pooling has become sum pooling (4 × the plain average 2.5)."),
        answer=lambda: nn.AvgPool2d(2, divisor_override=1)(torch.arange(16.0).reshape(1, 1, 4, 4))[0, 0, 0, 0].item(),
        mistakes={2.5: N_("That is the plain average (the divisor is the window size). Here the divisor is overridden."),
                  5.0: N_("That is the max pooling of the window; average pooling sums it first.")},
    ),
    ValueExercise(
        id="08.indices-shape", lesson="08",
        _prompt=N_("nn.MaxPool2d(2, return_indices=True) on a batch of shape (2, 16, 10, 10) returns the pooled "
                   "values and the indices. What is the shape of the indices?"),
        _hint=N_("How many indices are there for each pooled value? Then work out the pooled shape."),
        _explanation=N_("There is one index for every pooled value, so the indices have the pooled shape, "
                        "(2, 16, 5, 5). Each is a flat position inside its own 10×10 channel plane, from 0 to 99."),
        answer=lambda: tuple(nn.MaxPool2d(2, return_indices=True)(torch.rand(2, 16, 10, 10))[1].shape),
        mistakes={(2, 16, 10, 10): N_("That is the input's shape: an index exists only for each kept maximum.")},
    ),
    ValueExercise(
        id="08.unpool-guess", lesson="08",
        _prompt=N_("A (1, 1, 9, 9) input goes through nn.MaxPool2d(2, return_indices=True). What shape does "
                   "nn.MaxUnpool2d(2) give back when you do not pass output_size?"),
        _hint=N_("The unpooler sees only the pooled size; it guesses (pooled − 1)·stride + kernel_size per side. "
                 "First find the pooled size (it rounds down)."),
        _explanation=N_("Pooling 9 gives floor((9 − 2) / 2) + 1 = 4; the guess is (4 − 1)·2 + 2 = 8, one short "
                        "of 9. If no index points past 8×8 = 64, PyTorch returns an 8×8 map without a word, with "
                        "values in the wrong places; pass output_size=x.shape."),
        answer=lambda: tuple(nn.MaxUnpool2d(2)(torch.zeros(1, 1, 4, 4), torch.zeros(1, 1, 4, 4, dtype=torch.int64)).shape),
        mistakes={(1, 1, 9, 9): N_("The unpooler never saw the 9: it only gets the pooled values and the indices.")},
    ),
    ValueExercise(
        id="08.flatten-features", lesson="08",
        _prompt=N_("LeNet-5's last convolution block outputs a feature map of shape (N, 16, 5, 5). What must "
                   "in_features be for the nn.Linear(in_features, 120) that follows the flattening?"),
        _hint=N_("nn.Flatten keeps the batch dimension and lays everything else out in one row."),
        _explanation=N_("16 · 5 · 5 = 400, so the layer is nn.Linear(400, 120), with a weight of shape (120, 400)."),
        answer=lambda: nn.Flatten()(torch.zeros(1, 16, 5, 5)).shape[1],
        mistakes={80: N_("Count every position of every channel: channels × height × width."),
                  25: N_("That is one channel; there are 16 of them.")},
    ),
    ValueExercise(
        id="08.leaky-derivative", lesson="08",
        _prompt=N_("What is the derivative of nn.LeakyReLU(negative_slope=0.2) at x = -3?"),
        _hint=N_("For negative inputs LeakyReLU is a straight line through 0. What is the slope of that line?"),
        _explanation=N_("For x < 0, LeakyReLU(x) = 0.2·x, a line of slope 0.2 wherever x is."),
        answer=lambda: round(torch.autograd.grad(nn.LeakyReLU(0.2)(t := torch.tensor(-3.0, requires_grad=True)), t)[0].item(), 6),
        mistakes={-0.6: N_("That is the value LeakyReLU(−3), not its derivative."),
                  0.0: N_("That would be the ReLU; the leaky one keeps a slope for negative inputs."),
                  1.0: N_("That is the slope for positive inputs.")},
    ),
    ValueExercise(
        id="08.prelu-params", lesson="08",
        _prompt=N_("nn.Conv2d(3, 64, 3) followed by nn.PReLU(num_parameters=64), one learnable slope per channel: "
                   "how many learnable parameters do the two layers have together?"),
        _hint=N_("Count the convolution's weight (out × in × kH × kW) and its bias (one per output channel), "
                 "then add the PReLU's slopes: what does num_parameters count?"),
        _explanation=N_("The convolution has 64 · 3 · 3 · 3 = 1728 weights and 64 biases, 1792 in all; the PReLU adds "
                        "one slope per channel, 64, each starting at 0.25: 1856. nn.PReLU() with the default "
                        "num_parameters=1 would add a single shared slope."),
        answer=lambda: sum(p.numel() for layer in (nn.Conv2d(3, 64, 3), nn.PReLU(num_parameters=64))
                           for p in layer.parameters()),
        mistakes={1793: N_("That counts one shared slope, the default nn.PReLU(). Here num_parameters is set."),
                  1792: N_("That is the convolution alone; the PReLU's slopes are learnable parameters too."),
                  64: N_("That is the PReLU alone; add the convolution's weight and bias.")},
    ),
    ValueExercise(
        id="08.rrelu-eval", lesson="08",
        _prompt=N_("m = nn.RReLU(lower=0.1, upper=0.3); m.eval(). What is m(torch.tensor(-2.0))?"),
        _hint=N_("In training RReLU draws a random slope between lower and upper; in eval mode it uses one fixed "
                 "slope, the middle of that range."),
        _explanation=N_("In eval mode the slope is (lower + upper) / 2 = 0.2, so −2 becomes −0.4, every time."),
        answer=lambda: round(nn.RReLU(lower=0.1, upper=0.3).eval()(torch.tensor(-2.0)).item(), 6),
        mistakes={-0.2: N_("That uses the lower bound; eval mode uses the middle of the range."),
                  -0.6: N_("That uses the upper bound; eval mode uses the middle of the range."),
                  0.0: N_("That would be the ReLU; RReLU keeps a slope for negative inputs.")},
    ),
    CodeExercise(
        id="08.learn-edge-kernel", lesson="08",
        _prompt=N_("Write learn_kernel(X, Y, kernel_size): start from a kernel of zeros of shape kernel_size and "
                   "learn K so that the cross-correlation of X with K gives Y, by gradient descent on the mean "
                   "squared error. Return K (a tensor of shape kernel_size). The checker makes Y from a hidden "
                   "kernel and wants yours within 0.05 of it."),
        _hint=N_("Make K with requires_grad=True. Repeat a few hundred times: compute Y_hat with F.conv2d "
                 "(add the batch and channel axes first), the loss as the mean of (Y_hat − Y)², call backward(), then "
                 "inside torch.no_grad() step K against its gradient and zero the gradient. A learning rate of "
                 "0.2 to 0.3 works."),
        _explanation=N_("A convolution layer's kernel is learned exactly like this: the loss says how far the output "
                        "is, autograd says which way to move each of the kernel's numbers, and a few hundred small "
                        "steps find the edge detector [[1, −1]] from the image and its edges alone (d2l 7.2.4)."),
        reference=_learn_kernel, cases=_learn_kernel_cases, signature="learn_kernel(X, Y, kernel_size)",
        atol=0.05,
    ),
    ValueExercise(
        id="08.net-shape", lesson="08",
        _prompt=N_("Output shape of Conv2d(3, 8, 3, padding=1) → ReLU → MaxPool2d(2) → Flatten → Linear(2048, 5) "
                   "for a (4, 3, 32, 32) input?"),
        _hint=N_("Follow the batch dimension: does any of these layers change it? Then, what does the last layer output per example?"),
        _explanation=N_("The convolution keeps 32×32 (padding 1) with 8 channels, pooling halves it to 16×16, "
                        "flattening gives 8·16·16 = 2048 numbers per example, and the linear layer turns them into 5. "
                        "The batch of 4 goes through untouched: (4, 5)."),
        answer=lambda: tuple(nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                           nn.Linear(8 * 16 * 16, 5))(torch.zeros(4, 3, 32, 32)).shape),
        mistakes={(4, 2048): N_("That is the shape after Flatten; one layer is left."),
                  (1, 5): N_("The batch dimension is not merged away: each of the examples gets its own output.")},
    ),
)
