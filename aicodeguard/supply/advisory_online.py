"""Online advisory look-ups: optional, and only against the endpoint the user configured.

With `advisory-url` (or AICODEGUARD_ADVISORY_URL) set to an OSV-compatible API, the exact
versions a run checks are sent in one `POST {url}/v1/querybatch`
(`{"queries": [{"package": {"name", "ecosystem"}, "version"}]}`); the advisories it names
are read from the answer when it carries them, else fetched as `GET {url}/v1/vulns/{id}`.
Everything happens within the run's network deadline (`online.network_deadline`);
answers are kept in the registry cache's settings table for a day.  Never raises: a
failure is a note, and the embedded or refreshed snapshot still answers.  What is sent:
package names, ecosystems and pinned versions, nothing else.
"""

from __future__ import annotations

import json
import time

from ..model import Note, NoteLevel
from .advisories import Advisory, advisory_from_compact
from .names import NPM, PYPI, normalize_pypi

TTL = 24 * 3600
OSV_ECOSYSTEMS = {PYPI: "PyPI", NPM: "npm"}
MAX_QUERIES = 1000  # per batch, OSV's limit
MAX_BODY = 32 * 1024 * 1024

Wanted = tuple[str, str, str]  # (ecosystem, name, version)


def query(wanted: list[Wanted], url: str, config) -> tuple[dict[Wanted, list[Advisory]], list[Note]]:
    """Advisories the endpoint knows for each wanted version, and the run's notes."""
    from .indexes import redact
    from .online import network_deadline

    label = redact(url)
    deadline = time.monotonic() + network_deadline(config)
    cache = None
    if getattr(config, "cache", True):
        from .registry_cache import RegistryCache

        cache = RegistryCache()
    found: dict[Wanted, list[Advisory]] = {}
    notes: list[Note] = []
    try:
        missing = []
        for item in wanted:
            stored = cache.get_setting(_cache_key(label, item)) if cache is not None else None
            if stored is None:
                missing.append(item)
            else:
                found[item] = _advisories(item, json.loads(stored))
        if missing:
            try:
                fetched = _fetch(missing, url, deadline)
            except _Failed as error:
                notes.append(Note(label, f"online advisory look-up failed ({error}); "
                                  f"{len(missing)} pinned version(s) judged from the advisory "
                                  "snapshot only", NoteLevel.WARNING))
                fetched = {}
            for item, records in fetched.items():
                found[item] = _advisories(item, records)
                if cache is not None:
                    cache.put_setting(_cache_key(label, item), json.dumps(records), TTL)
    finally:
        if cache is not None:
            notes[:0] = cache.notes
            cache.close()
    return found, notes


class _Failed(Exception):
    pass


def _cache_key(label: str, item: Wanted) -> str:
    return "osv\t" + "\t".join((label, *item))


def _advisories(item: Wanted, records: list[dict]) -> list[Advisory]:
    from .advisory_build import compact

    ecosystem, name, _ = item
    key = normalize_pypi(name) if ecosystem == PYPI else name
    return [advisory_from_compact(entry) for entry in compact(records)[ecosystem].get(key, ())]


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Failed("no answer before the network deadline")
    return left


def _fetch(wanted: list[Wanted], url: str, deadline: float) -> dict[Wanted, list[dict]]:
    """(ecosystem, name, version) -> the full OSV records that affect it."""
    import requests

    from .online_http import USER_AGENT

    ids: dict[Wanted, list[str]] = {}
    records: dict[str, dict] = {}
    try:
        with requests.Session() as session:
            session.headers["User-Agent"] = USER_AGENT
            for start in range(0, len(wanted), MAX_QUERIES):
                batch = wanted[start:start + MAX_QUERIES]
                body = {"queries": [{"package": {"name": name,
                                                 "ecosystem": OSV_ECOSYSTEMS[ecosystem]},
                                     "version": version} for ecosystem, name, version in batch]}
                left = _remaining(deadline)
                response = session.post(f"{url}/v1/querybatch", json=body,
                                        timeout=(min(2.0, left), left))
                if response.status_code != 200:
                    raise _Failed(f"HTTP {response.status_code} from querybatch")
                results = response.json().get("results", [])
                if not isinstance(results, list) or len(results) != len(batch):
                    raise _Failed("querybatch answered a different number of results")
                for item, result in zip(batch, results):
                    vulns = result.get("vulns") or [] if isinstance(result, dict) else []
                    ids[item] = [v["id"] for v in vulns if isinstance(v, dict)
                                 and isinstance(v.get("id"), str)]
                    records.update({v["id"]: v for v in vulns if isinstance(v, dict)
                                    and isinstance(v.get("id"), str) and v.get("affected")})
    except requests.RequestException as error:
        raise _Failed(type(error).__name__) from None
    except ValueError as error:
        raise _Failed(f"not JSON ({error})") from None
    unknown = sorted({i for found in ids.values() for i in found} - set(records))
    if unknown:
        records.update(_details(unknown, url, deadline))
    return {item: [records[i] for i in found if i in records] for item, found in ids.items()}


def _details(ids: list[str], url: str, deadline: float) -> dict[str, dict]:
    """The full records of `ids`, fetched concurrently under the deadline."""
    import urllib.parse

    from .online_http import Fetcher, Request, Response

    requests_ = {Request(f"{url}/v1/vulns/{urllib.parse.quote(i, safe='')}",
                         max_bytes=MAX_BODY): i for i in ids}
    answers = Fetcher(deadline).run(list(requests_))
    records = {}
    for request, answer in answers.items():
        if isinstance(answer, Response) and answer.status == 200 and answer.complete:
            try:
                record = json.loads(answer.body)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("id") == requests_[request]:
                records[record["id"]] = record
    missing = len(ids) - len(records)
    if missing == len(ids):
        raise _Failed(f"none of the {len(ids)} advisories it named could be fetched")
    return records
