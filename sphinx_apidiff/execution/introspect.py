"""Introspection: the task that asks a framework's worker for an API's signature.

No Sphinx imports here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from sphinx_apidiff.execution.results import Reply, SignatureResult
from sphinx_apidiff.execution.runtime.runtime import Runtime
from sphinx_apidiff.model.signature import (
    VAR_KEYWORD,
    VAR_POSITIONAL,
    Signature,
    signature_from_docstring,
)

#: Why a runtime's framework cannot be imported, or None when it is (and a worker runs).
Unimportable = Callable[[Runtime], "str | None"]


def introspect(
    api: str, timeout: float, unimportable: Unimportable
) -> Callable[[Runtime], SignatureResult]:
    """The task, run on the framework's own thread, that introspects ``api``."""

    def task(runtime: Runtime) -> SignatureResult:
        framework = runtime.framework
        why = unimportable(runtime)
        if why is not None:
            return SignatureResult(framework, api, unavailable=why)
        reply = runtime.call({"op": "signature", "api": api}, timeout=timeout)
        return signature_from_reply(framework, api, reply, runtime.version)

    return task


def signature_from_reply(
    framework: str, api: str, reply: Reply, version: str | None
) -> SignatureResult:
    """What a worker's reply to a signature request says of ``api``."""
    if reply.crashed:
        return SignatureResult(framework, api, unavailable=reply.error)
    if not reply.ok:
        return SignatureResult(
            framework,
            api,
            error=reply.error,
            suggestions=_suggest_api(api, reply.parent, reply.candidates),
            version=version,
        )
    signature = None
    if reply.params is not None:
        signature = Signature.from_json({"params": reply.params, "source": "inspect"})
        kinds = {p.kind for p in signature.params}
        if kinds and kinds <= {VAR_POSITIONAL, VAR_KEYWORD}:
            signature = None  # a bare (*args, **kwargs) wrapper says nothing
    if signature is None and reply.doc:
        signature = signature_from_docstring(reply.doc, api)
    return SignatureResult(framework, api, signature=signature, version=version)


def _suggest_api(api: str, parent: str | None, candidates: list[str]) -> list[str]:
    """Names of ``parent`` close to the missing one: the same but for case, close, or longer."""
    if not parent:
        return []
    name = api.rsplit(".", 1)[-1]
    same = [c for c in candidates if c.lower() == name.lower()]  # Relu -> ReLU
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    prefix = [c for c in candidates if c.startswith(name)]
    return [f"{parent}.{c}" for c in dict.fromkeys(same + close + prefix) if c != name][:3]
