"""bench/corpus/labels.tsv: every label parses, names a corpus file and lines it has.

The tools' scores on the corpus are measured by bench/corpus_accuracy.py, not asserted
here: the corpus is for honest figures, not a threshold to tune rules against.
"""

from __future__ import annotations

import importlib.util
import os
import sys

from .conftest import REPO

spec = importlib.util.spec_from_file_location(
    "corpus_accuracy", os.path.join(REPO, "bench", "corpus_accuracy.py"))
corpus_accuracy = importlib.util.module_from_spec(spec)
sys.modules.setdefault("corpus_accuracy", corpus_accuracy)  # dataclasses look it up
spec.loader.exec_module(corpus_accuracy)


def test_labels_parse_and_point_at_existing_lines():
    labels = corpus_accuracy.read_labels()
    assert labels
    for label in labels:
        path = os.path.join(corpus_accuracy.CORPUS, label.path)
        assert os.path.isfile(path), f"{label.path}: labelled file missing"
        with open(path, encoding="utf-8") as handle:
            length = len(handle.read().splitlines())
        assert 1 <= label.first <= label.last <= length, f"{label.path}:{label.first}"


def test_every_corpus_file_is_labelled_and_half_are_fixed():
    labels = corpus_accuracy.read_labels()
    labelled = {label.path for label in labels}
    assert labelled == set(corpus_accuracy.corpus_files())
    vulnerable = {label.path for label in labels if label.cwes}
    fixed = {label.path for label in labels if not label.cwes}
    assert not vulnerable & fixed
    assert {p.replace("_vulnerable.", "_fixed.") for p in vulnerable} == fixed


def test_bad_labels_are_rejected(tmp_path):
    for line in ("python/a.py\t3\tCWE-89", "python/a.py\tx\t89", "python/a.py\t5-2\tnone",
                 "python/a.py\t3"):
        path = tmp_path / "labels.tsv"
        path.write_text(line + "\n", encoding="utf-8")
        try:
            corpus_accuracy.read_labels(str(path))
        except ValueError:
            continue
        raise AssertionError(f"accepted {line!r}")
