"""F1 by annotator agreement (paper Fig. 5, Table 1) on a hand-checked example, joins, bad input."""
from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from stylecheck.experiments.agreement import AgreementError, agreement_report
from stylecheck.cli import app

# 8 files of 4 speakers, 8 annotators (K = 4). Gender only; other labels unknown.
#            Female  agree_F agree_M  pred_F   category agreement -> bucket
MANIFEST = [(1, 7, 1, 1),   # 7 high  TP
            (1, 7, 1, 0),   # 7 high  FN
            (1, 4, 4, 1),   # 4 low   TP
            (1, 4, 4, 1),   # 4 low   TP
            (0, 2, 6, 1),   # 6 high  FP
            (0, 2, 6, 0),   # 6 high  TN
            (0, 3, 5, 0),   # 5 high  TN
            (0, 4, 4, 1)]   # 4 low   FP
# Female: high P=1/2 R=1/2 -> F1 0.5; low P=2/3 R=1 -> 0.8.
# Male (= not Female, decisions flipped): high t=0,0,1,1,1 p=0,1,0,1,1 -> 2/3; low t=0,0,1 p=0,0,0 -> 0.
# Table 1: Female positives above 4: 2 of 4; Male: 3 of 4.


def write_inputs(folder, join="path"):
    folder.mkdir(parents=True, exist_ok=True)
    rows, preds = [], []
    for i, (fem, af, am, pf) in enumerate(MANIFEST):
        path = folder / "audio" / f"utt{i}.wav"
        rows.append({"path": f"audio/utt{i}.wav", "speaker": f"s{i // 2}", "Female": fem, "Male": 1 - fem,
                     "agree_Female": af, "agree_Male": am, "agree_Dark": "", "n_annotators": 8})
        pred = {"path": str(path)} if join == "path" else {"file": f"utt{i}.wav"}
        pred.update({"p_Female": 0.9 if pf else 0.1, "p_Male": 0.1 if pf else 0.9})
        if join == "path":
            pred.update({"pred_Female": pf, "pred_Male": 1 - pf})
        preds.append(pred)
    preds.append({**preds[0], **({"path": str(folder / "other.wav")} if join == "path" else {"file": "other.wav"})})
    pd.DataFrame(rows).to_csv(folder / "test.csv", index=False)
    pd.DataFrame(preds).to_csv(folder / "predictions.csv", index=False)
    return folder / "predictions.csv", folder / "test.csv"


def f1_of(result, label, bucket):
    row = result.f1[(result.f1["label"] == label) & (result.f1["bucket"] == bucket)].iloc[0]
    return row["f1"], row["files"]


def test_hand_checked_buckets(tmp_path):
    pred, man = write_inputs(tmp_path / "in")
    res = agreement_report(pred, man, tmp_path / "out", n_resamples=50)
    assert f1_of(res, "Female", "high") == (pytest.approx(0.5), 5)
    assert f1_of(res, "Female", "low") == (pytest.approx(0.8), 3)
    assert f1_of(res, "Male", "high") == (pytest.approx(2 / 3), 5)
    assert f1_of(res, "Male", "low") == (pytest.approx(0.0), 3)
    ratio = res.ratio.set_index("label")
    assert ratio.loc["Female", "ratio_percent"] == 50 and ratio.loc["Male", "ratio_percent"] == 75
    assert any("1 prediction row(s) match no manifest file" in n for n in res.notes)
    for name in ("agreement_f1.csv", "agreement_f1.md", "agreement_ratio.csv", "agreement_f1.png"):
        assert (tmp_path / "out" / name).is_file()
    md = (tmp_path / "out" / "agreement_f1.md").read_text()
    assert "match no manifest file" in md and "Table 1" in md
    hi = res.f1[(res.f1["label"] == "Female") & (res.f1["bucket"] == "high")].iloc[0]
    assert hi["f1_lo"] <= 0.5 <= hi["f1_hi"]  # speaker-bootstrap interval around the value


def test_split_at_and_file_name_join(tmp_path):
    pred, man = write_inputs(tmp_path / "in", join="file")
    res = agreement_report(pred, man, tmp_path / "out", split_at=5, n_resamples=0)
    # K = 5: the file with agreement 5 moves to the low bucket; decisions from p >= 0.5.
    assert f1_of(res, "Female", "high")[1] == 4 and f1_of(res, "Female", "low")[1] == 4
    assert any("p_<Label> >= 0.5" in n for n in res.notes)


