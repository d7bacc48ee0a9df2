"""kNN regression, the matching step of kNN-VC (Baas, van Niekerk & Kamper, 2023).

Every source frame is replaced by the mean of the ``k`` target frames nearest to it by cosine
distance. The similarity matrix ``[source frames, target frames]`` is computed in row chunks so
that memory stays bounded however long the source and the matching set are (60 s of WORLD frames
at 5 ms is 12,000 target frames; a full 15 s source would otherwise need a 3,000 x 12,000 matrix).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from ..errors import InvalidValueError

#: Upper bound on the number of similarity entries held at once (64 MiB of float32).
DEFAULT_MAX_ELEMENTS = 1 << 24


def knn_indices(
    queries: torch.Tensor,
    keys: torch.Tensor,
    k: int,
    query_groups: torch.Tensor | None = None,
    key_groups: torch.Tensor | None = None,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> torch.Tensor:
    """Indices ``[N, k']`` (``k' = min(k, M)``) of the ``k`` rows of ``keys`` [M, D] with the highest
    cosine similarity to each row of ``queries`` [N, D], best first.

    With ``query_groups`` [N] and ``key_groups`` [M] (integer classes, e.g. voiced/unvoiced), a
    query only looks at keys of its own class; a query whose class has fewer than ``k'`` keys falls
    back to the whole pool, so a sparse class never produces an empty match.
    """
    if queries.ndim != 2 or keys.ndim != 2 or queries.shape[1] != keys.shape[1]:
        raise InvalidValueError(f"queries {tuple(queries.shape)} and keys {tuple(keys.shape)} must be [N, D] and [M, D]")
    if k < 1:
        raise InvalidValueError(f"k must be >= 1, got {k}")
    if keys.shape[0] == 0:
        raise InvalidValueError("the matching set is empty")
    if (query_groups is None) != (key_groups is None):
        raise InvalidValueError("give both query_groups and key_groups, or neither")
    k_eff = min(int(k), keys.shape[0])
    q = F.normalize(queries.float(), dim=-1)
    p = F.normalize(keys.float().to(q.device), dim=-1)
    if key_groups is not None:
        key_groups = key_groups.to(q.device)
        classes, counts = torch.unique(key_groups, return_counts=True)
        full_classes = classes[counts >= k_eff]  # classes that can supply k neighbours by themselves
    chunk = max(1, int(max_elements) // keys.shape[0])
    out = torch.empty(queries.shape[0], k_eff, dtype=torch.long, device=q.device)
    for start in range(0, queries.shape[0], chunk):
        stop = min(start + chunk, queries.shape[0])
        sim = q[start:stop] @ p.T  # cosine similarity = 1 - cosine distance
        if query_groups is not None:
            qg = query_groups[start:stop].to(q.device)
            enough = torch.isin(qg, full_classes)
            allowed = (qg[:, None] == key_groups[None, :]) | ~enough[:, None]
            sim = sim.masked_fill(~allowed, float("-inf"))
        out[start:stop] = sim.topk(k_eff, dim=-1).indices
    return out


def knn_regression(
    queries: torch.Tensor,
    keys: torch.Tensor,
    values: torch.Tensor,
    k: int = 4,
    query_groups: torch.Tensor | None = None,
    key_groups: torch.Tensor | None = None,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> torch.Tensor:
    """``[N, E]``: for each query, the mean of ``values`` [M, E] at its ``k`` nearest ``keys``.

    kNN-VC matches and averages the same WavLM features (``values is keys``); the WORLD backend
    matches on cepstra but averages the full envelope and aperiodicity, hence separate ``values``.
    """
    if values.shape[0] != keys.shape[0]:
        raise InvalidValueError(f"keys ({keys.shape[0]} rows) and values ({values.shape[0]} rows) differ in length")
    idx = knn_indices(queries, keys, k, query_groups, key_groups, max_elements)
    return values.to(idx.device)[idx].mean(dim=1)
