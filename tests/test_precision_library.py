"""Confidence from where code sits and what it is for (issue 10): library code running
or loading what its caller passes, wrappers whose contract is a shell command, TLS
checks switched off in an explicit opt-out branch, identifiers from the object's own
settings, and example folders.  Each case has its dangerous twin, which keeps medium or
high confidence."""

from __future__ import annotations

import pytest

from aicodeguard.engine import analyze_source


def findings(text: str, rule: str, path: str = "lib.py"):
    result = analyze_source(path, text.encode(), "python")
    return [(f.line if hasattr(f, "line") else f.location.line, f.confidence.label, f.evidence)
            for f in result.findings if f.rule_id == rule]


LIBRARY_EXEC = "def runctx(cmd, namespace):\n    exec(cmd, namespace)\n"


def test_a_parameter_run_as_code_in_a_library_is_low():
    assert findings(LIBRARY_EXEC, "AIG103") == [(2, "low", "parameter+library")]


@pytest.mark.parametrize("header", [
    "from flask import request\n", "import fastapi\n", "from http.server import HTTPServer\n",
    "import openai\n",
])
def test_the_same_in_application_code_stays_medium(header):
    assert findings(header + LIBRARY_EXEC, "AIG103") == [(3, "medium", "parameter")]


def test_a_caller_in_the_file_passing_user_input_makes_it_high():
    text = "def calc(expr):\n    return eval(expr)\n\nprint(calc(input('> ')))\n"
    assert findings(text, "AIG103") == [(2, "high", "remote-input")]
    method = ("class Shell:\n    def run(self, line):\n        exec(line)\n\n"
              "    def loop(self):\n        self.run(input('> '))\n")
    assert findings(method, "AIG103") == [(3, "high", "remote-input")]


def test_compile_alone_runs_nothing_exec_of_its_result_is_judged():
    assert findings("def check(src):\n    return compile(src, 'f', 'exec')\n", "AIG103") == []
    text = "from flask import request\n\ndef run(src):\n    code = compile(src, 'f', 'exec')\n" \
        "    exec(code)\n"
    assert findings(text, "AIG103") == [(4, "medium", "parameter")]


def test_pickle_of_a_file_chosen_by_the_caller_is_low_in_a_library_and_marshal_is_low():
    text = "import pickle\n\ndef load(path):\n    with open(path, 'rb') as f:\n" \
        "        return pickle.load(f)\n"
    assert findings(text, "AIG401") == [(5, "low", "parameter+library")]
    assert findings("import flask\n" + text, "AIG401") == [(6, "medium", "parameter")]
    result = analyze_source("m.py", b"import marshal\n\ndef f(blob):\n    return marshal.loads(blob)\n",
                            "python")
    assert [(f.rule_id, f.severity.label) for f in result.findings] == [("AIG401", "low")]
    # bytes handed in as a parameter: the same contract (an ORM's pickled column, a
    # serializer's `loads`), low in a library; an application module keeps it at medium
    blob = "import pickle\n\ndef f(blob):\n    return pickle.loads(blob)\n"
    assert findings(blob, "AIG401") == [(4, "low", "parameter+library")]
    assert findings("import flask\n" + blob, "AIG401") == [(5, "medium", "parameter")]
    # bytes of unknown origin that are not a parameter keep the rule's own rating
    cached = "import pickle\n\ndef f(cache):\n    return pickle.loads(cache.get('k'))\n"
    assert findings(cached, "AIG401") == [(4, "high", "pattern")]


def test_a_shell_wrapper_is_low_unless_a_caller_passes_outside_data():
    wrapper = "import os\n\ndef run(command):\n    return os.system(command)\n"
    assert findings(wrapper, "AIG102") == [(4, "low", "parameter+wrapper")]
    called = wrapper + "\nrun(input('command: '))\n"
    assert findings(called, "AIG102") == [(4, "high", "remote-input")]
    built = "import os\n\ndef restart(service):\n    os.system('systemctl restart ' + service)\n"
    assert findings(built, "AIG102") == [(4, "medium", "parameter")]


def test_tls_checks_off_in_an_opt_out_branch_are_low():
    text = ("import ssl\n\ndef context(validate_cert):\n    ctx = ssl.create_default_context()\n"
            "    if not validate_cert:\n        ctx.check_hostname = False\n"
            "        ctx.verify_mode = ssl.CERT_NONE\n    return ctx\n")
    assert findings(text, "AIG202") == [(6, "low", "pattern+opt-out"), (7, "low", "pattern+opt-out")]
    plain = ("import ssl\n\ndef context(debug):\n    ctx = ssl.create_default_context()\n"
             "    if debug:\n        ctx.check_hostname = False\n    return ctx\n")
    assert findings(plain, "AIG202") == [(6, "high", "pattern")]


def test_a_table_name_from_the_objects_own_setting_is_low():
    text = ("class Store:\n    def get(self, cursor, key):\n"
            "        cursor.execute('select v from {} where k = %s'.format(self.table), (key,))\n")
    assert findings(text, "AIG101") == [(3, "low", "constant")]
    value = ("class Store:\n    def get(self, cursor, key):\n"
             "        cursor.execute('select v from {} where k = {}'.format(self.table, key), ())\n")
    assert findings(value, "AIG101") == [(3, "medium", "parameter")]


def test_example_folders_are_a_context():
    result = analyze_source("examples/blog/app.py", b"app.run(debug=True)\n", "python")
    assert "example" in result.context
    assert "example" not in analyze_source("src/app.py", b"x = 1\n", "python").context
