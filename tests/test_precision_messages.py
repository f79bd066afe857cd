"""Messages say what the analysis knows: no "unknown origin" for a traced value, no
"pass values as parameters" to a call that already does."""

from __future__ import annotations

import textwrap

from aicodeguard.engine import analyze_source


def messages(source: str, rule: str) -> list[str]:
    result = analyze_source("case.py", textwrap.dedent(source).encode(), "python")
    return [f.message for f in result.findings if f.rule_id == rule]


def test_sql_with_parameters_names_the_interpolated_part():
    found = messages("""
        def rows(cursor, table, value):
            cursor.execute(f"SELECT * FROM {table} WHERE id = ?", (value,))
        """, "AIG101")
    assert len(found) == 1
    assert "pass values as query parameters instead" not in found[0]
    assert "`table`" in found[0] and "already go as parameters" in found[0]


def test_sql_without_parameters_asks_for_them():
    found = messages("""
        def rows(cursor, value):
            cursor.execute(f"SELECT * FROM t WHERE id = {value}")
        """, "AIG101")
    assert len(found) == 1 and "pass values as query parameters instead" in found[0]


def test_pickle_names_what_the_data_was_traced_to():
    found = messages("""
        import pickle

        def restore(packet):
            return pickle.loads(packet)
        """, "AIG401")
    assert len(found) == 1
    assert "unknown origin" not in found[0] and "the parameter `packet`" in found[0]


def test_pickle_round_trip_is_quiet():
    assert not messages("""
        import pickle

        def clone(obj):
            data = pickle.dumps(obj)
            return pickle.loads(data)
        """, "AIG401")
