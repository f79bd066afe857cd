"""Turn (name, index) pairs into per-index answers: build the requests, fetch, interpret.

Imported only when something is not in the cache.  A simple index decides whether a
project exists; the JSON API of the public default index only adds detail.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import replace

from .indexes import NPM, PYPI, Index
from .online_http import Fetcher, FetchError, Request, Response
from .online_parse import (
    SIMPLE_JSON,
    flat_names,
    parse_packument,
    parse_pypi_json,
    parse_simple,
)
from .records import PackageRecord

SIMPLE_ACCEPT = f"{SIMPLE_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1"
NPM_MAX_BYTES = 16 * 1024 * 1024  # bigger packuments belong to old, busy packages

Name = tuple[str, str]


def _requests(ecosystem: str, name: str, index: Index) -> list[Request]:
    common = {"auth": index.auth, "verify": index.verify}
    if index.flat:
        return [Request(index.url, "text/html", **common)]
    if ecosystem == NPM:
        url = index.url + urllib.parse.quote(name, safe="@")  # @scope/name -> @scope%2Fname
        return [Request(url, "application/json", max_bytes=NPM_MAX_BYTES, **common)]
    quoted = urllib.parse.quote(name)
    found = [Request(f"{index.url}{quoted}/", SIMPLE_ACCEPT, **common)]
    if index.json_api:
        found.append(Request(f"{index.json_api}{quoted}/json", "application/json", **common))
    return found


def fetch(missing: dict[Name, list[Index]], deadline: float):
    """name -> {index: answer} for every index of every name in `missing`."""
    plan = {(name, index): _requests(*name, index)
            for name, indexes in missing.items() for index in indexes}
    responses = Fetcher(deadline).run([r for requests in plan.values() for r in requests])
    fetched: dict[Name, dict[Index, PackageRecord]] = {}
    for (name, index), requests in plan.items():
        record = _answer(name, index, [responses[r] for r in requests])
        fetched.setdefault(name, {})[index] = replace(record, index=index.label)
    return fetched


def _answer(name: Name, index: Index, outcomes: list[Response | FetchError]) -> PackageRecord:
    ecosystem, project = name
    first = outcomes[0]
    if index.flat:
        return _interpret(name, first, lambda r: PackageRecord(
            ecosystem, project, project in flat_names(r.content_type, r.body)))
    if ecosystem == NPM:
        return _interpret(name, first, lambda r: parse_packument(r.body, project, r.complete))
    simple = _interpret(name, first, lambda r: parse_simple(r.content_type, r.body, project)
                        if r.complete else PackageRecord(PYPI, project, True))
    if len(outcomes) == 1:
        return simple
    extra = _interpret(name, outcomes[1], lambda r: parse_pypi_json(r.body, project)
                       if r.complete else PackageRecord(PYPI, project, True))
    if simple.exists is None:
        return extra if extra.exists is not None else simple
    if not (simple.exists and extra.exists):
        return simple  # the simple index decides existence; the JSON API only adds detail
    dates = [d for d in (simple.first_release, extra.first_release) if d]
    return replace(simple, first_release=min(dates, default=None), summary=extra.summary,
                   release_count=extra.release_count or simple.release_count)


def _interpret(name: Name, outcome, parse) -> PackageRecord:
    if isinstance(outcome, FetchError):
        return PackageRecord(*name, None, note=str(outcome))
    if outcome.status == 200:
        return parse(outcome)
    if outcome.status in (404, 410):
        return PackageRecord(*name, False)
    if outcome.status in (401, 403):
        return PackageRecord(*name, None, note=f"HTTP {outcome.status}: access denied "
                             "(credentials for this index missing?)")
    return PackageRecord(*name, None, note=f"HTTP {outcome.status}")