def test_bad_inputs(tmp_path):
    pred, man = write_inputs(tmp_path / "in")
    plain = tmp_path / "plain.csv"
    pd.read_csv(man).drop(columns=["agree_Female", "agree_Male", "agree_Dark"]).to_csv(plain, index=False)
    with pytest.raises(AgreementError, match="no agree_<Label> columns"):
        agreement_report(pred, plain, tmp_path / "o1")
    nokey = tmp_path / "nokey.csv"
    pd.read_csv(pred).drop(columns=["path"]).to_csv(nokey, index=False)
    with pytest.raises(AgreementError, match="'path' or 'file'"):
        agreement_report(nokey, man, tmp_path / "o2")
    elsewhere = tmp_path / "elsewhere.csv"
    pd.read_csv(pred).assign(path="/nowhere/x.wav").to_csv(elsewhere, index=False)
    with pytest.raises(AgreementError, match="matches a file"):
        agreement_report(elsewhere, man, tmp_path / "o3")
    assert not (tmp_path / "o3").exists()


def test_cli_report_agreement(tmp_path):
    pred, man = write_inputs(tmp_path / "in")
    runner = CliRunner()
    out = tmp_path / "rep"
    r = runner.invoke(app, ["report", "agreement", "--predictions", str(pred), "--manifest", str(man),
                            "--out", str(out), "--resamples", "20"])
    assert r.exit_code == 0, r.output
    assert "match no manifest file" in r.output and (out / "agreement_f1.png").is_file()
    r = runner.invoke(app, ["report", "agreement", "--predictions", str(pred), "--manifest", str(man),
                            "--out", str(out)])
    assert r.exit_code != 0 and "--force" in r.output


def test_score_table_format(tmp_path):
    """A 'stylecheck score' table: file, status, p_<Label>, predicted ('Female;Adult')."""
    pred, man = write_inputs(tmp_path / "in", join="file")
    table = pd.read_csv(pred)
    table["status"] = "ok"
    table["predicted"] = ["Female" if p >= 0.5 else "Male" for p in table["p_Female"]]
    table.loc[0, ["status", "predicted", "p_Female", "p_Male"]] = ["error", "", None, None]
    table.to_csv(pred, index=False)
    res = agreement_report(pred, man, tmp_path / "out", n_resamples=0)
    # utt0 (a high-agreement TP) failed to score and is left out: high keeps utt1 FN, utt4 FP,
    # utt5 TN, utt6 TN -> F1 0; low unchanged 0.8.
    assert f1_of(res, "Female", "high") == (pytest.approx(0.0), 4)
    assert f1_of(res, "Female", "low") == (pytest.approx(0.8), 3)
    assert any("status other than ok" in n for n in res.notes)
    assert any("`predicted` column" in n for n in res.notes)


# LibriTTS-P-like: 3 annotators, so a label exists only with 2 or 3 votes. 8 files of 4 speakers.
#                Female agree_F agree_M pred_F   category agreement
THREE_ANNOTATORS = [(1, 3, 0, 1),   # 3 unanimous  TP
                    (1, 3, 0, 1),   # 3            TP
                    (1, 2, 1, 0),   # 2 majority   FN
                    (1, 2, 1, 1),   # 2            TP
                    (0, 0, 3, 0),   # 3            TN
                    (0, 1, 2, 1),   # 2            FP
                    (0, 1, 2, 0),   # 2            TN
                    (0, 0, 3, 0)]   # 3            TN
# Female, agreement 2 (low): t=1,1,0,0 p=0,1,1,0 -> P 1/2 R 1/2 F1 0.5; 3 (high): t=1,1,0,0 p=1,1,0,0 -> 1.


