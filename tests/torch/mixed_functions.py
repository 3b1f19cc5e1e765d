#!/usr/bin/python3
"""The mixed-precision products of tools/torch_reference.py, each checked
two ways (exit 77 without torch):
 - with h the identity they are the plain layers: torch.autograd.gradcheck
   on each, and the whole model's loss and gradients through forward_mixed
   equal to those through VAE.forward;
 - with h rounding to binary16, each backward is the product of the rounded
   operands the semantics name (dx from h(dy), h(w); dw from h(dy), h(x)) and
   the bias gradient the sum of the unrounded dy: compared with autograd's
   vector-Jacobian product of the layer at the rounded operands, which a
   bilinear layer makes exactly that."""

import os
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("skipped: /usr/bin/python3 has no torch")
    sys.exit(77)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import torch_reference as R  # noqa: E402

FAILS = []


def check(ok, what):
    print("%s  %s" % ("ok  " if ok else "FAIL", what))
    if not ok:
        FAILS.append(what)


def close(a, b, tol=1e-12):
    return float((a - b).abs().max()) <= tol * max(float(b.abs().max()), 1e-300)


LAYERS = [  # (name, function, plain layer, x shape, w shape, bias length)
    ("conv2d", R._Conv2dMixed, lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), (2, 3, 8, 8), (5, 3, 4, 4), 5),
    ("conv_transpose2d", R._ConvTranspose2dMixed,
     lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1), (2, 5, 4, 4), (5, 3, 4, 4), 3),
    ("linear", R._LinearMixed, F.linear, (3, 7), (4, 7), 4),
]


def main():
    torch.manual_seed(0)
    exact = R.Binary16Operands(exact=True)
    for name, fn, plain, xs, ws, nb in LAYERS:
        x = torch.randn(xs, dtype=torch.float64, requires_grad=True)
        w = torch.randn(ws, dtype=torch.float64, requires_grad=True)
        b = torch.randn(nb, dtype=torch.float64, requires_grad=True)
        ok = torch.autograd.gradcheck(lambda x, w, b: fn.apply(x, w, b, exact, name), (x, w, b),
                                      raise_exception=False)
        check(ok, "%s with h the identity passes gradcheck" % name)

        # rounded: against the vector-Jacobian product at the rounded operands
        x, w, b = (t.detach() * 50 for t in (x, w, b))   # binary16 rounding visible
        h = R.Binary16Operands()
        xr, wr = (t.clone().requires_grad_() for t in (x, w))
        br = b.clone().requires_grad_()
        y = fn.apply(xr, wr, br, h, name)
        dy = torch.randn_like(y) * 1e-3
        dx, dw, db = torch.autograd.grad(y, (xr, wr, br), dy)
        xh, wh = (R.to_binary16(t).requires_grad_() for t in (x, w))
        y2 = plain(xh, wh, b)
        dx2, dw2 = torch.autograd.grad(y2, (xh, wh), R.to_binary16(dy))
        check(torch.equal(y, y2), "%s forward is the layer on h(x), h(w)" % name)
        check(close(dx, dx2) and close(dw, dw2),
              "%s backward: dx from h(dy), h(w) and dw from h(dy), h(x)" % name)
        check(close(db, dy.sum([d for d in range(dy.dim()) if d != 1])),
              "%s bias gradient: the sum of dy, unrounded" % name)
        xp = x.clone().requires_grad_()
        dx_plain = torch.autograd.grad(plain(xp, w, b), xp, dy)[0]
        check(not close(dx, dx_plain, 1e-6), "%s: the rounding moves dx (the checks above can fail)" % name)

    # the whole model with h the identity is the fp32 model
    ch, lat = (3, 5, 7, 9), 5
    model, x, eps, _ = R.draw_inputs(ch, lat, 2, 0, False, 1)
    model = model.double()
    x, eps = x.double(), eps.double()
    outs = []
    for forward in (lambda: model(x, eps), lambda: R.forward_mixed(model, x, eps, exact)):
        model.zero_grad()
        xhat, mu, lv = forward()
        loss, _, _ = R.vae_loss(x, xhat, mu, lv, 0.5)
        loss.backward()
        outs.append([loss.detach()] + [p.grad.clone() for p in model.parameters()])
    check(all(close(a, b) for a, b in zip(*outs)),
          "forward_mixed with h the identity: the model's loss and every gradient")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
