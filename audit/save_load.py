"""Audit of docs/pairs/save_load.yaml (torch.save/torch.load vs megengine.save/megengine.load).

Claims checked (page as found, before this audit):
 1. Both round-trip a dict of tensors: tensors of the same framework, dtypes kept, Python numbers
    as they were.
 2. Both accept a file name or a file object; without buf.seek(0) both fail with EOFError.
 3. torch.load defaults to weights_only=True (since 2.6): UnpicklingError on NumPy arrays and on a
    whole module; weights_only=False loads them.
 4. megengine.load is pickle.load: it loads any object.
 5. torch.save writes a zip archive whose data.pkl uses pickle protocol 2; megengine.save writes
    one pickle with pickle.DEFAULT_PROTOCOL (4 on Python 3.10); pickle_protocol=2 gives 2.
 6. megengine.load of a PyTorch file raises UnpicklingError; torch.load of a MegEngine file fails
    whatever weights_only is.
 7. A MegEngine state_dict() saved with megengine.save holds only NumPy arrays, so plain
    pickle.load reads it without MegEngine.
 8. map_location exists in both (megengine.load(f, map_location="cpu0")).
 9. weights_only, mmap and extra unpickler keyword arguments are PyTorch only; pickle_module in
    both (default None in PyTorch, pickle in MegEngine).
Beyond the page:
10. A file holding MegEngine tensors needs MegEngine to be read (plain pickle.load without it
    fails), unlike a state_dict() of NumPy arrays.
11. A PyTorch state dict saved as NumPy arrays (v.numpy()) with pickle reads in MegEngine's
    interpreter with megengine.load (the portable route between the two).

Run: .venv/bin/python audit/save_load.py (the MegEngine half runs in
.venv-megengine/bin/python); `... save_load.py torch|megengine` runs one half.
Files are exchanged through a temporary folder.
"""
import inspect
import io
import os
import pickle
import subprocess
import sys
import tempfile

import numpy as np
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository: its .venv and .venv-megengine

MGE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or os.path.join(
    _REPO, ".venv-megengine", "bin", "python"
)


def err(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0][:70] if str(e) else ''}"


def torch_side(folder):
    import torch

    buf = io.BytesIO()
    torch.save({"w": torch.ones(2, 3), "b": torch.arange(3, dtype=torch.int32), "step": 7}, buf)
    buf.seek(0)
    ck = torch.load(buf)
    print("1", {k: (type(v).__name__, str(getattr(v, "dtype", ""))) for k, v in ck.items()})
    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    try:
        torch.load(buf)
    except Exception as e:
        print("2 no seek:", err(e))
    buf = io.BytesIO()
    torch.save({"w": np.ones(2, "float32")}, buf)
    buf.seek(0)
    try:
        torch.load(buf)
    except Exception as e:
        print("3 numpy, default:", type(e).__name__)
    buf.seek(0)
    print("3 numpy, weights_only=False:", type(torch.load(buf, weights_only=False)["w"]).__name__)
    buf = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), buf)
    buf.seek(0)
    try:
        torch.load(buf)
    except Exception as e:
        print("3 module, default:", type(e).__name__)
    import zipfile

    buf = io.BytesIO()
    torch.save({"w": torch.ones(2)}, buf)
    names = zipfile.ZipFile(buf).namelist()
    data = zipfile.ZipFile(buf).read([n for n in names if n.endswith("data.pkl")][0])
    print("5 zip", zipfile.is_zipfile(buf), "protocol", data[1])
    torch.save({"w": torch.ones(2)}, os.path.join(folder, "torch.pt"))
    with open(os.path.join(folder, "torch_numpy.pkl"), "wb") as f:
        pickle.dump({k: v.numpy() for k, v in torch.nn.Linear(3, 2).state_dict().items()}, f)
    print("9 signature", inspect.signature(torch.load))
    if not os.path.exists(os.path.join(folder, "mge.pkl")):
        return  # the MegEngine half has not written its file yet
    for wo in (True, False):
        try:
            torch.load(os.path.join(folder, "mge.pkl"), weights_only=wo)
            print("6 torch.load of the MegEngine file: loaded")
        except Exception as e:
            print(f"6 torch.load of the MegEngine file, weights_only={wo}:", type(e).__name__)


