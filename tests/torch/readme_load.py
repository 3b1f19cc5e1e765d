#!/usr/bin/python3
"""The README's PyTorch loading lines, run as written on a real checkpoint:
the module they build must decode z = 0 to the picture `vae-vk sample
--temperature 0` draws from the same checkpoint.

    readme_load.py README.md CHECKPOINT SAMPLE_PNG

Pixels are compared after the same rounding vae-vk uses ((x+1)*127.5, halves
up); float32 sums in a different order may move a value across a rounding
boundary, so one level of difference is allowed, and nothing more."""

import re
import struct
import sys
import zlib


def read_png_rgb(path):
    """Decodes an 8-bit RGB PNG (all filter types) with the standard library."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour == 2, "expected 8-bit RGB"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), width * 3, [], bytearray(width * 3)
    for y in range(height):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], prev[i - 3] if i >= 3 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return width, height, rows


def main():
    readme, checkpoint, sample_png = sys.argv[1:4]
    code = re.search(r"```python\n(.*?)```", open(readme).read(), re.S).group(1)
    code = code.replace("runs/faces/checkpoint.safetensors", checkpoint)
    scope = {}
    exec(compile(code, "README.md", "exec"), scope)  # the lines exactly as a user copies them
    torch, model = scope["torch"], scope["model"]
    with torch.no_grad():
        face = model.decode(torch.zeros(1, model.latent))[0]  # (3, 64, 64)
    width, height, rows = read_png_rgb(sample_png)
    # the grid: one face at (1, 1) inside a 1-pixel border
    worst = 0
    for y in range(64):
        for x in range(64):
            for c in range(3):
                want = int(min(255.0, max(0.0, (float(face[c, y, x]) + 1.0) * 127.5)) + 0.5)
                worst = max(worst, abs(rows[1 + y][(1 + x) * 3 + c] - want))
    print(f"README lines loaded {checkpoint}; decode(z=0) against vae-vk's sample: "
          f"worst pixel difference {worst} (bound 1)")
    sys.exit(0 if worst <= 1 else 1)


if __name__ == "__main__":
    main()
