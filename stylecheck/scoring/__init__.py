"""Scoring generated speech against the styles it was asked for."""
from .merge import merge_score_parts
from .score import ScoreError, Shard, score_directory

__all__ = ["ScoreError", "Shard", "merge_score_parts", "score_directory"]
