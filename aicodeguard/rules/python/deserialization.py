"""Python checks for AIG4xx: formats whose loaders run code — pickle and friends, YAML
object tags, torch/numpy/keras model files.  XML and archives live in
`deserialization_xml`; how bad a load is depends on `deserialization_origin`."""

from __future__ import annotations

from ...analysis.shared import UNKNOWN
from ...model import Edit, Fix, Severity
from ..deserialization import (
    NUMPY_ALLOW_PICKLE,
    PICKLE_FAMILY,
    TORCH_LOAD,
    UNSAFE_MODEL_FORMAT,
    UNSAFE_YAML,
)
from .checks import on
from .deserialization_origin import (
    BUILDS_CODE,
    DEFAULTED,
    OPTED_OUT,
    RUNS_CODE,
    NetworkRead,
    Origin,
    Reach,
    data_origin,
    first_argument,
    keyword_fix,
    report_load,
)

_PICKLE_MODULES = ("pickle", "_pickle", "cPickle", "six.moves.cPickle", "pickle5", "dill",
                   "cloudpickle")
# Loader -> True when it takes a path or file object, False when it takes the bytes.
PICKLE_LOADERS = {
    **{f"{module}.loads": False for module in _PICKLE_MODULES},
    **{f"{module}.load": True for module in _PICKLE_MODULES},
    **{f"{module}.Unpickler": True for module in _PICKLE_MODULES},
    "dill.load_session": True, "dill.load_module": True,
    "marshal.loads": False, "marshal.load": True,
    "shelve.open": True, "shelve.DbfilenameShelf": True,
    "jsonpickle.decode": False, "jsonpickle.loads": False, "jsonpickle.unpickler.decode": False,
    "joblib.load": True, "sklearn.externals.joblib.load": True,
    "pandas.read_pickle": True, "pandas.io.pickle.read_pickle": True,
}


@on.call(*PICKLE_LOADERS)
def pickle_deserialization(ctx, call) -> None:
    data = first_argument(call)
    if data is None:
        return
    origin = data_origin(ctx, data, is_path=PICKLE_LOADERS[call.qualname])
    if call.qualname.startswith("marshal."):
        report_load(ctx, PICKLE_FAMILY, call.node,
                    f"`{call.name}` reads {origin.text}; marshal is not safe against crafted "
                    "data (it can crash the interpreter) and yields code objects — never "
                    "unmarshal data someone else sends; use JSON for data",
                    origin, BUILDS_CODE)
        return
    report_load(ctx, PICKLE_FAMILY, call.node,
                f"`{call.name}` deserializes {origin.text}; this format can run code hidden in "
                "the data — use JSON or another data-only format, or sign and verify the bytes",
                origin, RUNS_CODE, library=True)


@on.method("recv_pyobj")
def zmq_receives_pickle(ctx, call) -> None:
    """pyzmq `socket.recv_pyobj()` is `pickle.loads(socket.recv())`."""
    report_load(ctx, PICKLE_FAMILY, call.node,
                f"`{call.name}` unpickles whatever a peer sends over the socket — send JSON "
                "(`recv_json`) or bytes you parse yourself",
                Origin(Reach.REMOTE, NetworkRead(call.node, ctx.text(call.node))), RUNS_CODE)


# -- YAML -------------------------------------------------------------------------
SAFE, FULL, UNSAFE = "safe", "full", "unsafe"
LOADER_KINDS = {
    "SafeLoader": SAFE, "CSafeLoader": SAFE, "BaseLoader": SAFE, "CBaseLoader": SAFE,
    "FullLoader": FULL, "CFullLoader": FULL,
    "Loader": UNSAFE, "CLoader": UNSAFE, "UnsafeLoader": UNSAFE, "CUnsafeLoader": UNSAFE,
}
# Loader function -> the loader kind it implies, or None when it takes a Loader argument.
YAML_LOADERS = {
    "yaml.load": None, "yaml.load_all": None, "ruamel.yaml.load": None,
    "ruamel.yaml.load_all": None,
    "yaml.unsafe_load": UNSAFE, "yaml.unsafe_load_all": UNSAFE,
    "yaml.full_load": FULL, "yaml.full_load_all": FULL,
}
YAML_METHODS = frozenset(name.rpartition(".")[2] for name in YAML_LOADERS)
FULL_LOADER = (None, None, Severity.LOW, Severity.LOW, Severity.MEDIUM)


