"""Scoring under ``torchrun``: each rank scores its shard of the sorted file list and writes its
own part; rank 0 merges the parts into one ``scores.csv`` and the summary once all are done."""
from __future__ import annotations

import os

import pandas as pd

from .merge import merge_score_parts
from .score import Shard, score_directory


def torchrun_shard() -> Shard | None:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return Shard(int(os.environ.get("RANK", "0")), world) if world > 1 else None


def score_directory_distributed(out_dir, shard: Shard | None = None, **kwargs) -> pd.DataFrame | None:
    """``score_directory`` as one rank of a torchrun job; returns the merged table on rank 0 and
    None on the other ranks. Without torchrun (or with an explicit ``shard``), a plain call."""
    import torch.distributed as dist

    if shard is not None or torchrun_shard() is None:
        return score_directory(out_dir=out_dir, shard=shard, **kwargs)
    shard = torchrun_shard()
    if not dist.is_initialized():
        dist.init_process_group("gloo")  # only a barrier crosses processes: gloo works everywhere
    try:
        score_directory(out_dir=out_dir, shard=shard, **kwargs)
        dist.barrier()
        if shard.index == 0:
            return merge_score_parts([out_dir], out_dir)
        return None
    finally:
        dist.destroy_process_group()
