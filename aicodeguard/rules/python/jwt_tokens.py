"""Python checks for AIG211: JSON Web Tokens accepted without a signature check
(PyJWT, python-jose, python_jwt) or with the `none` algorithm."""

from __future__ import annotations

from ..crypto import JWT_NOT_VERIFIED
from .checks import on
from .crypto_values import dict_value, methods_called_in

JWT_DECODE = ("jwt.decode", "jwt.api_jwt.decode", "jose.jwt.decode")
JWT_ENCODE = ("jwt.encode", "jwt.api_jwt.encode", "jose.jwt.encode")


def _mentions_none(value) -> bool:
    """`"none"`, or a list/tuple of algorithm names that contains it."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return any(isinstance(item, str) and item.lower() == "none" for item in items)


@on.call(*JWT_DECODE)
def jwt_decode_unverified(ctx, call) -> None:
    flag = dict_value(ctx, call.keywords.get("options"), "verify_signature")
    if flag is not None and ctx.literal(flag) is False:
        ctx.report(JWT_NOT_VERIFIED, call.keyword_node("options"),
                   f"`{call.name}` with `verify_signature: False` accepts tokens anyone can "
                   "forge; decode with the key and an explicit `algorithms=[...]` list")
    verify = call.keywords.get("verify")
    if verify is not None and ctx.literal(verify) is False:
        ctx.report(JWT_NOT_VERIFIED, verify.parent,
                   f"`verify=False` makes `{call.name}` skip the signature check, so forged "
                   "tokens are accepted; pass the key and `algorithms=[...]`")
    algorithms = call.arg(2 if call.qualname != "jose.jwt.decode" else None, "algorithms")
    if _mentions_none(ctx.literal(algorithms)):
        ctx.report(JWT_NOT_VERIFIED, algorithms,
                   f"`{call.name}` accepts the `none` algorithm: unsigned tokens pass as "
                   "valid; list only the algorithm you sign with")


@on.call(*JWT_ENCODE)
def jwt_encode_none(ctx, call) -> None:
    algorithm = call.arg(2, "algorithm")
    if _mentions_none(ctx.literal(algorithm)):
        ctx.report(JWT_NOT_VERIFIED, algorithm,
                   f"`{call.name}` with algorithm `none` issues unsigned tokens anyone can "
                   "forge; sign with HS256/RS256/EdDSA")


@on.call("python_jwt.process_jwt")
def python_jwt_unverified(ctx, call) -> None:
    """python_jwt: `process_jwt` only parses; `verify_jwt` checks the signature."""
    if "verify_jwt" not in methods_called_in(ctx, call.node):
        ctx.report(JWT_NOT_VERIFIED, call.node,
                   f"`{call.name}` parses the token without checking its signature and this "
                   "function never calls `verify_jwt`; use `verify_jwt(token, key, "
                   "allowed_algs=[...])`")
