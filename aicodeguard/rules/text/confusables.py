"""Data: letters of other scripts that look like Latin letters (a subset of Unicode's
confusables.txt, UTS #39: the Cyrillic, Greek, Armenian and Cherokee letters that
are indistinguishable from ASCII in common fonts)."""

from __future__ import annotations

import re

_PAIRS = (
    # Cyrillic
    "а a", "е e", "ё ë", "і i", "ї ï", "ј j", "к k", "о o", "р p", "с c", "у y",
    "х x", "ѕ s", "һ h", "ԁ d", "ԛ q", "ԝ w", "ӏ l", "ү y",
    "А A", "В B", "Е E", "К K", "М M", "Н H", "О O", "Р P", "С C", "Т T", "Х X", "У Y",
    "І I", "Ј J", "Ѕ S", "Ү Y", "Ԛ Q", "Ԝ W", "Ӏ I",
    # Greek
    "α a", "ο o", "ν v", "ρ p", "υ u", "ι i", "κ k", "χ x", "γ y",
    "Α A", "Β B", "Ε E", "Η H", "Ι I", "Κ K", "Μ M", "Ν N", "Ο O", "Ρ P", "Τ T", "Υ Y",
    "Χ X", "Ζ Z",
    # Armenian
    "օ o", "ս u", "հ h", "ց g", "զ q", "ա w", "ո n",
    # Cherokee
    "Ꭺ A", "Ᏼ B", "Ꮯ C", "Ꭼ E", "Ꮋ H", "Ꭻ J", "Ꮶ K", "Ꮇ M", "Ꮲ P", "Ꮪ S", "Ꭲ T", "Ꮃ W", "Ꮓ Z",
)
LOOKS_LATIN: dict[str, str] = dict(pair.split(" ") for pair in _PAIRS)

# UTF-8 lead bytes of Greek, Cyrillic and Armenian letters, and Cherokee: a file
# without them cannot hold a look-alike.
CANDIDATE_BYTES = re.compile(rb"[\xce-\xd6][\x80-\xbf]|\xe1\x8e[\xa0-\xbf]|\xe1\x8f[\x80-\xbf]")


def skeleton(word: str) -> str:
    """The word as it reads: every look-alike replaced by the Latin letter it imitates."""
    return "".join(LOOKS_LATIN.get(char, char) for char in word)
