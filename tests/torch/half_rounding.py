#!/usr/bin/python3
"""tools/torch_reference.py's h(): binary16 rounding as vae-vk's mixed
precision defines it (nearest, ties to even, subnormals kept, overflow to
inf), applied to float32 values. Checked against exact rounding done here
in Python floats at every binary16 value, every midpoint between two
neighbours, and the float32 values just either side of each, both signs;
then on float64 inputs, that h rounds them to float32 first (the double
rounding vae-vk does, documented in the script). Exit 77 without torch."""

import math
import os
import sys

try:
    import torch
except ImportError:
    print("skipped: /usr/bin/python3 has no torch")
    sys.exit(77)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from torch_reference import to_binary16  # noqa: E402


def exact_binary16(x):
    """x (a Python float) rounded once to binary16, as a float. Scaling by
    the power of two q is exact, and round() on a float rounds half to even."""
    if x == 0 or not math.isfinite(x):
        return x
    e = max(math.frexp(abs(x))[1] - 1, -14)   # binary16's exponent of x
    q = 2.0 ** (e - 10)                      # its spacing there: 10 fraction bits
    v = round(abs(x) / q) * q
    return math.copysign(v if v <= 65504.0 else math.inf, x)


def main():
    failures = 0
    halves = torch.arange(0, 0x7C00, dtype=torch.int32).to(torch.int16).view(torch.float16).double()
    mids = (halves[:-1] + halves[1:]) / 2     # exact, and exact in float32 too
    top = torch.tensor([65504.0, 65519.99609375, 65520.0, 65536.0, 1e6, 2.0 ** -25, 2.0 ** -26,
                        1.5 * 2.0 ** -25])
    f = torch.cat([halves, mids, top]).float()
    vals = torch.cat([f, torch.nextafter(f, torch.tensor(math.inf)), torch.nextafter(f, torch.tensor(0.0))])
    vals = torch.cat([vals, -vals])
    got = to_binary16(vals).double().tolist()
    for x, g in zip(vals.double().tolist(), got):
        w = exact_binary16(x)
        if g != w or math.copysign(1, g) != math.copysign(1, w):
            failures += 1
            if failures <= 5:
                print("FAIL  h(%r) = %r, exact rounding gives %r" % (x, g, w))
    sub = int(((torch.tensor(got).abs() > 0) & (torch.tensor(got).abs() < 2.0 ** -14)).sum())
    print("%s  h() on %d float32 values (every binary16 value, midpoint and their float32 "
          "neighbours, both signs): %d differ from exact rounding; %d subnormal results kept"
          % ("ok  " if failures == 0 else "FAIL", len(got), failures, sub))

    # float64: rounded to float32, then to binary16. 1 + 2^-11 is the midpoint
    # of 1 and 1 + 2^-10; 2^-40 above it is nearer 1 + 2^-10, but its float32
    # rounding is the midpoint itself, which ties to even: 1.
    d = torch.tensor([1 + 2.0 ** -11 + 2.0 ** -40, -(1 + 3 * 2.0 ** -11 - 2.0 ** -40), 0.1, 1e-6, 7e4],
                     dtype=torch.float64)
    h64 = to_binary16(d).tolist()
    want = [exact_binary16(float(torch.tensor(x).float())) for x in d.tolist()]
    ok64 = h64 == want and h64[0] == 1.0 and exact_binary16(d[0].item()) == 1 + 2.0 ** -10
    print("%s  h() on float64 rounds through float32: %s (want %s)" % ("ok  " if ok64 else "FAIL", h64, want))
    failures += not ok64
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