def write_three_annotator_inputs(folder, rows=THREE_ANNOTATORS, n_annotators=3):
    folder.mkdir(parents=True, exist_ok=True)
    manifest, preds = [], []
    for i, (fem, af, am, pf) in enumerate(rows):
        manifest.append({"path": f"audio/u{i}.wav", "speaker": f"s{i // 2}", "Female": fem, "Male": 1 - fem,
                         "agree_Female": af, "agree_Male": am, "n_annotators": n_annotators})
        preds.append({"path": str(folder / "audio" / f"u{i}.wav"), "pred_Female": pf, "pred_Male": 1 - pf,
                      "p_Female": 0.9 if pf else 0.1, "p_Male": 0.1 if pf else 0.9})
    pd.DataFrame(manifest).to_csv(folder / "test.csv", index=False)
    pd.DataFrame(preds).to_csv(folder / "predictions.csv", index=False)
    return folder / "predictions.csv", folder / "test.csv"


def test_three_annotators_get_a_split_from_the_data(tmp_path):
    # Issue 21 item 10: floor(3/2) = 1 left every low bucket empty.
    pred, man = write_three_annotator_inputs(tmp_path / "in")
    res = agreement_report(pred, man, tmp_path / "out", n_resamples=0)
    assert f1_of(res, "Female", "low") == (pytest.approx(0.5), 4)
    assert f1_of(res, "Female", "high") == (pytest.approx(1.0), 4)
    assert (res.f1["files"] > 0).all()
    assert set(res.f1["rule"]) == {"low: <= 2 of 3 agreeing annotators, high: more"}
    assert any("floor(3/2) = 1 would leave the low bucket empty" in n and "2 of 3: 8, 3 of 3: 8" in n
               for n in res.notes)
    # Table 1 with the same split: unanimous positives.
    assert res.ratio.set_index("label").loc["Female", "ratio_percent"] == 50
    assert set(res.ratio["rule"]) == {"agreement > 2 of 3 agreeing annotators"}
    assert "<= 2 of 3" in (tmp_path / "out" / "agreement_f1.md").read_text()


def test_paper_split_is_kept_where_it_works_and_data_split_per_annotator_count(tmp_path):
    # The 8-annotator files of the first fixture keep floor(8/2) = 4; 3-annotator files beside
    # them get their own split.
    pred8, man8 = write_inputs(tmp_path / "a")
    pred3, man3 = write_three_annotator_inputs(tmp_path / "b")
    man = pd.concat([pd.read_csv(man8).drop(columns="agree_Dark"),
                     pd.read_csv(man3).assign(path=lambda f: "../b/" + f["path"], speaker=lambda f: "t" + f["speaker"])])
    man.to_csv(tmp_path / "a" / "both.csv", index=False)
    both = pd.concat([pd.read_csv(pred8).iloc[:-1], pd.read_csv(pred3)])
    both.to_csv(tmp_path / "a" / "both_pred.csv", index=False)
    res = agreement_report(tmp_path / "a" / "both_pred.csv", tmp_path / "a" / "both.csv", tmp_path / "out",
                           n_resamples=0)
    assert set(res.f1["rule"]) == {"low: <= 2 of 3; <= 4 of 8 (floor(n_annotators/2)) agreeing annotators, "
                                   "high: more"}
    assert f1_of(res, "Female", "low")[1] == 3 + 4 and f1_of(res, "Female", "high")[1] == 5 + 4


def test_no_split_possible_and_explicit_split_that_empties_a_bucket(tmp_path):
    unanimous = [(1, 3, 0, 1), (0, 0, 3, 0), (1, 3, 0, 0), (0, 0, 3, 1)]
    pred, man = write_three_annotator_inputs(tmp_path / "u", unanimous)
    res = agreement_report(pred, man, tmp_path / "o1", n_resamples=0)
    assert any("Every labelled file rated by 3 annotators has agreement 3" in n for n in res.notes)
    pred, man = write_three_annotator_inputs(tmp_path / "in")
    res = agreement_report(pred, man, tmp_path / "o2", split_at=3, n_resamples=0)
    assert any("No labelled file is in the high bucket" in n and "--split-at 2" in n for n in res.notes)
    runner = CliRunner()
    r = runner.invoke(app, ["report", "agreement", "--predictions", str(pred), "--manifest", str(man),
                            "--out", str(tmp_path / "o3"), "--resamples", "0"])
    assert r.exit_code == 0, r.output
    assert "split is at 2" in " ".join(r.output.split())