@on.call(*YAML_LOADERS)
def yaml_load_without_safe_loader(ctx, call) -> None:
    data = first_argument(call)
    if data is None:
        return
    kind = YAML_LOADERS[call.qualname]
    loader = call.arg(1, "Loader")
    if kind is None:
        kind = _loader_kind(ctx, loader) if loader is not None else UNSAFE
    if kind not in (FULL, UNSAFE):
        return
    origin = data_origin(ctx, data)
    what = "FullLoader, which still builds Python objects" if kind == FULL else (
        "a loader that builds arbitrary Python objects (`!!python/object/apply` runs code)")
    safe_name = "safe_load_all" if call.qualname.endswith("_all") else "safe_load"
    report_load(ctx, UNSAFE_YAML, call.node,
                f"`{call.name}` parses {origin.text} with {what}; use `yaml.{safe_name}`",
                origin, RUNS_CODE if kind == UNSAFE else FULL_LOADER,
                fix=_safe_load_fix(ctx, call, loader))


def _loader_kind(ctx, loader) -> str | None:
    """The most dangerous loader `loader` can be; None when it cannot be told."""
    kinds = set()
    stack, budget = [loader], 12
    while stack and budget:
        budget -= 1
        node = stack.pop()
        if node.type == "conditional_expression":
            stack.extend(node.named_children[0::2])
            continue
        if node.type == "parenthesized_expression":
            stack.extend(node.named_children)
            continue
        kind = LOADER_KINDS.get((ctx.qualname(node) or "").rpartition(".")[2])
        bindings = ctx.reaching(ctx.text(node), node) if node.type == "identifier" else []
        if kind is None and bindings:
            stack.extend(b.value for b in bindings if b.value is not None)
        else:
            kinds.add(kind)
    for kind in (UNSAFE, FULL, None):
        if kind in kinds:
            return kind
    return SAFE


def _safe_load_fix(ctx, call, loader) -> Fix | None:
    """`yaml.load(x, Loader=yaml.Loader)` -> `yaml.safe_load(x)` (attribute calls only)."""
    func = call.func
    if func is None or func.type != "attribute" or call.method not in YAML_METHODS or \
            len(call.positional) + len(call.keywords) > 2:
        return None
    attr = ctx.location(func.child_by_field_name("attribute"))
    safe_name = "safe_load_all" if call.method.endswith("_all") else "safe_load"
    edits = [Edit(attr.line, attr.column, attr.end_line, attr.end_column, safe_name)]
    if loader is not None:
        data = first_argument(call)
        if loader.start_byte < data.end_byte:
            return None  # `load(Loader=..., stream=x)`: left for a person to rewrite
        start = ctx.location(data)
        end = ctx.location(loader.parent if loader.parent.type == "keyword_argument" else loader)
        edits.append(Edit(start.end_line, start.end_column, end.end_line, end.end_column, ""))
    return Fix(f"Use `yaml.{safe_name}`", tuple(edits))


@on.call("ruamel.yaml.YAML")
def ruamel_unsafe_type(ctx, call) -> None:
    typ = call.keywords.get("typ")
    if typ is None or ctx.literal(typ) not in ("unsafe", ["unsafe"]):
        return
    where = ctx.location(typ)
    quote = ctx.text(typ)[0] if typ.type == "string" else '"'
    fix = Fix('Use typ="safe"', (Edit(where.line, where.column, where.end_line,
                                       where.end_column, f"{quote}safe{quote}"),))
    ctx.report(UNSAFE_YAML, call.node,
               "`YAML(typ=\"unsafe\")` builds arbitrary Python objects from YAML tags; "
               "use `typ=\"safe\"`", fix=fix if typ.type == "string" else None)


