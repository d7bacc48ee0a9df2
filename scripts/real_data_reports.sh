#!/usr/bin/env bash
# The paper's analyses on ../shared/data with the bundled model; outputs under reports/.
#   bash scripts/real_data_reports.sh [DATA_DIR]
set -euo pipefail
D=${1:-../shared/data}
SC=${SC:-.venv/bin/stylecheck}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# Issue 6: corpora -> manifests (fixed splits), and the agreement analysis on the LibriTTS-P test
# speakers (3 annotators: the report picks the split at 2 of 3 from the data, "2 agreed" vs "all 3 agreed").
$SC prepare libritts-p --annotations $D/libritts_p/df1_en.csv $D/libritts_p/df2_en.csv $D/libritts_p/df3_en.csv \
    --audio-root $D/librispeech/train-clean-100 --excluded $D/libritts_p/excluded_spk_list.txt \
    --splits configs/splits/libritts_p --out reports/prepare_libritts_p --force
$SC prepare dreamvoice --annotations $D/dreamvoicedb/merged_speaker_ratings.csv --audio-root $D/vctk \
    --splits configs/splits/dreamvoice --out reports/prepare_dreamvoice --force
for d in reports/prepare_libritts_p reports/prepare_dreamvoice; do rm -f $d/*.csv; done  # keep reports, not manifests
$SC prepare libritts-p --annotations $D/libritts_p/df1_en.csv $D/libritts_p/df2_en.csv $D/libritts_p/df3_en.csv \
    --audio-root $D/librispeech/train-clean-100 --excluded $D/libritts_p/excluded_spk_list.txt \
    --splits configs/splits/libritts_p --out $W/libritts_p
$SC evaluate stylecheck/pretrained/stylecheck-ge2e-v1 --manifest $W/libritts_p/test.csv --out $W/eval
$SC report agreement --predictions $W/eval/predictions.csv --manifest $W/libritts_p/test.csv \
    --out reports/agreement --force

# Issue 7: Dark/Bright on happy vs sad speech (the paper's Figure 4).
$SC probe emotion-corpora --ravdess $D/ravdess --emodb $D/emodb --out reports/probe --force
