"""Loader findings (AIG401–AIG407, AIG805) take their severity from where the data comes from."""

from __future__ import annotations

import textwrap

import pytest

from aicodeguard.engine import analyze_source

HEADER = """\
import os, pickle, socket, tarfile, urllib.request
import requests, torch, yaml
from flask import request
from pathlib import Path
"""

CASES = [
    # (body of a function `def f(path, blob):`, rule, severity, shows where data entered)
    ("return pickle.loads(request.data)", "AIG401", "critical", True),
    ("return pickle.loads(requests.get(path, timeout=5).content)", "AIG401", "critical", True),
    ("conn = socket.create_connection(('127.0.0.1', 9))\nreturn pickle.loads(conn.recv(9))",
     "AIG401", "critical", True),
    ("return pickle.loads(blob)", "AIG401", "high", False),
    ("with open(path, 'rb') as f:\n    return pickle.load(f)", "AIG401", "medium", False),
    ("return pickle.load(open(os.environ['MODEL'], 'rb'))", "AIG401", "medium", True),
    ("return pickle.load(open(Path(__file__).parent / 'model.pkl', 'rb'))", "AIG401", "low",
     False),
    ("return pickle.loads(b'\\x80\\x04K\\x01.')", None, None, False),
    ("return yaml.load(request.args['doc'], Loader=yaml.Loader)", "AIG402", "critical", True),
    ("return yaml.full_load(blob)", "AIG402", "low", False),
    ("return torch.load(path, weights_only=False)", "AIG403", "high", False),
    ("return torch.load(path)", "AIG403", "medium", False),
    ("return torch.load('weights.pt')", "AIG403", "low", False),
    ("local, _ = urllib.request.urlretrieve(path)\nreturn torch.load(local)", "AIG403", "high",
     True),
    ("with tarfile.open(fileobj=request.files['a']) as tar:\n    tar.extractall(path)",
     "AIG406", "high", True),
    ("with tarfile.open('bundle.tar') as tar:\n    tar.extractall(path)", "AIG406", "low", False),
]


def findings_of(body: str):
    source = HEADER + "\n\ndef f(path, blob):\n" + textwrap.indent(body, "    ") + "\n"
    result = analyze_source("case.py", source.encode(), "python")
    return [f for f in result.findings if f.rule_id.startswith(("AIG40", "AIG805"))]


@pytest.mark.parametrize(("body", "rule", "severity", "related"), CASES,
                         ids=[case[0].splitlines()[-1][:50] for case in CASES])
def test_severity_follows_data_origin(body, rule, severity, related):
    found = findings_of(body)
    if rule is None:
        assert not found
        return
    assert [(f.rule_id, f.severity.label) for f in found] == [(rule, severity)]
    assert bool(found[0].related) is related


def test_related_location_points_at_the_source():
    (finding,) = findings_of("data = request.get_data()\nreturn pickle.loads(data)")
    (note,) = finding.related
    assert note.location.line == finding.location.line - 1
    assert "request data" in note.message and "request.get_data()" in note.message
