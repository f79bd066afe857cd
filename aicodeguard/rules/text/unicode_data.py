"""Data: the characters that change how text reads without showing themselves.

Code points with their names for messages, grouped by what they do; HIDDEN_BYTES
finds any of them in UTF-8 bytes without decoding (a file without them costs one
regex scan, and a pure-ASCII file nothing).
"""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides and isolates: they reorder what follows them.
BIDI_OPENERS = {
    0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING",
    0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE",
    0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE",
    0x2068: "FIRST STRONG ISOLATE",
}
BIDI_CLOSERS = {0x202C: "POP DIRECTIONAL FORMATTING", 0x2069: "POP DIRECTIONAL ISOLATE"}
# Which closer ends which opener.
CLOSER_OF = {**dict.fromkeys((0x202A, 0x202B, 0x202D, 0x202E), 0x202C),
             **dict.fromkeys((0x2066, 0x2067, 0x2068), 0x2069)}
OVERRIDES = frozenset({0x202D, 0x202E})
# Bidirectional marks: invisible, but they only nudge neutral characters.
BIDI_MARKS = {0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK",
              0x061C: "ARABIC LETTER MARK"}
BIDI = {**BIDI_OPENERS, **BIDI_CLOSERS, **BIDI_MARKS}

# Characters with no visible glyph.
INVISIBLE = {
    0x00AD: "SOFT HYPHEN", 0x034F: "COMBINING GRAPHEME JOINER", 0x115F: "HANGUL CHOSEONG FILLER",
    0x1160: "HANGUL JUNGSEONG FILLER", 0x17B4: "KHMER VOWEL INHERENT AQ",
    0x17B5: "KHMER VOWEL INHERENT AA", 0x180E: "MONGOLIAN VOWEL SEPARATOR",
    0x200B: "ZERO WIDTH SPACE", 0x200C: "ZERO WIDTH NON-JOINER", 0x200D: "ZERO WIDTH JOINER",
    0x2060: "WORD JOINER", 0x2061: "FUNCTION APPLICATION", 0x2062: "INVISIBLE TIMES",
    0x2063: "INVISIBLE SEPARATOR", 0x2064: "INVISIBLE PLUS", 0x3164: "HANGUL FILLER",
    0xFEFF: "ZERO WIDTH NO-BREAK SPACE", 0xFFA0: "HALFWIDTH HANGUL FILLER",
    0xFFF9: "INTERLINEAR ANNOTATION ANCHOR", 0xFFFA: "INTERLINEAR ANNOTATION SEPARATOR",
    0xFFFB: "INTERLINEAR ANNOTATION TERMINATOR",
}
# Joiners that legitimately sit between emoji or letters of scripts that need them.
JOINERS = frozenset({0x200C, 0x200D})

# Unicode tags: U+E0020–U+E007E mirror printable ASCII; U+E0001 and U+E007F mark
# language tags and the end of an emoji tag sequence.
TAG_FIRST, TAG_LAST = 0xE0000, 0xE007F
CANCEL_TAG = 0xE007F
BLACK_FLAG = 0x1F3F4  # base of the subdivision flag emoji (England, Scotland, Wales)

# Variation selectors: one after an emoji or an ideograph picks its glyph; a run of
# them carries bytes (VS1–VS16 = 0–15, VS17–VS256 = 16–255).
VS_FIRST, VS_LAST = 0xFE00, 0xFE0F
VS_SUPPLEMENT_FIRST, VS_SUPPLEMENT_LAST = 0xE0100, 0xE01EF

# Any of the above, as UTF-8, in runs.
HIDDEN_BYTES = re.compile(
    rb"(?:\xc2\xad|\xcd\x8f|\xd8\x9c|\xe1\x85[\x9f\xa0]|\xe1\x9e[\xb4\xb5]|\xe1\xa0\x8e"
    rb"|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xe3\x85\xa4"
    rb"|\xef\xb8[\x80-\x8f]|\xef\xbb\xbf|\xef\xbe\xa0|\xef\xbf[\xb9-\xbb]"
    rb"|\xf3\xa0[\x80\x81\x84-\x87][\x80-\xbf])+")


def is_tag(code: int) -> bool:
    return TAG_FIRST <= code <= TAG_LAST


def variation_byte(code: int) -> int | None:
    """The byte a variation selector stands for in a payload, else None."""
    if VS_FIRST <= code <= VS_LAST:
        return code - VS_FIRST
    if VS_SUPPLEMENT_FIRST <= code <= VS_SUPPLEMENT_LAST:
        return code - VS_SUPPLEMENT_FIRST + 16
    return None


def describe(code: int) -> str:
    name = BIDI.get(code) or INVISIBLE.get(code)
    if name is None and is_tag(code):
        name = "TAG CHARACTER"
    if name is None and variation_byte(code) is not None:
        name = "VARIATION SELECTOR"
    return f"U+{code:04X} {name or 'INVISIBLE CHARACTER'}"
