"""A folder laid out as the DreamVoice demo page has it: the outputs of three voice-conversion
systems in one sub-folder each, and ``gt/`` holding the source recordings they were made from
plus recordings STYLES.csv does not name at all.

STYLES.csv has ``file``, ``prompt``, ``system`` and ``source`` columns and lists the 15 outputs;
the 5 sources are named only in its ``source`` column; ``gt/extra1.wav`` and ``gt/extra2.wav``
are in no row. Audio is short real speech (:func:`helpers.speech_like`), so it passes the speech
check and a tiny model scores the folder in seconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers import speech_like, write_wav

SYSTEMS = ("dreamvc", "dreamvg", "promptvc")
PROMPTS = (
    "a young girl with a bright voice",
    "an adult man with a deep, dark voice",
    "an elderly woman",
    "a teenage boy",
    "a smooth female voice",
)
SOURCES = tuple(f"gt/src{i}.wav" for i in range(1, len(PROMPTS) + 1))
EXTRAS = ("gt/extra1.wav", "gt/extra2.wav")


@dataclass(frozen=True)
class DemoLayout:
    audio: Path
    styles: Path

    @staticmethod
    def output(system: str, item: int) -> str:
        return f"{system}/{item}.wav"


def build_demo_layout(root: Path, *, system_column: bool = True) -> DemoLayout:
    """Write the folder and its STYLES.csv under ``root``; without ``system_column`` the CSV has
    no ``system`` column (the systems then come from the folders)."""
    audio = root / "demo"
    seed = 0
    for source in (*SOURCES, *EXTRAS):
        write_wav(audio / source, speech_like(0.8, seed=seed))
        seed += 1
    lines = ["file,prompt,system,source" if system_column else "file,prompt,source"]
    for system in SYSTEMS:
        for item, prompt in enumerate(PROMPTS, start=1):
            write_wav(audio / DemoLayout.output(system, item), speech_like(0.8, seed=seed))
            seed += 1
            cells = [DemoLayout.output(system, item), f'"{prompt}"']
            if system_column:
                cells.append(system)
            cells.append(SOURCES[item - 1])
            lines.append(",".join(cells))
    styles = root / "STYLES.csv"
    styles.write_text("\n".join(lines) + "\n")
    return DemoLayout(audio, styles)