def megengine_side(folder):
    import megengine

    buf = io.BytesIO()
    megengine.save({"w": megengine.Tensor(np.ones((2, 3), "float32")), "b": megengine.Tensor(np.arange(3, dtype="int32")), "step": 7}, buf)
    buf.seek(0)
    ck = megengine.load(buf)
    print("1", {k: (type(v).__name__, str(getattr(v, "dtype", ""))) for k, v in ck.items()})
    buf = io.BytesIO()
    megengine.save({"w": 1}, buf)
    try:
        megengine.load(buf)
    except Exception as e:
        print("2 no seek:", err(e))
    print("4 megengine.load source:", inspect.getsource(megengine.load).count("pickle_module.load"), "call(s) of pickle_module.load")
    buf = io.BytesIO()
    megengine.save({"w": 1}, buf)
    print("5 protocol", buf.getvalue()[1], "DEFAULT_PROTOCOL", pickle.DEFAULT_PROTOCOL)
    buf = io.BytesIO()
    megengine.save({"w": 1}, buf, pickle_protocol=2)
    print("5 pickle_protocol=2:", buf.getvalue()[1])
    try:
        megengine.load(os.path.join(folder, "torch.pt"))
    except Exception as e:
        print("6 megengine.load of the PyTorch file:", type(e).__name__)
    net = megengine.module.Linear(3, 2)
    megengine.save(net.state_dict(), os.path.join(folder, "mge.pkl"))
    megengine.save({"w": megengine.Tensor(np.ones(2, "float32"))}, os.path.join(folder, "mge_tensor.pkl"))
    print("8 map_location", type(megengine.load(os.path.join(folder, "mge_tensor.pkl"), map_location="cpu0")["w"]).__name__)
    print("9 signatures", inspect.signature(megengine.save), inspect.signature(megengine.load))
    sd = megengine.load(os.path.join(folder, "torch_numpy.pkl"))
    fc = megengine.module.Linear(3, 2)
    fc.load_state_dict(sd)
    print("11 a PyTorch state dict pickled as NumPy arrays loads:", sorted(sd), {k: v.dtype.name for k, v in sd.items()})


def plain_python(folder):
    """No MegEngine, no torch: the standard library and numpy only."""
    with open(os.path.join(folder, "mge.pkl"), "rb") as f:
        sd = pickle.load(f)
    print("7 plain pickle.load of a MegEngine state_dict():", {k: type(v).__name__ for k, v in sd.items()})
    try:
        with open(os.path.join(folder, "mge_tensor.pkl"), "rb") as f:
            pickle.load(f)
    except Exception as e:
        print("10 plain pickle.load of MegEngine tensors:", err(e))


def main():
    if len(sys.argv) > 2:
        {"torch": torch_side, "megengine": megengine_side, "plain": plain_python}[sys.argv[1]](sys.argv[2])
        return
    here = os.path.abspath(__file__)
    with tempfile.TemporaryDirectory() as folder:
        # torch writes first, MegEngine reads it and writes its own, torch reads that
        for side, python, arg in (("torch", sys.executable, "torch"), ("megengine", MGE_PYTHON, "megengine"),
                                  ("torch (again: reads the MegEngine file)", sys.executable, "torch"),
                                  ("plain Python, neither framework imported", sys.executable, "plain")):
            out = subprocess.run([python, here, arg, folder], capture_output=True, text=True, check=False)
            print(f"== {side}")
            lines = out.stdout.rstrip().splitlines()
            if side.startswith("torch (again"):
                lines = [ln for ln in lines if ln.startswith("6 ")]
            print("\n".join(lines))
            if out.returncode:
                print(out.stderr[-2000:])


if __name__ == "__main__":
    main()
