"""Norms: terciles, the uncertain band, level_for, JSON round trip and the bundled file."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stylecheck.measures.norms import (CATEGORIES, NORMS_DIR, Norms, NormsError, compute_norms, level_for,
                                       load_norms)


def _rows():
    rng = np.random.default_rng(0)
    rows = []
    for i in range(60):
        g = "Female" if i % 2 else "Male"
        f0 = (200 if g == "Female" else 110) * 2 ** (rng.normal(0, 2) / 12)
        rows.append({"gender": g, "f0_median_hz": f0, "f0_range_st": rng.uniform(4, 12),
                     "speech_rate_syl_s": rng.uniform(3, 5), "loudness_lufs": rng.uniform(-30, -18),
                     "snr_db": rng.uniform(20, 50), "alpha_ratio_db": None})
    return rows


def test_compute_norms_terciles():
    rows = _rows()
    n = compute_norms(rows, name="t", version=2)
    fem = np.array([r["f0_median_hz"] for r in rows if r["gender"] == "Female"])
    assert n.table["Female"]["f0_median_hz"]["edges"] == pytest.approx(list(np.percentile(fem, [100 / 3, 200 / 3])), abs=1e-3)
    assert n.table["Male"]["f0_median_hz"]["edges"][1] < n.table["Female"]["f0_median_hz"]["edges"][0]
    assert n.table["all"]["snr_db"]["edges"] == [15.0]
    assert "alpha_ratio_db" not in n.table["all"]  # no values: no entry
    assert n.table["all"]["f0_median_hz"]["n"] == 60 and n.label == "t-v2"


def test_level_for_edges_and_band():
    n = Norms("x", 1, {"all": {"articulation_rate_syl_s": {"edges": [3.5, 4.5], "uncertain": [0.2, 0.2]},
                               "snr_db": {"edges": [15.0], "uncertain": [3.0]}}})
    assert level_for("rate", 3.0, None, n)[0] == "slow"
    assert level_for("rate", 3.35, None, n)[0] == "uncertain"
    assert level_for("rate", 4.0, "Female", n)[0] == "normal"
    assert "pooled norm" in level_for("rate", 4.0, "Female", n)[1]
    assert level_for("rate", 4.65, None, n)[0] == "uncertain"
    assert level_for("rate", 5.2, None, n)[0] == "fast"
    assert level_for("noise", 5.0, None, n)[0] == "noisy"
    assert level_for("noise", 30.0, None, n)[0] == "clean"
    assert level_for("rate", None, None, n) == (None, "articulation_rate_syl_s not measured")
    assert level_for("pitch", 200.0, None, n)[0] is None  # no norm for it
    with pytest.raises(NormsError):
        level_for("emotion", 1.0, None, n)


def test_rate_is_the_articulation_rate_and_older_norms_say_so():
    """Rate is judged without pauses (a short pause-free sentence is not 'fast' for lacking the
    pauses of a long read one); a norms file that judged rate on the speech rate (natural-v1)
    no longer loads, rather than silently changing its verdicts."""
    assert CATEGORIES["rate"][0] == "articulation_rate_syl_s"
    old = json.loads(Norms.bundled().to_json())
    old["categories"]["rate"]["measure"] = "speech_rate_syl_s"
    with pytest.raises(NormsError, match="judge rate on speech_rate_syl_s"):
        Norms.from_dict(old)
    del old["categories"]
    assert Norms.from_dict(old).label == "natural-v2"  # a file without the mapping: the table is read


def test_gender_norm_is_used():
    n = compute_norms(_rows())
    male_hi = n.table["Male"]["f0_median_hz"]["edges"][1]
    level, why = level_for("pitch", male_hi * 1.2, "Male", n)
    assert level == "high" and "Male norm" in why
    assert level_for("pitch", male_hi * 1.2, "Female", n)[0] == "low"


def test_json_round_trip(tmp_path):
    n = compute_norms(_rows(), name="rt", provenance={"command": "x"})
    path = tmp_path / "rt-v1.json"
    n.to_json(path)
    back = Norms.from_json(path)
    assert back == n
    assert load_norms(path) == n
    assert json.loads(path.read_text())["categories"]["noise"]["levels"] == ["noisy", "clean"]


def test_bad_norms_files(tmp_path):
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(NormsError):
        Norms.from_json(tmp_path / "bad.json")
    with pytest.raises(NormsError, match="bundled"):
        Norms.bundled("nothing-v9")


def test_bundled_natural_norms():
    n = load_norms()
    assert n.label == "natural-v2" and (NORMS_DIR / "NORMS.md").is_file()
    assert n.provenance["speakers"] >= 300
    for gender in ("Female", "Male", "all"):
        for category, (measure, _) in CATEGORIES.items():
            entry = n.table[gender][measure]
            assert entry["edges"] == sorted(entry["edges"]) and len(entry["uncertain"]) == len(entry["edges"])
    f, m = n.table["Female"]["f0_median_hz"]["edges"], n.table["Male"]["f0_median_hz"]["edges"]
    assert 150 < f[0] < f[1] < 260 and 85 < m[0] < m[1] < 160


def test_norms_from_folder(tmp_path):
    """The bundled example files as a user's reference folder: one value per file, genders from
    the mapping where given, pooled otherwise."""
    from measures_fixtures import EXAMPLE

    from stylecheck.measures.norms import norms_from_folder

    folder = EXAMPLE.parents[1]  # examples/audio: 15 files in three system folders
    genders = {"flite/utt01.flac": "Female", "festival/utt01.flac": "Female", "espeak/utt01.flac": "Female",
               "flite/utt04.flac": "Male"}
    n = norms_from_folder(folder, genders=genders, name="ref")
    assert n.provenance["files"] == 15 and n.provenance["genders"] == "given per file"
    assert n.table["all"]["f0_median_hz"]["n"] == 15
    assert n.table["Female"]["f0_median_hz"]["n"] == 3 and "Male" not in n.table  # one male file: too few
    assert "pooled norm (no Male norm)" in level_for("pitch", 120.0, "Male", n)[1]
    (tmp_path / "empty").mkdir()
    with pytest.raises(NormsError, match="no audio"):
        norms_from_folder(tmp_path / "empty")
