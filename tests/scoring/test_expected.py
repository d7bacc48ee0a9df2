"""read_expected_styles: STYLES.csv in, one normalised row per file out, StylesError for bad input."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stylecheck.styles.labels import PAPER_LABELS, LabelSet
from stylecheck.scoring.expected import (
    StylesError, explain_expected_styles, normalise_file_key, read_expected_styles,
)


def write(tmp_path: Path, text: str, name: str = "STYLES.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_styles_and_prompts_in_order(tmp_path):
    path = write(tmp_path, "\ufeff"  # Excel's byte-order mark
                 "file,styles,prompt,system,speaker,notes\n"
                 "./b/one.wav,Female;Teenager,,tts-a,spk1,x\n"
                 "a\\two.wav,,an elderly man with a deep gravelly voice,tts-a,spk2,\n"
                 "three.wav,\"male, bright\",a woman,tts-b,spk1,\n"
                 "four.wav,,gender-neutral and smooth,,,\n")
    got = read_expected_styles(path)
    t = got.table
    assert t["file"].tolist() == ["b/one.wav", "a/two.wav", "three.wav", "four.wav"]
    assert t["line"].tolist() == [2, 3, 4, 5]
    assert t["system"].tolist() == ["tts-a", "tts-a", "tts-b", ""]
    assert t["speaker"].tolist() == ["spk1", "spk2", "spk1", ""]
    # styles wins where it is not empty; the prompt is used otherwise
    assert t["source"].tolist() == ["styles", "prompt", "styles", "prompt"]
    assert t["styles"].tolist() == ["Female;Teenager", "", "male, bright", ""]
    assert t["prompt"].tolist() == ["", "an elderly man with a deep gravelly voice", "a woman", "gender-neutral and smooth"]
    assert t["expected"].tolist() == ["Female;Teenager", "Male;Adult;Dark;Rough", "Male;Bright", "Smooth"]
    assert t["expected_gender"].tolist() == ["Female", "Male", "Male", ""]
    assert t["expected_roughness"].tolist() == ["", "Rough", "", "Smooth"]
    assert t["open"].tolist() == ["", "", "", "gender"]
    assert list(t.columns) == ["file", "line", "system", "speaker", "styles", "prompt", "source", "expected_gender",
                               "expected_age", "expected_brightness", "expected_roughness", "expected_pitch",
                               "expected_variation", "expected_rate", "expected_loudness", "expected_noise",
                               "expected", "open", "unjudged", "text", "warnings"]
    assert len(got) == 4 and got.files == t["file"].tolist()
    assert got.expected_for("./a\\two.wav") == {"gender": "Male", "age": "Adult", "brightness": "Dark",
                                                 "roughness": "Rough"}
    with pytest.raises(KeyError, match="five.wav"):
        got.expected_for("five.wav")


def test_prompt_only_and_styles_only_files(tmp_path):
    only_prompt = read_expected_styles(write(tmp_path, "File,Prompt\nx.wav,a deep and bright voice\n", "p.csv"))
    assert only_prompt.table["open"].tolist() == ["brightness"]
    assert "conflicting" in only_prompt.table["warnings"][0]
    only_styles = read_expected_styles(write(tmp_path, "file,styles\nx.wav,smooth\ny.wav,\n", "s.csv"))
    assert only_styles.table["expected"].tolist() == ["Smooth", ""]
    assert "nothing is expected" in only_styles.table["warnings"][1]


def test_blank_lines_and_multiline_cells_keep_line_numbers(tmp_path):
    path = write(tmp_path, "file,prompt\n\na.wav,\"a bright\nvoice\"\n,\nb.wav,female;teenager\nb.wav,x\n")
    with pytest.raises(StylesError, match=r"'b\.wav' on lines 6, 7"):
        read_expected_styles(path)
    ok = read_expected_styles(write(tmp_path, "file,prompt\n\na.wav,\"a bright\nvoice\"\n,\nb.wav,male\n", "ok.csv"))
    assert ok.table["line"].tolist() == [3, 6]


def test_custom_label_set_columns(tmp_path):
    gender = LabelSet({"gender": ("Female", "Male")})
    got = read_expected_styles(write(tmp_path, "file,prompt\na.wav,a bright girl\n"), gender)
    assert [c for c in got.table.columns if c.startswith("expected_")] == [
        "expected_gender", "expected_pitch", "expected_variation", "expected_rate", "expected_loudness", "expected_noise"]
    assert got.table["expected"].tolist() == ["Female"]
    assert "Bright" in got.table["warnings"][0]


def test_absolute_paths_inside_the_audio_root_are_made_relative(tmp_path):
    root = tmp_path / "audio"
    path = write(tmp_path, f"file,styles\n{root}/x/a.wav,male\n")
    assert read_expected_styles(path, audio_root=root).files == ["x/a.wav"]
    with pytest.raises(StylesError, match="not inside the audio folder"):
        read_expected_styles(path, audio_root=tmp_path / "other")


def test_explain_lists_what_matched(tmp_path):
    table = explain_expected_styles(write(tmp_path, "file,prompt\na.wav,\"an elderly man, not raspy\"\n"))
    matched = table["matched"][0].splitlines()
    assert matched[0].startswith("elderly -> Adult (means Senior")
    assert "man -> Male" in matched
    assert any(line.startswith("not raspy: negates Rough") for line in matched)


@pytest.mark.parametrize("key,norm", [
    ("./a/b.wav", "a/b.wav"), ("a\\b.wav", "a/b.wav"), ("a//b.wav", "a/b.wav"), (" a/./b.wav ", "a/b.wav"),
    ("a/../b.wav", "b.wav"), ("é è/ü ö.flac", "é è/ü ö.flac"),
])
def test_normalise_file_key(key, norm):
    assert normalise_file_key(key) == norm


# ---- usage errors ----------------------------------------------------------------------------

BAD = [
    ("file,styles\na.wav,Female\nb.wav,Male,extra\n", r"line 3: 3 cells, but the header has 2"),
    ("file,styles\na.wav\n", r"line 2: 1 cells, but the header has 2"),
    ("file,styles\na.wav,\"Female\"x\"\n", r"malformed CSV"),
    ("file,styles\na.wav,\"Female\n", r"malformed CSV"),
    ("name,styles\na.wav,Female\n", r"no 'file' column; the header is 'name', 'styles'"),
    ("file|styles\na.wav|Female\n", r"separated by commas, ';' or tabs"),
    ("file,system\na.wav,x\n", r"needs a 'styles' column .* or a 'prompt' column"),
    ("file,styles,File\na.wav,Female,b\n", r"column\(s\) file appear more than once"),
    ("file,styles\na.wav,Female\n ,Male\n", r"line 3: 'file' cell: empty file path"),
    ("file,styles\na.wav,Female\n./a.wav,Male\nc.wav,Dark\na.wav,Male\n", r"'a\.wav' on lines 2, 3, 5"),
    ("file,styles\na.wav,Female\nb.wav,woman;Dark\n", r"line 3: 'styles' cell 'woman;Dark': unknown style label "
                                                       r"'woman'; valid labels: Female, Male, Adult, Teenager, Dark"),
    ("file,styles\na.wav,Femal;Adult\n", r"line 2: 'styles' cell 'Femal;Adult': unknown style label 'Femal' "
                                          r"\(did you mean Female\?\)"),
    ("file,styles\na.wav,Dark;bright\n", r"line 2: .*Dark and Bright are both brightness labels"),
    ("file,styles\n/abs/a.wav,Female\n", r"line 2: .*absolute path '/abs/a\.wav'"),
    ("file,styles\nC:\\audio\\a.wav,Female\n", r"line 2: .*absolute path"),
    ("file,styles\na/../../b.wav,Female\n", r"line 2: .*climbs out of the audio folder"),
    ("file,styles\n..,Female\n", r"climbs out"),
    ("file,styles\n./,Female\n", r"names the audio folder itself"),
    ("", r"empty: expected a header row"),
    ("\n\n,,\n", r"empty: expected a header row"),
    ("file,styles\na.wav,Fe\x00male\n", r"NUL bytes"),
]


@pytest.mark.parametrize("text,message", BAD, ids=[m[:30] for _, m in BAD])
def test_usage_errors_name_the_file_and_reason(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(StylesError, match=message) as info:
        read_expected_styles(path)
    assert str(info.value).startswith(f"{path}: ")
    assert info.value.path == path


def test_unreadable_and_non_utf8_files(tmp_path):
    with pytest.raises(StylesError, match="cannot read the file"):
        read_expected_styles(tmp_path / "missing.csv")
    with pytest.raises(StylesError, match="cannot read the file"):
        read_expected_styles(tmp_path)
    latin = write(tmp_path, "file,prompt\nä.wav,a bright voice\n", encoding="latin-1")
    with pytest.raises(StylesError, match="not UTF-8 text"):
        read_expected_styles(latin)


def test_header_only_gives_an_empty_table(tmp_path):
    got = read_expected_styles(write(tmp_path, "file,styles\n"))
    assert len(got) == 0 and "expected_gender" in got.table.columns


# ---- properties ------------------------------------------------------------------------------

_NAME_CHARS = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\")
_SEGMENT = st.text(_NAME_CHARS, min_size=1, max_size=8).map(str.strip).filter(lambda s: s not in ("", ".", ".."))
# A first segment like "C:" reads as a Windows drive, i.e. an absolute path (refused by design).
_FILE = st.lists(_SEGMENT, min_size=1, max_size=3).map("/".join).filter(
    lambda f: not (len(f) >= 2 and f[1] == ":" and f[0].isascii() and f[0].isalpha()))
_LABELS = st.lists(st.sampled_from(list(PAPER_LABELS.categories)), unique=True, max_size=4).flatmap(
    lambda cats: st.tuples(*(st.sampled_from(PAPER_LABELS.categories[c]) for c in cats)))


@st.composite
def styles_tables(draw):
    files = draw(st.lists(_FILE, min_size=0, max_size=8, unique=True))
    rows = []
    for file in files:
        labels = draw(_LABELS)
        cased = [draw(st.sampled_from([lab, lab.lower(), lab.upper()])) for lab in labels]
        sep = draw(st.sampled_from([";", ",", " ; ", ", "]))
        written = draw(st.sampled_from([file, "./" + file, file.replace("/", "\\")]))
        rows.append((file, written, labels, sep.join(cased), draw(st.text(_NAME_CHARS, max_size=6)).strip()))
    return rows


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(styles_tables(), st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), st.booleans())
def test_written_tables_read_back_exactly(tmp_path, rows, quoting, bom):
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, quoting=quoting, lineterminator=("\r\n" if bom else "\n"))
    writer.writerow(["file", "system", "styles"])
    for _, written, _, cell, system in rows:
        writer.writerow([written, system, cell])
    path = write(tmp_path, ("\ufeff" if bom else "") + buf.getvalue())

    got = read_expected_styles(path)

    assert got.files == [r[0] for r in rows]
    assert got.table["system"].tolist() == [r[4] for r in rows]
    for (file, _, labels, _, _), parse, expected in zip(rows, got.parses, got.table["expected"]):
        assert set(parse.expected.values()) == set(labels)
        assert set(expected.split(";")) - {""} == set(labels)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300),
                 st.text(st.sampled_from('file,styles,prompt\n\r";\\/. aFemaleDark\x00é'), max_size=200)
                 .map(lambda t: t.encode("utf-8"))))
def test_garbage_only_ever_raises_styles_error(tmp_path, data):
    path = tmp_path / "garbage.csv"
    path.write_bytes(data)
    try:
        got = read_expected_styles(path)
    except StylesError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert list(got.table["file"]) == [normalise_file_key(f) for f in got.table["file"]]


# ---- at scale: every bad row at once, skipping them, other delimiters ---------------------------

def big_styles(tmp_path: Path, n: int, bad: dict[int, str], delimiter: str = ",") -> Path:
    """``n`` rows ``f{i}.wav`` expecting Female;Adult, with the rows in ``bad`` (row index ->
    styles cell) replaced."""
    lines = [delimiter.join(["file", "styles", "system"])]
    for i in range(n):
        styles = bad.get(i, "Female;Adult")
        lines.append(delimiter.join([f"f{i:05d}.wav", f'"{styles}"' if delimiter in styles else styles, "sys"]))
    return write(tmp_path, "\n".join(lines) + "\n")


def test_every_bad_row_in_one_message(tmp_path):
    path = big_styles(tmp_path, 10_000, {17: "Femal", 4_000: "Female;Male", 9_998: "Grumpy"})
    with pytest.raises(StylesError) as info:
        read_expected_styles(path)
    message = str(info.value)
    assert "3 bad rows" in message
    # Line numbers: the header is line 1, row i is on line i + 2.
    assert "line 19: 'styles' cell 'Femal': unknown style label 'Femal' (did you mean Female?)" in message
    assert "line 4002: 'styles' cell 'Female;Male': Female and Male are both gender labels" in message
    assert "line 10000: 'styles' cell 'Grumpy': unknown style label 'Grumpy'" in message
    assert "--skip-bad-rows" in message and "valid labels: Female, Male" in message


def test_many_bad_rows_list_the_first_twenty_and_count_the_rest(tmp_path):
    path = big_styles(tmp_path, 100, {i: "Dakr" for i in range(0, 50, 2)})
    message = str(pytest.raises(StylesError, read_expected_styles, path).value)
    assert "25 bad rows" in message and "... and 5 more bad row(s)" in message
    assert message.count("did you mean Dark?") == 20


def test_skip_bad_rows_reads_the_rest(tmp_path):
    path = big_styles(tmp_path, 10_000, {17: "Femal", 4_000: "Female;Male", 9_998: "Grumpy"})
    got = read_expected_styles(path, skip_bad_rows=True)
    assert len(got) == 9_997
    assert got.bad_rows["file"].tolist() == ["f00017.wav", "f04000.wav", "f09998.wav"]
    assert got.bad_rows["line"].tolist() == [19, 4002, 10000]
    assert got.bad_rows["system"].tolist() == ["sys"] * 3
    assert "did you mean Female?" in got.bad_rows["reason"][0]
    assert not set(got.bad_rows["file"]) & set(got.files)
    # Nothing bad: an empty table with its columns.
    clean = read_expected_styles(big_styles(tmp_path, 3, {}), skip_bad_rows=True)
    assert clean.bad_rows.empty and list(clean.bad_rows.columns) == ["file", "line", "system", "speaker", "styles",
                                                                     "prompt", "reason"]


def test_skipped_duplicates_and_unusable_paths(tmp_path):
    path = write(tmp_path, "file,styles\na.wav,Female\nb.wav,Male\n./a.wav,Male\n,Female\n../x.wav,Male\nc.wav\n")
    got = read_expected_styles(path, skip_bad_rows=True)
    assert got.files == ["b.wav"]
    bad = got.bad_rows.set_index("file")
    # A file listed twice: which expectation was meant is unknown, so neither row is used.
    assert bad.loc["a.wav", "line"] == 2 and "lines 2, 4" in bad.loc["a.wav", "reason"]
    assert "empty file path" in bad.loc["line 5", "reason"]
    assert "climbs out" in bad.loc["../x.wav", "reason"]
    assert "1 cells, but the header has 2" in bad.loc["c.wav", "reason"]


def test_semicolon_separated_as_excel_writes_it(tmp_path):
    path = write(tmp_path, "\ufefffile;styles;prompt\r\na.wav;Female,Adult;\r\nb.wav;\"Male;Dark\";\r\n"
                           "c.wav;;a bright young woman\r\n")
    got = read_expected_styles(path)
    assert got.files == ["a.wav", "b.wav", "c.wav"]
    assert got.table["expected"].tolist() == ["Female;Adult", "Male;Dark", "Female;Teenager;Bright"]
    tabbed = read_expected_styles(write(tmp_path, "file\tstyles\na.wav\tMale\n", "t.tsv"))
    assert tabbed.table["expected"].tolist() == ["Male"]


def test_absolute_paths_inside_a_symlinked_audio_root(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    path = write(tmp_path, f"file,styles\n{link}/a/x.wav,Male\n{real}/y.wav,Female\n")
    got = read_expected_styles(path, audio_root=link)
    assert got.files == ["a/x.wav", "y.wav"]
    with pytest.raises(StylesError, match="not inside the audio folder"):
        read_expected_styles(path, audio_root=tmp_path / "elsewhere")


def test_identical_duplicate_rows_are_merged_with_a_warning(tmp_path):
    path = write(tmp_path, "file,styles,system\na.wav,Female,x\nb.wav,Male,x\n./a.wav,Female,x\na.wav,Female,x\n")
    got = read_expected_styles(path)
    assert got.files == ["a.wav", "b.wav"] and got.bad_rows.empty
    assert got.duplicates.to_dict("records") == [{"file": "a.wav", "lines": "2, 4, 5"}]
    assert "1 file(s) listed more than once with identical rows, each read once: a.wav (lines 2, 4, 5)" in \
        got.duplicate_warning()
    assert read_expected_styles(write(tmp_path, "file,styles\na.wav,Female\n", "one.csv")).duplicate_warning() == ""


def test_a_conflicting_duplicate_stays_an_error_on_every_line(tmp_path):
    path = write(tmp_path, "file,styles\na.wav,Female\na.wav,Female\na.wav,Male\n")
    with pytest.raises(StylesError, match=r"'a\.wav' on lines 2, 3, 4: listed more than once"):
        read_expected_styles(path)
    got = read_expected_styles(path, skip_bad_rows=True)
    assert got.files == [] and got.duplicates.empty and got.bad_rows["file"].tolist() == ["a.wav"]