# -- model files ------------------------------------------------------------------
@on.call("torch.load", "torch.serialization.load")
def torch_load_without_weights_only(ctx, call) -> None:
    source = first_argument(call)
    weights_only = call.arg(None, "weights_only")
    if source is None or weights_only is None and call.star_kwargs:
        return
    value = ctx.literal(weights_only) if weights_only is not None else None
    if value is True or value is UNKNOWN:
        return
    origin = data_origin(ctx, source, is_path=True)
    how = "with `weights_only=False`" if value is False else (
        "without `weights_only=True` (the default before PyTorch 2.6 unpickles anything)")
    report_load(ctx, TORCH_LOAD, call.node,
                f"`{call.name}` reads {origin.text} {how}; a crafted checkpoint runs code — "
                "pass `weights_only=True` or use safetensors",
                origin, DEFAULTED if weights_only is None else OPTED_OUT,
                fix=keyword_fix(ctx, call, "weights_only", "True", "Set `weights_only=True`"))


@on.call("numpy.load")
def numpy_load_allows_pickle(ctx, call) -> None:
    allow = call.arg(2, "allow_pickle")
    source = first_argument(call)
    if allow is None or source is None or ctx.literal(allow) is not True:
        return
    origin = data_origin(ctx, source, is_path=True)
    report_load(ctx, NUMPY_ALLOW_PICKLE, call.node,
                f"`{call.name}` reads {origin.text} with `allow_pickle=True`; object arrays are "
                "unpickled and can run code — save plain arrays, or JSON for other objects",
                origin, RUNS_CODE,
                fix=keyword_fix(ctx, call, "allow_pickle", "False", "Set `allow_pickle=False`")
                if "allow_pickle" in call.keywords else None)


KERAS_LOADERS = frozenset({"load_model", "model_from_json", "deserialize_keras_object",
                           "deserialize", "from_config"})


@on.keyword("safe_mode")
def keras_safe_mode_off(ctx, call, value) -> None:
    if call.name.rpartition(".")[2] not in KERAS_LOADERS or ctx.literal(value) is not False:
        return
    source = first_argument(call)
    origin = data_origin(ctx, source, is_path=True) if source is not None else Origin(
        Reach.UNKNOWN)
    report_load(ctx, UNSAFE_MODEL_FORMAT, value.parent,
                f"`{call.name}` loads {origin.text} with `safe_mode=False`; Lambda layers in "
                "the file then run arbitrary Python code — keep the default `safe_mode=True`",
                origin, OPTED_OUT, fix=keyword_fix(ctx, call, "safe_mode", "True",
                                                   "Set `safe_mode=True`"))


@on.call("keras.config.enable_unsafe_deserialization",
         "tensorflow.keras.config.enable_unsafe_deserialization")
def keras_unsafe_deserialization(ctx, call) -> None:
    ctx.report(UNSAFE_MODEL_FORMAT, call.node,
               f"`{call.name}()` lets every later Keras load run Lambda-layer code from model "
               "files; remove it and keep `safe_mode=True`")


@on.call("skops.io.load", "skops.io.loads")
def skops_trusts_everything(ctx, call) -> None:
    trusted = call.arg(None, "trusted")
    source = first_argument(call)
    if trusted is None or source is None or ctx.literal(trusted) is not True:
        return
    origin = data_origin(ctx, source, is_path=call.qualname.endswith("load"))
    report_load(ctx, UNSAFE_MODEL_FORMAT, call.node,
                f"`{call.name}` loads {origin.text} with `trusted=True`, which accepts every "
                "type in the file; pass the list from `skops.io.get_untrusted_types()` you "
                "have reviewed", origin, OPTED_OUT)
