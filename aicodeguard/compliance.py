"""Compliance presets: which findings a standard's categories cover, by CWE.

Every finding is tagged with the categories its rule's CWEs fall into, whatever
preset is active; a preset (`[tool.aicodeguard.policy] presets = [...]`) only adds its
gate.  The tables are data, transcribed from the standards' own mappings:

- OWASP Top 10 (2021): the CWEs OWASP lists under each category ("List of Mapped CWEs");
  only CWEs our rules use are written out.
- CWE Top 25 Most Dangerous Software Weaknesses, 2025 edition (MITRE).
- PCI DSS v4.0, requirement 6.2.4: the attack classes bespoke software must be engineered
  against; the CWE-to-class assignment is ours (the standard names classes, not CWEs).
"""

from __future__ import annotations

OWASP_2021: dict[str, frozenset[int]] = {
    "A01:2021 Broken Access Control": frozenset(
        {22, 23, 35, 59, 200, 201, 219, 264, 275, 276, 284, 285, 352, 359, 377, 402, 425,
         441, 497, 538, 540, 548, 552, 566, 601, 639, 651, 668, 706, 862, 863, 913, 922,
         1275}),
    "A02:2021 Cryptographic Failures": frozenset(
        {261, 296, 310, 319, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 335,
         336, 337, 338, 340, 347, 523, 720, 757, 759, 760, 780, 818, 916}),
    "A03:2021 Injection": frozenset(
        {20, 74, 75, 77, 78, 79, 80, 83, 87, 88, 89, 90, 91, 93, 94, 95, 96, 97, 98, 99,
         100, 113, 116, 138, 184, 470, 471, 564, 610, 643, 644, 652, 917}),
    "A04:2021 Insecure Design": frozenset(
        {73, 183, 209, 213, 235, 256, 257, 266, 269, 280, 311, 312, 313, 316, 419, 430,
         434, 444, 451, 472, 501, 522, 525, 539, 579, 598, 602, 642, 646, 650, 653, 656,
         657, 799, 807, 840, 841, 927, 1021, 1173}),
    "A05:2021 Security Misconfiguration": frozenset(
        {2, 11, 13, 15, 16, 260, 315, 520, 526, 537, 541, 547, 611, 614, 756, 776, 942,
         1004, 1032, 1174}),
    "A06:2021 Vulnerable and Outdated Components": frozenset({937, 1035, 1104}),
    "A07:2021 Identification and Authentication Failures": frozenset(
        {255, 259, 287, 288, 290, 294, 295, 297, 300, 302, 304, 306, 307, 346, 384, 521,
         613, 620, 640, 798, 940, 1216}),
    "A08:2021 Software and Data Integrity Failures": frozenset(
        {345, 353, 426, 494, 502, 565, 784, 829, 830, 915}),
    "A09:2021 Security Logging and Monitoring Failures": frozenset({117, 223, 532, 778}),
    "A10:2021 Server-Side Request Forgery": frozenset({918}),
}

CWE_TOP_25_2025: tuple[int, ...] = (
    79, 89, 352, 862, 787, 22, 416, 125, 78, 94, 120, 434, 476, 121, 502, 122, 863, 20,
    284, 200, 306, 918, 77, 639, 770,
)

PCI_DSS_6_2_4: dict[str, frozenset[int]] = {
    "PCI-DSS-6.2.4 injection": frozenset(
        {74, 77, 78, 88, 89, 90, 91, 94, 95, 113, 117, 470, 643, 917, 943, 1336, 1427}),
    "PCI-DSS-6.2.4 data and data structures": frozenset(
        {20, 22, 400, 434, 502, 611, 770, 776, 915, 1321, 1333}),
    "PCI-DSS-6.2.4 cryptography": frozenset(
        {208, 295, 319, 321, 326, 327, 328, 329, 330, 338, 347, 759, 760, 916}),
    "PCI-DSS-6.2.4 business logic (incl. XSS, CSRF)": frozenset(
        {79, 352, 601, 918, 942, 1004, 614, 346, 1007, 451}),
    "PCI-DSS-6.2.4 access control": frozenset(
        {259, 260, 284, 285, 287, 290, 306, 348, 798, 862, 863, 1392, 1393}),
    "PCI-DSS-6.2.4 high-risk vulnerabilities": frozenset({937, 1035, 1104}),
}

PRESETS = {
    "owasp-top10-2021": OWASP_2021,
    "cwe-top25-2025": {f"CWE Top 25 (2025) #{rank}: CWE-{cwe}": frozenset({cwe})
                       for rank, cwe in enumerate(CWE_TOP_25_2025, start=1)},
    "pci-dss-4.0-6.2.4": PCI_DSS_6_2_4,
}


def tags(cwes) -> tuple[str, ...]:
    """Every category of every preset that one of `cwes` falls into, in a fixed order."""
    wanted = set(cwes)
    return tuple(category for table in PRESETS.values()
                 for category, members in table.items() if members & wanted)


def preset_tags(preset: str, cwes) -> tuple[str, ...]:
    wanted = set(cwes)
    return tuple(category for category, members in PRESETS[preset].items() if members & wanted)
