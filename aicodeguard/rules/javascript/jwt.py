"""JavaScript checks for AIG211: JSON Web Tokens trusted without a verified signature.

`jsonwebtoken.decode` and `jose.decodeJwt` only base64-decode the token;
`verify` without an `algorithms` list lets the token's header choose the
algorithm in jsonwebtoken before version 9; `none` means no signature at all.
"""

from __future__ import annotations

import re

from ...model import Confidence, Severity
from ..crypto import JWT_NOT_VERIFIED
from .checks import on

DECODE_CALLS = ("jsonwebtoken.decode", "jose.decodeJwt", "jose.decodeProtectedHeader")
VERIFY_CALLS = ("jsonwebtoken.verify",)
_VERIFIES = re.compile(r"\.verify\s*\(|jwtVerify\s*\(|\bverify\s*\(")


@on.call(*DECODE_CALLS)
def decoded_without_verify(ctx, call) -> None:
    scope = ctx.function_of(call.node) or ctx.tree.root_node
    if _VERIFIES.search(ctx.text(scope)):
        return
    ctx.report(JWT_NOT_VERIFIED, call.node,
               f"`{call.qualname}` does not check the token's signature, so anyone can write "
               "the claims it returns; use `jwt.verify(token, key, { algorithms: [...] })` "
               "(`jose.jwtVerify`) before trusting them")


@on.call(*VERIFY_CALLS)
def verify_without_algorithms(ctx, call) -> None:
    if len(call.args) < 2 or call.spread:
        return
    options = call.arg(2)
    if options is not None and (ctx.object_literal(options) is None
                                or ctx.property(options, "algorithms") is not None):
        return
    ctx.report(JWT_NOT_VERIFIED, call.node,
               "`jwt.verify` without an `algorithms` list lets the token header pick the "
               "algorithm (in jsonwebtoken before 9 a public RSA key then verifies HS256 "
               "tokens anyone can make); pass `{ algorithms: ['HS256'] }` or the one you use",
               severity=Severity.LOW, confidence=Confidence.MEDIUM)


@on.property("algorithms", "algorithm", "alg")
def none_algorithm(ctx, node, key, value) -> None:
    items = ctx.array_items(value) if key == "algorithms" else [value]
    for item in items or ():
        algorithm = ctx.literal(item)
        if isinstance(algorithm, str) and algorithm.lower() == "none":
            ctx.report(JWT_NOT_VERIFIED, item,
                       "the `none` algorithm means the token carries no signature: anyone can "
                       "forge it; allow only the signing algorithm you use")
            return


@on.call("jose.UnsecuredJWT")
def unsecured_jwt(ctx, call) -> None:
    ctx.report(JWT_NOT_VERIFIED, call.node,
               "`UnsecuredJWT` makes or reads tokens with `alg: none`, which anyone can forge; "
               "sign with `SignJWT` and check with `jwtVerify`")
