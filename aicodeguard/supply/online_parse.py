"""Index and registry documents -> PackageRecord (pure functions, no I/O).

Simple index project pages (PEP 691 JSON, PEP 503 HTML, a file:// directory listing),
the PyPI-style JSON API, npm packuments.  A page that exists but cannot be read still
means the project exists; only its details are lost.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from .names import normalize_pypi as normalise
from .records import PackageRecord

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
LISTING = "application/x-directory-listing"  # file:// folder without index.html, one name a line
SDIST_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".zip")
NPM_SECURITY_PLACEHOLDER = "0.0.1-security"
PLACEHOLDER_MESSAGE = ("security holding package: the registry removed this package "
                       "(typically for malware) and reserved the name")


# ---------------------------------------------------------------- file names

def _sdist_stem(filename: str) -> str | None:
    lower = filename.lower()
    return next((filename[: -len(s)] for s in SDIST_SUFFIXES if lower.endswith(s)), None)


def version_of(filename: str, project: str) -> str | None:
    """The version in a wheel, egg or sdist file name of `project` (normalised)."""
    if filename.endswith((".whl", ".egg")):
        parts = filename.split("-")
        return parts[1] if len(parts) >= 3 else None
    stem = _sdist_stem(filename)
    if stem is None:
        return None
    for position, character in enumerate(stem):
        if character == "-" and normalise(stem[:position]) == project:
            return stem[position + 1:] or None
    name, _, version = stem.rpartition("-")
    return version if name else None


def project_of(filename: str) -> str | None:
    """The normalised project name in a distribution file name (flat find-links listings)."""
    if filename.endswith((".whl", ".egg")):
        return normalise(filename.split("-")[0]) if "-" in filename else None
    stem = _sdist_stem(filename)
    match = re.fullmatch(r"(.+?)-(\d[^-]*)", stem or "")
    return normalise(match.group(1)) if match else None


# ---------------------------------------------------------------- simple index

def _from_files(ecosystem: str, name: str, files: list[tuple[str, str | None, bool]],
                status: str | None, reason: str | None) -> PackageRecord:
    """files: (filename, upload time or None, yanked)."""
    versions = {version_of(filename, name) for filename, _, _ in files} - {None}
    uploads = [uploaded for _, uploaded, _ in files if uploaded]
    deprecated = None
    if status and status != "active":
        deprecated = f"project status: {status}" + (f" ({reason})" if reason else "")
    return PackageRecord(
        ecosystem, name, True,
        first_release=min(uploads)[:10] if uploads else None,
        release_count=len(versions) if files else 0,
        yanked=status == "quarantined" or (bool(files) and all(y for _, _, y in files)),
        deprecated=deprecated,
    )


def parse_simple_json(data: bytes, name: str) -> PackageRecord:
    try:
        document = json.loads(data)
        files = [(f["filename"], f.get("upload-time"), bool(f.get("yanked")))
                 for f in document.get("files", []) if isinstance(f.get("filename"), str)]
        status = document.get("project-status") or {}
        return _from_files("pypi", name, files, status.get("status"), status.get("reason"))
    except (ValueError, AttributeError, TypeError):
        return PackageRecord("pypi", name, True)


class _ProjectPage(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.files: list[tuple[str, str | None, bool]] = []
        self.meta: dict[str, str] = {}
        self._anchor: dict | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a":
            self._anchor, self._text = values, []
        elif tag == "meta" and values.get("name"):
            self.meta[values["name"]] = values.get("content") or ""

    def handle_data(self, data):
        if self._anchor is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag != "a" or self._anchor is None:
            return
        href = (self._anchor.get("href") or "").split("#", 1)[0]
        filename = "".join(self._text).strip() or href.rstrip("/").rsplit("/", 1)[-1]
        self.files.append((filename, self._anchor.get("data-upload-time"),
                           "data-yanked" in self._anchor))
        self._anchor = None


def parse_simple_html(text: str, name: str) -> PackageRecord:
    page = _ProjectPage()
    try:
        page.feed(text)
        page.close()
    except Exception:  # noqa: BLE001 - html.parser gives up on some broken markup
        return PackageRecord("pypi", name, True)
    return _from_files("pypi", name, page.files, page.meta.get("pypi:project-status"),
                       page.meta.get("pypi:project-status-reason"))


def parse_listing(text: str, name: str) -> PackageRecord:
    files = [(line, None, False) for line in text.splitlines() if line]
    return _from_files("pypi", name, files, None, None)


def parse_simple(content_type: str, body: bytes, name: str) -> PackageRecord:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in (SIMPLE_JSON, "application/json"):
        return parse_simple_json(body, name)
    if kind == LISTING:
        return parse_listing(body.decode("utf-8", "replace"), name)
    return parse_simple_html(body.decode("utf-8", "replace"), name)


def flat_names(content_type: str, body: bytes) -> set[str]:
    """Projects offered by a find-links page or folder."""
    text = body.decode("utf-8", "replace")
    if content_type.startswith(LISTING):
        filenames = text.splitlines()
    else:
        page = _ProjectPage()
        try:
            page.feed(text)
        except Exception:  # noqa: BLE001, S110 - keep the links read before the bad markup
            pass
        filenames = [filename for filename, _, _ in page.files]
    return {project for f in filenames if (project := project_of(f))}


# ---------------------------------------------------------------- PyPI-style JSON API

def parse_pypi_json(data: bytes, name: str) -> PackageRecord:
    try:
        document = json.loads(data)
        info = document.get("info") or {}
        releases = document.get("releases")
        if isinstance(releases, dict):
            files = [f for release in releases.values() for f in release or ()]
            count = sum(1 for release in releases.values() if release)
        else:  # the deprecated "releases" key is gone: the latest release's files only
            files, count = list(document.get("urls") or ()), None
        uploads = [f.get("upload_time_iso_8601") or f.get("upload_time") for f in files]
        uploads = [u for u in uploads if isinstance(u, str)]
        return PackageRecord(
            "pypi", name, True,
            first_release=min(uploads)[:10] if uploads else None,
            release_count=count,
            yanked=bool(files) and all(f.get("yanked") for f in files),
            summary=(info.get("summary") or "").strip() or None,
        )
    except (ValueError, AttributeError, TypeError):
        return PackageRecord("pypi", name, True)


# ---------------------------------------------------------------- npm packument

def parse_packument(data: bytes, name: str, complete: bool = True) -> PackageRecord:
    """`complete` False: the document was too large to read whole (an old, busy package)."""
    if not complete:
        return PackageRecord("npm", name, True)
    try:
        document = json.loads(data)
        versions = document.get("versions") or {}
        times = document.get("time") or {}
        latest = (document.get("dist-tags") or {}).get("latest")
        deprecated = (versions.get(latest) or {}).get("deprecated") if latest else None
        placeholder = latest == NPM_SECURITY_PLACEHOLDER
        created = times.get("created")
        description = document.get("description")
        return PackageRecord(
            "npm", name, True,
            first_release=created[:10] if isinstance(created, str) else None,
            release_count=len(versions),
            yanked=placeholder or "unpublished" in times,
            deprecated=(deprecated if isinstance(deprecated, str) and deprecated else None)
            or (PLACEHOLDER_MESSAGE if placeholder else None),
            summary=description.strip() or None if isinstance(description, str) else None,
        )
    except (ValueError, AttributeError, TypeError):
        return PackageRecord("npm", name, True)
