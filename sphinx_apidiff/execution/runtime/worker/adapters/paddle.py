"""PaddlePaddle in the worker (see the package's docstring for what each name does)."""

import re

import paddle

FACTORY = "to_tensor"

#: The C++ stack Paddle puts before its message (FLAGS_call_stack_level=2), up to the
#: summary's title.
_CPP_STACK = re.compile(r"\n*-+\nC\+\+ Traceback.*?Error Message Summary:\n-+\n", re.S)
#: Where in Paddle's C++ sources an error was raised: a path of Paddle's build machine.
_SOURCE = re.compile(r"\s*\(at [^()\n]*:\d+\)")


def to_tensor(array, cast):
    return paddle.to_tensor(array, dtype=cast) if cast else paddle.to_tensor(array)


def to_numpy(value):
    if not isinstance(value, paddle.Tensor):
        return None
    if value.dtype == paddle.bfloat16:  # numpy has none: .numpy() gives its raw bits (uint16)
        value = value.astype("float32")
    return value.numpy()


def dtype_name(value):
    dtype = getattr(value, "dtype", None)
    return None if dtype is None else str(dtype).replace("paddle.", "")


def seed():
    paddle.seed(0)


def settings():
    return [
        (paddle.get_default_dtype, paddle.set_default_dtype),
        (paddle.is_grad_enabled, paddle.set_grad_enabled),
    ]


def error_text(text):
    """Paddle's message is its first line; the ``[Hint: ...]`` that follows joins it, and
    the place in Paddle's C++ sources goes (so that the last line says it all)."""
    text = _CPP_STACK.sub("\n", text)
    text = _SOURCE.sub("", text)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines)
