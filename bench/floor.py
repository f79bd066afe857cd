"""The physical limit of this design: parse every file with tree-sitter and run one
combined query (the Python analyzer's own generic query), on one core, nothing else.

    python bench/floor.py [FOLDER]     (default: the standard library corpus)
"""

from __future__ import annotations

import glob
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tree_sitter import Parser, Query, QueryCursor  # noqa: E402

from aicodeguard.languages import ts_language  # noqa: E402
from aicodeguard.rules.python.analyzer import QUERY_SOURCE  # noqa: E402


def main() -> None:
    if len(sys.argv) > 1:
        folder = sys.argv[1]
    else:
        from common import stdlib_corpus

        folder = stdlib_corpus()
    paths = sorted(glob.glob(os.path.join(folder, "**", "*.py"), recursive=True))
    language = ts_language("python")
    parser = Parser(language)
    query = Query(language, QUERY_SOURCE)
    start = time.process_time()
    captures = 0
    for path in paths:
        with open(path, "rb") as handle:
            tree = parser.parse(handle.read())
        captures += sum(len(nodes) for nodes in QueryCursor(query).captures(tree.root_node).values())
    cpu = time.process_time() - start
    print(f"floor: {len(paths)} files, {captures} captures, {cpu:.2f} s CPU (one core)")


if __name__ == "__main__":
    main()
