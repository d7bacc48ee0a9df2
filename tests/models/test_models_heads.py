"""The classifier heads alone: padding, whatever it holds, never changes an item's logits."""
from __future__ import annotations

import pytest
import torch

from stylecheck.models import ResNet34, SpeechMLC

TINY = {
    "speechmlc": lambda dim, k: SpeechMLC(dim, k, d_model=32, n_layers=1, n_heads=2, ff_dim=64),
    "resnet34": lambda dim, k: ResNet34(dim, k, widths=(8, 8, 16, 16)),
}


def padded(items: list[torch.Tensor], garbage: float = 50.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad ``[F_i, D]`` items into a batch whose padding holds large random values, so a head
    that reads padding at all shows it."""
    width = max(x.shape[0] for x in items)
    g = torch.Generator().manual_seed(123)
    batch = garbage * torch.randn(len(items), width, items[0].shape[1], generator=g)
    mask = torch.zeros(len(items), width, dtype=torch.bool)
    for i, x in enumerate(items):
        batch[i, : x.shape[0]] = x
        mask[i, : x.shape[0]] = True
    return batch, mask


@pytest.mark.parametrize("arch", sorted(TINY))
@pytest.mark.parametrize("dim", [40, 200])  # 200 > 128: the ResNet projects features first
def test_head_logits_do_not_depend_on_padding_or_batch(arch, dim):
    torch.manual_seed(0)
    head = TINY[arch](dim, 8).eval()
    items = [torch.randn(n, dim) for n in (3, 17, 64, 41, 500)]
    batch, mask = padded(items)
    with torch.no_grad():
        together = head(batch, mask)
        assert together.shape == (len(items), 8) and torch.isfinite(together).all()
        for i, x in enumerate(items):
            alone = head(x[None], torch.ones(1, x.shape[0], dtype=torch.bool))
            torch.testing.assert_close(together[i], alone[0], atol=1e-5, rtol=0)


@pytest.mark.parametrize("arch", sorted(TINY))
def test_heads_tell_inputs_apart(arch):
    # Guards the invariance test against a head that ignores its input altogether.
    torch.manual_seed(0)
    head = TINY[arch](40, 8).eval()
    a, b = torch.randn(1, 30, 40), torch.randn(1, 30, 40) + 1.0
    mask = torch.ones(1, 30, dtype=torch.bool)
    with torch.no_grad():
        assert (head(a, mask) - head(b, mask)).abs().max() > 1e-3


def test_speechmlc_sees_frames_as_a_set():
    torch.manual_seed(0)
    head = TINY["speechmlc"](40, 8).eval()
    frames = torch.randn(1, 25, 40)
    mask = torch.ones(1, 25, dtype=torch.bool)
    with torch.no_grad():
        torch.testing.assert_close(head(frames, mask), head(frames[:, torch.randperm(25)], mask), atol=1e-5, rtol=0)


def test_speechmlc_has_one_query_and_one_logit_per_label():
    head = SpeechMLC(40, 3, d_model=32, n_layers=2, n_heads=2, ff_dim=64)
    assert head.decoder.queries.shape == (3, 32)
    assert len(head.decoder.decoder.layers) == 2
    assert head.head.weight.shape == (3, 32)
    assert head.eval()(torch.randn(2, 10, 40), torch.ones(2, 10, dtype=torch.bool)).shape == (2, 3)


def test_resnet34_has_the_resnet34_block_layout():
    net = ResNet34(80, 8)
    assert len(net.layers) == 3 + 4 + 6 + 3
    assert net.head.in_features == 2 * 256 and net.proj is None
