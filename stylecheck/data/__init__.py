"""Manifests, datasets, and one module per corpus under :mod:`stylecheck.data.corpora`."""
from .manifest import Manifest, ManifestError, read_manifest, write_manifest

__all__ = ["Manifest", "ManifestError", "read_manifest", "write_manifest"]
