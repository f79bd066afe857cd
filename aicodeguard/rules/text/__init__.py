"""Checks that read a file's text instead of its syntax tree.

They run on every scanned file (engine.TEXT_PASSES), after its language analyzer:
secrets in known formats and in configuration files, hidden Unicode (bidirectional
controls, invisible characters, tag and variation-selector payloads, look-alike
identifiers), injected instructions in AI assistant instruction files, and the
tell-tale comments assistants leave (`# nosec` at a dangerous call, `TODO: add
authentication` on a route).  Each pass rejects a file with a cheap byte test first.
"""
