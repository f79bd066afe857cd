"""AIG4xx: unsafe deserialization, unsafe model loading, XML entities and archive extraction.

AIG401–AIG419 are Python rules; AIG420–AIG429 are reserved for
JavaScript-only deserialization rules.
"""

from ..model import Confidence, RuleInfo, Severity


def _rule(id, name, summary, severity, confidence, cwe, tags, fixable=False,
          languages=("python",)) -> RuleInfo:
    return RuleInfo(id=id, name=name, summary=summary, severity=severity, confidence=confidence,
                    cwe=cwe, languages=languages, fixable=fixable,
                    tags=("deserialization", *tags))


WITH_JS = ("python", "javascript", "typescript", "tsx")

PICKLE_FAMILY = _rule(
    "AIG401", "code-executing-deserialization",
    "Data is deserialized with a format that can run code from the data (pickle, marshal, "
    "joblib, node-serialize…)",
    Severity.HIGH, Confidence.HIGH, (502,), ("pickle",), languages=WITH_JS)
UNSAFE_YAML = _rule(
    "AIG402", "yaml-load-without-safe-loader",
    "YAML is loaded with a loader or schema that builds arbitrary objects or functions",
    Severity.HIGH, Confidence.HIGH, (502,), ("yaml",), fixable=True, languages=WITH_JS)
TORCH_LOAD = _rule(
    "AIG403", "torch-load-without-weights-only",
    "torch.load unpickles the checkpoint without weights_only=True",
    Severity.MEDIUM, Confidence.HIGH, (502,), ("ml", "pickle"), fixable=True)
NUMPY_ALLOW_PICKLE = _rule(
    "AIG404", "numpy-load-allows-pickle",
    "numpy.load is allowed to unpickle object arrays (allow_pickle=True)",
    Severity.MEDIUM, Confidence.HIGH, (502,), ("ml", "pickle"), fixable=True)
XML_ENTITIES = _rule(
    "AIG405", "xml-parser-resolves-entities",
    "XML parser resolves external entities or expands entities without limits, "
    "or parses untrusted XML with such a default",
    Severity.HIGH, Confidence.MEDIUM, (611, 776), ("xml",), languages=WITH_JS)
ARCHIVE_EXTRACTION = _rule(
    "AIG406", "archive-extracted-without-path-checks",
    "Archive is extracted without a filter that keeps members inside the target folder",
    Severity.MEDIUM, Confidence.HIGH, (22,), ("archives", "files"), fixable=True)
UNSAFE_MODEL_FORMAT = _rule(
    "AIG407", "model-loaded-in-unsafe-mode",
    "Model file is loaded with its safety checks switched off (safe_mode=False, trusted=True)",
    Severity.HIGH, Confidence.HIGH, (502,), ("ml",), fixable=True)

RULES = (PICKLE_FAMILY, UNSAFE_YAML, TORCH_LOAD, NUMPY_ALLOW_PICKLE, XML_ENTITIES,
         ARCHIVE_EXTRACTION, UNSAFE_MODEL_FORMAT)
