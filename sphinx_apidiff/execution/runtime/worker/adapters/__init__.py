"""The worker's halves of the adapters that ship with the package, one module a framework.

The worker loads each by its file path (the ``import`` request names it), after the
framework's import, so a module here imports its framework at its top. Every function is
optional; what a module leaves out, the worker does its generic way (:mod:`..adapter`):

``FACTORY``
    The attribute of the framework's module that makes a tensor of a numpy array.
``to_tensor(array, cast)``
    The tensor of ``array``, cast to ``cast`` (a dtype numpy lacks, ``bfloat16``) if given.
``to_numpy(value)``
    A tensor of the framework as a numpy array of numpy's own dtypes (bfloat16 as
    float32), or None for a value that is none of its tensors.
``dtype_name(value)``
    The tensor's dtype as numpy spells it (``float32``, ``bfloat16``), or None.
``seed()``
    Seed the framework's global random generators (Python's and numpy's are seeded).
``settings()``
    Process-wide settings a snippet can change, as ``(getter, setter)`` pairs: read
    after the import and put back after every run.
``warm_up()``
    A first operation, so that what the framework starts on first use is part of the
    baseline.
``error_text(text)``
    A snippet's error as one would read it (the framework's noise taken out).

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only.
"""
