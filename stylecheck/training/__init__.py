"""Training heads on cached frozen features."""
from .cache import FeatureCache
from .loop import TrainOptions, train_model

__all__ = ["FeatureCache", "TrainOptions", "train_model"]
