"""kNN regression (kNN-VC's matching step) on hand-made examples."""
import math

import pytest
import torch

from stylecheck.augment.knn import knn_indices, knn_regression


def unit(deg: float, scale: float = 1.0) -> list[float]:
    return [scale * math.cos(math.radians(deg)), scale * math.sin(math.radians(deg))]


def test_k_nearest_by_cosine_not_euclidean():
    # Keys at 0, 10, 50, 90 and 180 degrees; lengths differ so Euclidean distance would disagree.
    keys = torch.tensor([unit(0, 5.0), unit(10, 0.1), unit(50, 1.0), unit(90, 1.0), unit(180, 0.2)])
    values = torch.tensor([[0.0], [10.0], [50.0], [90.0], [180.0]])
    query = torch.tensor([unit(20, 1.0), unit(170, 3.0)])
    idx = knn_indices(query, keys, k=2)
    assert idx.tolist() == [[1, 0], [4, 3]]  # 20 deg: 10 then 0; 170 deg: 180 then 90
    out = knn_regression(query, keys, values, k=2)
    assert out[:, 0].tolist() == pytest.approx([5.0, 135.0])
    # k=1 returns the single nearest value; k larger than the pool averages everything.
    assert knn_regression(query, keys, values, k=1)[:, 0].tolist() == [10.0, 180.0]
    assert knn_regression(query, keys, values, k=99)[:, 0].tolist() == pytest.approx([66.0, 66.0])


def test_groups_restrict_matches_and_fall_back_when_a_group_is_too_small():
    keys = torch.tensor([unit(0), unit(5), unit(80), unit(90)])
    values = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    groups = torch.tensor([0, 0, 1, 1])
    query = torch.tensor([unit(2), unit(2)])
    out = knn_regression(query, keys, values, k=2, query_groups=torch.tensor([0, 1]), key_groups=groups)
    assert out[:, 0].tolist() == pytest.approx([1.5, 3.5])  # the group-1 query must take the far keys
    # Group 2 has no keys: that query falls back to the whole pool.
    out = knn_regression(query, keys, values, k=2, query_groups=torch.tensor([2, 2]), key_groups=groups)
    assert out[:, 0].tolist() == pytest.approx([1.5, 1.5])


def test_chunking_does_not_change_the_result():
    g = torch.Generator().manual_seed(0)
    query, keys = torch.randn(57, 8, generator=g), torch.randn(40, 8, generator=g)
    values = torch.randn(40, 3, generator=g)
    whole = knn_regression(query, keys, values, k=4)
    chunked = knn_regression(query, keys, values, k=4, max_elements=40 * 3)  # 3 rows per chunk
    assert torch.equal(whole, chunked)
    brute = torch.nn.functional.cosine_similarity(query[:, None], keys[None], dim=-1).topk(4).indices
    assert torch.equal(knn_indices(query, keys, 4), brute)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="empty"):
        knn_indices(torch.zeros(2, 3), torch.zeros(0, 3), 4)
    with pytest.raises(ValueError, match="must be"):
        knn_indices(torch.zeros(2, 3), torch.zeros(5, 4), 4)
    with pytest.raises(ValueError, match="differ"):
        knn_regression(torch.zeros(2, 3), torch.zeros(5, 3), torch.zeros(4, 1))
