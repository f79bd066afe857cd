"""How two package names resemble each other: skeletons, index keys, edit distance.

A name's *skeleton* is what is left once the tricks typosquatters use are undone:
case, separators, look-alike characters (`I`/`1`/`l`, `0`/`o`, `rn`/`m`, `vv`/`w`)
and doubled letters.  Its *stripped* skeleton also drops ecosystem affixes
(`python-`, `py`, `-js`, `node-` ...) and version or digit suffixes.  Popular
names are indexed under their skeleton, its one-letter deletions, their
stripped skeleton and their sorted words, so a look-up finds every popular
name a few edits away without comparing against all of them.
"""

from __future__ import annotations

import re

AFFIX_WORDS = frozenset({
    "python", "python2", "python3", "py", "py2", "py3", "pypi", "js", "node", "nodejs", "lib",
    "npm",
})
_WORD_SPLIT = re.compile(r"[-_./@]+")
_VERSION_WORD = re.compile(r"^v?\d+$")
_TRAILING_DIGITS = re.compile(r"\d+$")
_DOUBLED = re.compile(r"(.)\1+")
_LOOKALIKES = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"))

_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_POSITIONS = {ch: (row, col) for row, keys in enumerate(_ROWS) for col, ch in enumerate(keys)}


def keyboard_adjacent(a: str, b: str) -> bool:
    """Neighbouring keys on a QWERTY keyboard (same row or the row above/below)."""
    pa, pb = _POSITIONS.get(a), _POSITIONS.get(b)
    if pa is None or pb is None or a == b:
        return False
    row_gap = pb[0] - pa[0]
    col_gap = pb[1] - pa[1]
    if row_gap == 0:
        return abs(col_gap) == 1
    # Rows are staggered: a key touches the two keys below-left and below it.
    if row_gap == 1:
        return col_gap in (-1, 0)
    if row_gap == -1:
        return col_gap in (0, 1)
    return False


def words(name: str) -> list[str]:
    """Lower-case words of a name; an upper-case `I` is read as the `l` it imitates."""
    return [word for word in _WORD_SPLIT.split(name.replace("I", "l").lower()) if word]


def unlook(text: str) -> str:
    for fake, real in _LOOKALIKES:
        text = text.replace(fake, real)
    return text


def _undouble(text: str) -> str:
    return _DOUBLED.sub(_first, text) if _DOUBLED.search(text) else text


def _first(match: re.Match) -> str:
    return match.group(1)


def skeleton(parts: list[str]) -> str:
    return _undouble(unlook("".join(parts)))


def skeletons(parts: list[str]) -> set[str]:
    """The skeleton, and the same without look-alike mapping (`electorn` is a swap of
    `electron`, not `electom`)."""
    joined = "".join(parts)
    mapped = unlook(joined)
    return {_undouble(mapped)} if mapped == joined else {_undouble(mapped), _undouble(joined)}


def unversioned(parts: list[str]) -> list[str]:
    """Words without a version suffix: `react-dom-16` -> react dom, `boto3` -> boto."""
    parts = list(parts)
    while len(parts) > 1 and _VERSION_WORD.match(parts[-1]):
        parts.pop()
    bare = _TRAILING_DIGITS.sub("", parts[-1])
    if len(bare) >= 3:
        parts[-1] = bare
    return parts


def version_suffix(parts: list[str]) -> str:
    """The digits a name ends with (`react-dom-16` -> 16, `boto3` -> 3), affixes aside."""
    parts = list(parts)
    while len(parts) > 1 and parts[-1] in AFFIX_WORDS:
        parts.pop()
    digits = ""
    while len(parts) > 1 and _VERSION_WORD.match(parts[-1]):
        digits = parts.pop() + digits
    last = parts[-1][:-2] if len(parts[-1]) >= 5 and parts[-1].endswith("js") else parts[-1]
    match = _TRAILING_DIGITS.search(last)
    return (match.group(0) if match else "") + digits


def stripped(parts: list[str], glued_node: bool = False) -> list[str]:
    """Words without ecosystem affixes and version suffixes (never down to nothing).

    `glued_node` also drops a `node` glued to the first word (`noderequest`); only
    for the name being checked: popular names like `nodemailer` keep theirs.
    """
    parts = list(parts)
    if glued_node and len(parts[0]) >= 8 and parts[0].startswith("node"):
        parts[0] = parts[0][4:]
    while len(parts) > 1 and parts[0] in AFFIX_WORDS:
        parts.pop(0)
    while len(parts) > 1 and (parts[-1] in AFFIX_WORDS or _VERSION_WORD.match(parts[-1])):
        parts.pop()
    first, last = parts[0], parts[-1]
    if len(first) >= 5 and first.startswith("py") and not first.startswith("python"):
        parts[0] = first[2:]
    if len(last) >= 5 and last.endswith("js"):
        parts[-1] = last[:-2]
    return unversioned(parts)


def deletions(text: str) -> list[str]:
    return [text[:i] + text[i + 1:] for i in range(len(text))]


def _word_key(parts: list[str]) -> str | None:
    if len(parts) < 2:
        return None
    return "w:" + "-".join(sorted(skeleton([part]) for part in parts))


