"""Is a package name a near-miss of a much more popular one?

Candidates come from the snapshot's typo index (see `similarity`); each is then
checked precisely with `similarity.resemblance`.  A name that is itself popular
is never a typosquat, nor is one listed in the shipped table of legitimate
neighbours (`data/legit-neighbours.txt`, e.g. `boto` beside `boto3`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from .names import NPM, PYPI, normalize_pypi
from .similarity import deletions, distance, query_keys, resemblance, skeleton, words
from .snapshot import DATA_DIR, SECURITY_HOLDING, Snapshot

# npm: the imitated package must have this many times the candidate's downloads, and
# a package with this many downloads a month is established in its own right.
NPM_POPULARITY_GAP = 100
NPM_ESTABLISHED = 20_000
# A name that exists is only compared with the most popular names (typosquatting
# campaigns aim at those); a name that does not exist is compared with all of them,
# which at worst turns "hallucinated" into "did you mean".
EXISTING_TARGET_RANK = 5000
# A name this popular in one ecosystem is suspicious in the other's manifest.
CROSS_ECOSYSTEM_RANK = 5000


@dataclass(frozen=True, slots=True)
class Lookalike:
    target: str  # the popular name being imitated
    ecosystem: str  # the target's ecosystem (differs from the name's for cross-ecosystem mix-ups)
    how: str  # "`ue` swapped to `eu`", ... (empty for a name of the other ecosystem)
    popularity: str  # "the 6th most downloaded PyPI project"


@lru_cache(maxsize=1)
def legit_neighbours() -> frozenset[tuple[str, str]]:
    """(ecosystem, name) pairs known to be legitimate despite resembling a popular name."""
    pairs = set()
    with open(os.path.join(DATA_DIR, "legit-neighbours.txt"), encoding="utf-8") as handle:
        for line in handle:
            fields = line.split("#", 1)[0].split()
            if len(fields) >= 2:
                ecosystem, name = fields[0], fields[1]
                pairs.add((ecosystem, name if ecosystem == NPM else normalize_pypi(name)))
    return frozenset(pairs)


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10,
                                                                                      "th")
    return f"{number}{suffix}"


def _downloads_text(downloads: int) -> str:
    for unit, size in (("billion", 10**9), ("million", 10**6), ("thousand", 10**3)):
        if downloads >= size:
            return f"about {downloads / size:.3g} {unit} downloads a month on npm"
    return f"about {downloads} downloads a month on npm"


class TyposquatScorer:
    def __init__(self, snapshot: Snapshot):
        self.snapshot = snapshot
        self._scopes: dict[str, list[str]] | None = None
        self._cache: dict[tuple[str, str, bool], Lookalike | None] = {}

    def popularity(self, ecosystem: str, name: str) -> str:
        if ecosystem == PYPI:
            rank = self.snapshot.rank(PYPI, name)
            return f"the {ordinal(rank)} most downloaded PyPI project" if rank else "on PyPI"
        downloads = self.snapshot.npm_downloads(name)
        return _downloads_text(downloads) if downloads else "on npm"

    def is_popular(self, ecosystem: str, name: str) -> bool:
        return self.snapshot.rank(ecosystem, name) is not None

    def lookalike(self, ecosystem: str, raw_name: str, exists: bool | None = None
                  ) -> Lookalike | None:
        """The popular package `raw_name` (as written) imitates, if any.

        `exists`: whether the name exists on its index (True narrows the comparison to
        the most popular names).
        """
        key = (ecosystem, raw_name, bool(exists))
        if key not in self._cache:
            self._cache[key] = self._lookalike(ecosystem, raw_name, exists)
        return self._cache[key]

    def _lookalike(self, ecosystem: str, raw_name: str, exists: bool | None
                   ) -> Lookalike | None:
        name = normalize_pypi(raw_name) if ecosystem == PYPI else raw_name
        if self.is_popular(ecosystem, name) or (ecosystem, name) in legit_neighbours():
            return None
        if ecosystem == NPM and self._npm_downloads(name) >= NPM_ESTABLISHED:
            return None
        limit = EXISTING_TARGET_RANK if exists else len(self.snapshot.popular(ecosystem))
        found = self._near_miss(ecosystem, raw_name, name, limit)
        if found is None and ecosystem == NPM and name.startswith("@"):
            found = self._scope_lookalike(name)
        return found or self._other_ecosystem(ecosystem, name)

    def _near_miss(self, ecosystem: str, raw_name: str, name: str, limit: int
                   ) -> Lookalike | None:
        indexes = self.snapshot.table(f"{ecosystem}-typo").values_of_any(query_keys(raw_name))
        popular = self.snapshot.popular(ecosystem)
        own = self._npm_downloads(name) if ecosystem == NPM else 0
        for index in sorted(i for i in indexes if i < limit):
            target = popular[index]
            if ecosystem == NPM and _same_scope(name, target):
                continue  # a scope has one owner: they published both
            how = resemblance(raw_name, target)
            if how is None:
                continue
            if ecosystem == NPM and own * NPM_POPULARITY_GAP > self._npm_downloads(target):
                continue
            return Lookalike(target, ecosystem, how, self.popularity(ecosystem, target))
        return None

    def _npm_downloads(self, name: str) -> int:
        downloads = self.snapshot.npm_downloads(name)
        return 0 if downloads in (None, SECURITY_HOLDING) else downloads

    def _scope_index(self) -> dict[str, list[str]]:
        """Skeletons of popular npm scopes (and their one-letter deletions) -> scopes."""
        if self._scopes is None:
            index: dict[str, list[str]] = {}
            for scope in dict.fromkeys(name[1:].partition("/")[0]
                                       for name in self.snapshot.popular(NPM)
                                       if name.startswith("@")):
                key = skeleton(words(scope))
                for variant in {key, *(deletions(key) if len(key) >= 5 else ())}:
                    index.setdefault(variant, []).append(scope)
            self._scopes = index
        return self._scopes

    def _scope_lookalike(self, name: str) -> Lookalike | None:
        """`@typescript_eslinter/x` imitates the popular scope `@typescript-eslint`.

        Only for scopes unknown to the snapshot: a scope that publishes packages people
        use is established, whatever it looks like.
        """
        scope = name[1:].partition("/")[0]
        key = skeleton(words(scope))
        if len(key) < 8 or self.snapshot.npm_scope_known(scope):
            return None
        limit = 2 if len(key) >= 12 else 1
        index = self._scope_index()
        probes = {key, *deletions(key)}
        if limit == 2:
            probes |= {two for one in deletions(key) for two in deletions(one)}
        for probe in sorted(probes):
            for real in index.get(probe, ()):
                if distance(key, skeleton(words(real)), limit) <= limit:
                    example = self._scope_example(real, name.partition("/")[2])
                    return Lookalike(example, NPM, f"the scope `@{scope}` in place of the "
                                     f"popular scope `@{real}`", self.popularity(NPM, example))
        return None

    def _scope_example(self, scope: str, bare: str) -> str:
        """The popular package in `scope` closest to `bare` (else its most popular one)."""
        members = [name for name in self.snapshot.popular(NPM) if name.startswith(f"@{scope}/")]
        for name in members:
            if name.partition("/")[2] == bare:
                return name
        return members[0]

    def _other_ecosystem(self, ecosystem: str, name: str) -> Lookalike | None:
        """A popular PyPI name in package.json, or a popular npm name in a Python manifest."""
        if ecosystem == NPM:
            if name.startswith("@") or self._npm_downloads(name) >= NPM_ESTABLISHED:
                return None
            rank = self.snapshot.rank(PYPI, normalize_pypi(name))
            other = PYPI
        else:
            rank = self.snapshot.rank(NPM, name)
            other = NPM
        if rank is None or rank > CROSS_ECOSYSTEM_RANK:
            return None
        target = normalize_pypi(name) if other == PYPI else name
        return Lookalike(target, other, "", self.popularity(other, target))


def _same_scope(name: str, target: str) -> bool:
    return name.startswith("@") and name.partition("/")[0] == target.partition("/")[0]
