"""Package references in a parsed JavaScript/TypeScript file.

For the JS/TS analyzer: call `add_js_import_refs(source, tree, language, result)`
from its `analyze()`.  It finds `import ... from 'x'`, `import 'x'`,
`export ... from 'x'`, `import('x')`, `require('x')`, `require.resolve('x')` and
TypeScript's `import x = require('x')`, and keeps only specifiers that name an
npm package (`names.npm_package_of`: scopes and subpaths folded, built-ins,
relative paths, URLs and path aliases dropped).
"""

from __future__ import annotations

from ..analysis.source import SourceFile
from ..model import FileResult, ImportRef
from .names import NPM, npm_package_of

_QUERY_SOURCE = """
(import_statement source: (string (string_fragment) @spec))
(export_statement source: (string (string_fragment) @spec))
(import_require_clause source: (string (string_fragment) @spec))
(call_expression function: (import)
  arguments: (arguments . [(string (string_fragment) @spec)
                           (template_string . (string_fragment) @spec .)]))
(call_expression function: [(identifier) (member_expression)] @require
  arguments: (arguments . (string (string_fragment) @spec)))
"""
_REQUIRES = frozenset({b"require", b"require.resolve", b"module.require"})

_queries: dict = {}


def _query(language: str):
    query = _queries.get(language)
    if query is None:
        from tree_sitter import Query

        from ..languages import ts_language

        source = _QUERY_SOURCE
        if language == "javascript":  # no `import x = require()` in plain JavaScript
            source = source.replace(
                "(import_require_clause source: (string (string_fragment) @spec))\n", "")
        query = _queries[language] = Query(ts_language(language), source)
    return query


def add_js_import_refs(source: SourceFile, tree, language: str, result: FileResult) -> None:
    from tree_sitter import QueryCursor

    data = source.data
    for _, match in QueryCursor(_query(language)).matches(tree.root_node):
        callee = match.get("require")
        if callee and data[callee[0].start_byte:callee[0].end_byte] not in _REQUIRES:
            continue
        for node in match.get("spec", ()):
            specifier = data[node.start_byte:node.end_byte].decode("utf-8", "replace")
            package = npm_package_of(specifier)
            if package is not None:
                end = node.start_byte + len(package.encode("utf-8"))
                result.imports.append(ImportRef(
                    package, NPM, source.offset_location(node.start_byte, end), "import"))
