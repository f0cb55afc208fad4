"""A worker that misbehaves on request, for the tests of how replies are read.

Started in place of the real worker (by a fake interpreter that runs this file and ignores
its arguments). It answers ``import`` and any other op at once; a ``run`` whose code is
``stream`` announces a reply of 1 GiB and sends it at about 60 MB/s, steadily enough that
a reader always finds bytes waiting (a 2 s deadline passes long before the end); one
whose code is ``huge`` announces almost 4 GiB and sends nothing more.
"""

import json
import os
import struct
import sys
import time


def read_exact(stream, size):
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            sys.exit(0)
        data += chunk
    return data


def main():
    inp = os.fdopen(0, "rb", buffering=0)
    out = os.fdopen(1, "wb", buffering=0)
    while True:
        request = json.loads(read_exact(inp, struct.unpack(">I", read_exact(inp, 4))[0]))
        code = request.get("code")
        if request.get("op") == "run" and code == "stream":
            out.write(struct.pack(">I", 1 << 30))
            chunk = b"x" * 65536
            while True:
                out.write(chunk)
                time.sleep(0.001)
        if request.get("op") == "run" and code == "huge":
            out.write(struct.pack(">I", 0xFFFFFFF0))
            time.sleep(3600)
        reply = {"ok": True, "version": "0", "factory": "tensor", "values": {}, "stdout": ""}
        data = json.dumps(reply).encode("utf-8")
        out.write(struct.pack(">I", len(data)) + data)


if __name__ == "__main__":
    main()
