"""Which PyPI distribution provides a Python module, when the names differ.

The shipped table (`data/import-names.txt`) covers the common cases (`cv2` ->
opencv-python, `yaml` -> PyYAML, `google.cloud.storage` -> google-cloud-storage)
and modules that a platform provides rather than an index (`bpy`, `google.colab`);
anything else is assumed to be distributed under its own (top-level) name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from .names import NAMESPACE_ROOTS, normalize_pypi
from .similarity import index_keys, query_keys, resemblance
from .snapshot import DATA_DIR

PLATFORM = "-"  # the distribution column of modules no index provides


@dataclass(frozen=True)
class ImportTable:
    exact: dict[str, tuple[str, ...]]  # dotted module -> distributions (first: the usual one)
    namespaces: dict[str, str]  # "google.cloud" -> "google-cloud-*"

    def distributions(self, module: str) -> tuple[str, ...] | None:
        """Distributions the table names for `module` (longest dotted prefix wins)."""
        parts = module.split(".")
        for size in range(len(parts), 0, -1):
            prefix = ".".join(parts[:size])
            found = self.exact.get(prefix)
            if found is not None:
                return found
            parent = ".".join(parts[:size - 1])
            template = self.namespaces.get(parent) if size > 1 else None
            if template is not None:
                return (normalize_pypi(template.replace("*", parts[size - 1])),)
        return None


@lru_cache(maxsize=1)
def table() -> ImportTable:
    exact: dict[str, tuple[str, ...]] = {}
    namespaces: dict[str, str] = {}
    with open(os.path.join(DATA_DIR, "import-names.txt"), encoding="utf-8") as handle:
        for line in handle:
            fields = line.split("#", 1)[0].split()
            if len(fields) < 2:
                continue
            module, dists = fields[0], fields[1:]
            if module.endswith(".*"):
                namespaces[module[:-2]] = dists[0]
            else:
                exact[module] = tuple(d if d == PLATFORM else normalize_pypi(d) for d in dists)
    return ImportTable(exact, namespaces)


@lru_cache(maxsize=1)
def providers() -> dict[str, set[str]]:
    """Normalised distribution -> top-level modules it provides (per the table)."""
    found: dict[str, set[str]] = {}
    for module, dists in table().exact.items():
        for dist in dists:
            found.setdefault(dist, set()).add(module.partition(".")[0])
    return found


def default_distribution(module: str) -> str:
    """The distribution a module is most likely published as when the table is silent.

    Namespace packages are named after their first two parts (`azure.identity` ->
    azure-identity); everything else after its top-level package.
    """
    parts = module.split(".")
    if parts[0] in NAMESPACE_ROOTS and len(parts) > 1:
        return normalize_pypi("-".join(parts[:2]))
    return normalize_pypi(parts[0])


def likely_modules(distribution: str) -> set[str]:
    """Top-level module names a declared distribution probably provides."""
    dist = normalize_pypi(distribution)
    names = set(providers().get(dist, ()))
    base = dist
    for prefix in ("python-", "py-"):
        if base.startswith(prefix) and len(base) > len(prefix) + 1:
            names.add(base[len(prefix):].replace("-", "_"))
    for suffix in ("-python", "-py", "-binary", "-headless", "-client"):
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            names.add(base[:-len(suffix)].replace("-", "_"))
    names.add(base.replace("-", "_"))
    if base.startswith("py") and not base.startswith("python") and len(base) > 4:
        names.add(base[2:].replace("-", "_"))
    return {name.lower() for name in names}


@lru_cache(maxsize=1)
def _module_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for module, dists in table().exact.items():
        if PLATFORM in dists or "." in module:
            continue
        for key in index_keys(module):
            index.setdefault(key, []).append(module)
    return index


def module_lookalike(module: str) -> tuple[str, str, str] | None:
    """(module, distribution, how) when `module` imitates a module of the table (`skimgae`)."""
    top = module.partition(".")[0]
    if top in table().exact:
        return None
    index = _module_index()
    for key in sorted(query_keys(top)):
        for candidate in index.get(key, ()):
            how = resemblance(top, candidate)
            if how is not None and normalize_pypi(top) != normalize_pypi(candidate):
                return candidate, table().exact[candidate][0], how
    return None
