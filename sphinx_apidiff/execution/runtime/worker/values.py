"""Values between the parent and a snippet: arrays as base64 ``.npy``, the framework's
tensors made from them, and a snippet's variables encoded within the run's budget.

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import base64
import io

from .adapter import GENERIC
from .shared import _bytes, _np, _short_repr, reply_limit


def encode_array(array):
    """An array as base64 ``.npy`` bytes, the form in which arrays travel to the parent."""
    buffer = io.BytesIO()
    _np().save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_array(text):
    """The array of base64 ``.npy`` bytes from the parent (an example's input)."""
    return _np().load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


class ResultTooLarge(Exception):
    """The compared values of a run hold more than the build allows."""


class Budget:
    """What the compared values of one run may weigh: ``max_result`` bytes of array data,
    and :func:`reply_limit` bytes once encoded (many small values); None: unbounded."""

    ADVICE = (
        "more than the %s that apidiff_max_result_bytes allows for one example's results. "
        "Compare a smaller tensor, or a reduction of it (a sum, a mean, a slice)"
    )

    def __init__(self, max_result, adapter=None):
        self.max_result = max_result
        self.adapter = adapter or GENERIC  # the framework's, which names dtypes
        self.data = 0
        self.wire = 0

    def take(self, name, value, array):
        """Count ``array`` (the variable ``name``) before it is encoded."""
        if self.max_result is None:
            return
        self.data += array.nbytes
        if self.data <= self.max_result:
            return
        what = "a %s tensor of shape %s, %s" % (
            self.adapter.dtype_name(value) or array.dtype,
            tuple(array.shape),
            _bytes(array.nbytes),
        )
        if array.nbytes > self.max_result:
            text = "the result %s is %s: " % (name, what)
        else:
            text = "the results up to %s (%s) hold %s: " % (name, what, _bytes(self.data))
        raise ResultTooLarge(text + self.ADVICE % _bytes(self.max_result))

    def encoded(self, name, size):
        """Count ``size`` bytes of the encoded reply."""
        if self.max_result is None:
            return
        self.wire += size
        if self.wire > reply_limit(self.max_result):
            raise ResultTooLarge(
                "the results up to %s take more than %s once encoded (many small values), "
                "the most that apidiff_max_result_bytes (%s) allows for one example's "
                "results. Compare fewer values, or a reduction of them (a sum, a mean)"
                % (name, _bytes(reply_limit(self.max_result)), _bytes(self.max_result))
            )


def encode_value(value, depth=0, name="value", budget=None):
    """A snippet's variable as JSON for the parent: an array, a sequence of values, None,
    or the repr of what is no array. ``budget`` bounds what it weighs (:class:`Budget`) and
    knows the framework's adapter, which converts its tensors."""
    budget = budget or Budget(None)
    adapter = budget.adapter
    budget.encoded(name, 16)  # the JSON around each value (a list of a million Nones)
    if value is None:
        return {"t": "none"}
    if isinstance(value, (tuple, list)) and depth < 4:
        items = [
            encode_value(v, depth + 1, "%s[%d]" % (name, i), budget) for i, v in enumerate(value)
        ]
        return {"t": "seq", "items": items}
    try:
        array = adapter.to_numpy(value)
    except Exception as exc:  # a value that cannot become an array
        return {"t": "other", "repr": "%s (not convertible: %s)" % (_short_repr(value), exc)}
    if array is None or array.dtype.hasobject:
        text = _short_repr(value)
        budget.encoded(name, len(text))
        return {"t": "other", "repr": text}
    budget.take(name, value, array)
    encoded = {"t": "array", "npy": encode_array(array)}
    budget.encoded(name, len(encoded["npy"]))
    own = adapter.dtype_name(value)
    if own is not None and own != str(array.dtype):
        encoded["dtype"] = own  # numpy has no such dtype (bfloat16): its values travel as float32
    return encoded