def _keys(parts: list[str], min_delete: int) -> set[str]:
    bare = stripped(parts)
    keys = {"a:" + skeleton(bare)}
    for variant in skeletons(parts):
        keys.add(variant)
        if len(variant) >= min_delete:
            keys.update(deletions(variant))
    word_key = _word_key(bare)
    if word_key:
        keys.add(word_key)
    return keys


def index_keys(name: str) -> set[str]:
    """Keys a popular name is filed under."""
    keys = _keys(words(name), 4)
    if name.startswith("@") and "/" in name:
        bare = skeleton(words(name.partition("/")[2]))
        if len(bare) >= 5:
            keys.add("s:" + bare)
    return keys


def query_keys(name: str) -> set[str]:
    """Keys under which a popular look-alike of `name` would be filed."""
    parts = words(name)
    keys = _keys(parts, 3)
    full = skeleton(parts)
    if parts[0].startswith("node"):
        keys.add("a:" + skeleton(stripped(parts, glued_node=True)))
    if len(full) >= 11:  # two letters added at either end: `typescript-eslinter`
        keys.update((full[:-2], full[2:]))
    if not name.startswith("@"):
        keys.add("s:" + full)
    return keys


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (edits and adjacent swaps), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def one_edit(a: str, b: str) -> str:
    """The single edit that turns popular `b` into `a`, in words."""
    if len(a) == len(b):
        i = next(i for i in range(len(a)) if a[i] != b[i])
        if i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]:
            return f"`{b[i]}{b[i + 1]}` swapped to `{a[i]}{a[i + 1]}`"
        neighbour = " (a neighbouring key)" if keyboard_adjacent(a[i], b[i]) else ""
        return f"`{a[i]}` typed for `{b[i]}`{neighbour}"
    if len(a) > len(b):
        return "one letter added"
    return "one letter dropped"


# The phrases `resemblance` uses for slips of the fingers and look-alike characters, as
# opposed to the differences real projects have between them (separators, affixes,
# version suffixes, reordered words, unrelated letters).
_SLIPS = ("swapped to", "neighbouring key", "look-alike characters", "repeated letter",
          "one letter added", "one letter dropped")


def is_slip(how: str) -> bool:
    """Whether a `resemblance` phrase describes a typing slip or a look-alike trick."""
    return any(phrase in how for phrase in _SLIPS)


def _plain(name: str) -> str:
    return _WORD_SPLIT.sub("", name.lower())


def resemblance(query: str, target: str) -> str | None:
    """How `query` differs from the popular `target` it resembles (a phrase that reads
    after "looks like TARGET with"), or None when it is not close enough.

    The allowed distance grows with the target's length: short names have dozens of
    legitimate neighbours.  Skeleton length 1-3: only case, separator, look-alike and
    affix tricks; 4-5: also one swap or one neighbouring-key slip; 6-8: any one edit;
    9 and more: two edits.
    """
    if query == target or _plain(query) == _plain(target):
        if query.lower() == target.lower():
            return None
        if target.startswith("@") and not query.startswith("@"):
            return "its npm scope flattened into the name"
        return "different separators or case"
    qparts, tparts = words(query), words(target)
    qfull, tfull = skeleton(qparts), skeleton(tparts)
    if _undouble("".join(qparts)) == _undouble("".join(tparts)):
        if "".join(qparts) == "".join(tparts):  # only an upper-case I read as l
            return "look-alike characters (I/l/1, 0/o, rn/m)"
        return "a repeated letter doubled or dropped"
    if qfull == tfull:
        return "look-alike characters (I/l/1, 0/o, rn/m)"
    qstrip, tstrip = stripped(qparts), stripped(tparts)
    qdigits, tdigits = version_suffix(qparts), version_suffix(tparts)
    same_core = skeleton(tstrip) in (skeleton(qstrip), skeleton(stripped(qparts, True)))
    if same_core and len(qfull) > 1 and not (
            qdigits and tdigits and qdigits != tdigits):  # base62 is not base64
        if skeleton(unversioned(qparts)) == skeleton(unversioned(tparts)):
            return "a version or digit suffix added or dropped"
        return "a prefix or suffix such as `python-`, `py`, `-js` or `node-` added or dropped"
    size = len(tfull)
    if size <= 3:
        return None
    word_key = _word_key(qstrip)
    if word_key and word_key == _word_key(tstrip):
        return "its words reordered"
    if target.startswith("@") and not query.startswith("@"):
        bare = skeleton(words(target.partition("/")[2]))
        if len(bare) >= 5 and bare == qfull:
            return "its npm scope dropped"
    limit = 2 if size >= 9 else 1
    gap, qbest, tbest = min((distance(q, t, limit), q, t) for q in skeletons(qparts)
                            for t in skeletons(tparts))
    if gap > limit:
        return None
    if gap == 0:  # equal once look-alikes are mapped on one side only
        return "look-alike characters (I/l/1, 0/o, rn/m)"
    if gap == 2:
        return "two letters changed"
    edit = one_edit(qbest, tbest)
    if size <= 5 and not ("swapped" in edit or "neighbouring key" in edit):
        return None
    return edit
