"""Turn OSV advisory records into the compact form aicodeguard ships and loads.

Used at release time for the embedded snapshot and by `aicodeguard advisories update`
for a user's refresh.  The compact form keeps what matching and reporting need: ids and
aliases, a summary, the highest CVSS base score (computed here with the `cvss` library
from the records' v2/v3.x/v4 vectors, so loading needs no scoring), the affected
intervals and listed versions, and npm ranges OSV could not express.  Records that name
each other in `aliases` (a PYSEC and a GHSA record of one flaw) become one advisory.

    python -m aicodeguard.supply.advisory_build OSV_FILE... -o aicodeguard/supply/data/advisories.json.gz
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import zipfile
from collections.abc import Iterable, Iterator

from .names import NPM, PYPI, normalize_pypi

FORMAT_VERSION = 1
ECOSYSTEMS = {"PyPI": PYPI, "npm": NPM}
_CVSS_CLASSES = {"CVSS_V2": "CVSS2", "CVSS_V3": "CVSS3", "CVSS_V4": "CVSS4"}


def read_records(path: str) -> Iterator[dict]:
    """OSV records from a JSON-lines file (optionally gzipped), a zip archive of JSON
    files (OSV's per-ecosystem export), or one JSON file."""
    with open(path, "rb") as handle:
        data = handle.read()
    yield from records_from_bytes(data, os.path.basename(path))


def records_from_bytes(data: bytes, name: str = "") -> Iterator[dict]:
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in sorted(archive.namelist()):
                if member.endswith(".json"):
                    yield json.loads(archive.read(member))
        return
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8")
    if name.endswith(".json") or text.lstrip().startswith("["):
        document = json.loads(text)
        yield from document if isinstance(document, list) else [document]
        return
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


def highest_score(severity: list) -> tuple[float | None, str | None]:
    """(base score, vector) of the highest-scoring CVSS vector of a record."""
    import cvss  # only when building: loading the snapshot needs no scoring

    best: tuple[float | None, str | None] = (None, None)
    for entry in severity or ():
        kind = _CVSS_CLASSES.get(entry.get("type"))
        vector = entry.get("score")
        if kind is None or not isinstance(vector, str):
            continue
        try:
            score = float(getattr(cvss, kind)(vector).base_score)
        except Exception:  # noqa: BLE001 - a malformed vector scores nothing
            continue
        if best[0] is None or score > best[0]:
            best = (score, vector)
    return best


def _intervals(ranges: list, ecosystem: str) -> list[list]:
    kinds = ("ECOSYSTEM",) if ecosystem == PYPI else ("SEMVER", "ECOSYSTEM")
    intervals = []
    for range_ in ranges or ():
        if range_.get("type") not in kinds:
            continue  # GIT ranges name commits, not versions
        start = None
        for event in range_.get("events", ()):
            if "introduced" in event:
                if start is not None:
                    intervals.append([start, None, None])
                start = event["introduced"]
            elif "fixed" in event and start is not None:
                intervals.append([start, event["fixed"], None])
                start = None
            elif "last_affected" in event and start is not None:
                intervals.append([start, None, event["last_affected"]])
                start = None
        if start is not None:
            intervals.append([start, None, None])
    return intervals


def _entries(record: dict) -> Iterator[tuple[str, str, dict]]:
    """(ecosystem, name, compact affected entry) for each package a record affects."""
    for affected in record.get("affected", ()):
        package = affected.get("package", {})
        ecosystem = ECOSYSTEMS.get(package.get("ecosystem"))
        if ecosystem is None or not package.get("name"):
            continue
        name = normalize_pypi(package["name"]) if ecosystem == PYPI else package["name"]
        specific = {**record.get("database_specific", {}), **affected.get("database_specific", {})}
        ranges = _intervals(affected.get("ranges"), ecosystem)
        # Listed versions only where no range says it (the ranges are authoritative and
        # the lists are most of the data's size).
        entry = {"ranges": ranges,
                 "versions": [] if ranges else sorted(set(affected.get("versions", ())))}
        if not entry["ranges"] and not entry["versions"] and ecosystem == NPM \
                and isinstance(specific.get("vulnerable_versions"), str):
            entry["npm_range"] = specific["vulnerable_versions"]
        if ecosystem == NPM and isinstance(specific.get("patched_versions"), str):
            entry["patched"] = specific["patched_versions"]  # where `last_affected` ends
        yield ecosystem, name, entry


def compact(records: Iterable[dict]) -> dict:
    """The compact form: {ecosystem: {name: [advisory, ...]}}, deterministic."""
    merged: dict[tuple[str, str], list[dict]] = {}
    for record in records:
        if record.get("withdrawn") or not record.get("id"):
            continue
        score, vector = highest_score(record.get("severity"))
        for ecosystem, name, entry in _entries(record):
            advisory = {"id": record["id"], "aliases": sorted(set(record.get("aliases", ()))),
                        "summary": (record.get("summary") or record.get("details") or "")
                        .strip().split("\n")[0][:200],
                        "score": score, "vector": vector, "published": record.get("published", ""),
                        **entry}
            _merge_into(merged.setdefault((ecosystem, name), []), advisory)
    data: dict = {ecosystem: {} for ecosystem in (PYPI, NPM)}
    for (ecosystem, name), advisories in sorted(merged.items()):
        data[ecosystem][name] = sorted(advisories, key=lambda a: a["id"])
    return data


def _merge_into(known: list[dict], advisory: dict) -> None:
    """Fold `advisory` into a record of the same flaw (shared id or alias), if any."""
    names = {advisory["id"], *advisory["aliases"]}
    for other in known:
        if names & {other["id"], *other["aliases"]}:
            preferred = min(other["id"], advisory["id"], key=_id_rank)
            other["aliases"] = sorted((names | {other["id"], *other["aliases"]}) - {preferred})
            other["id"] = preferred
            if advisory["score"] is not None and (other["score"] is None
                                                  or advisory["score"] > other["score"]):
                other["score"], other["vector"] = advisory["score"], advisory["vector"]
            for interval in advisory["ranges"]:
                if interval not in other["ranges"]:
                    other["ranges"].append(interval)
            other["versions"] = sorted(set(other["versions"]) | set(advisory["versions"]))
            return
    known.append(advisory)


def _id_rank(advisory_id: str) -> tuple[int, str]:
    """Which id names a merged advisory: the GitHub id, then PYSEC, then the rest."""
    order = ("GHSA-", "PYSEC-", "CVE-")
    return next((i for i, prefix in enumerate(order) if advisory_id.startswith(prefix)),
                len(order)), advisory_id


def write(data: dict, path: str, *, date: str, sources: list[str]) -> None:
    """Gzipped lines: a JSON header, then `ecosystem<TAB>name<TAB>advisories-as-JSON`,
    sorted, so a loader indexes names without parsing every package's advisories."""
    header = json.dumps({"format": FORMAT_VERSION, "date": date, "sources": sources},
                        sort_keys=True)
    lines = [header] + [f"{ecosystem}\t{name}\t"
                        + json.dumps(advisories, sort_keys=True, separators=(",", ":"))
                        for ecosystem in sorted(data) for name, advisories in
                        sorted(data[ecosystem].items())]
    payload = ("\n".join(lines) + "\n").encode()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "wb") as handle:
        handle.write(gzip.compress(payload, mtime=0))
    os.replace(path + ".tmp", path)


def latest_date(records: list[dict]) -> str:
    return max((record.get("modified", "")[:10] for record in records), default="")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", metavar="OSV_FILE")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    records = [record for path in args.inputs for record in read_records(path)]
    data = compact(records)
    write(data, args.output, date=latest_date(records),
          sources=[os.path.basename(path) for path in args.inputs])
    counts = ", ".join(f"{eco}: {len(names)} packages" for eco, names in data.items())
    print(f"wrote {args.output} ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
