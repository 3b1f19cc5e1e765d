#!/usr/bin/python3
"""PyTorch twin of the vae-vk model, and the maker of its reference fixtures.

Needs only torch (tested with Debian's python3-torch 1.13; run it with
/usr/bin/python3). Safetensors files are read and written by hand here, so
the `safetensors` package is not needed.

Using a vae-vk checkpoint from PyTorch
--------------------------------------
A vae-vk checkpoint is a safetensors file. Every model parameter is stored as
F32 under its PyTorch name (encoder.0.weight ... decoder.3.bias, the names of
the VAE class below), and the header's __metadata__ holds "channels"
(e.g. "32,64,128,256") and "latent" (e.g. "128"). The file also keeps training
state (Adam moments as adam_m.<name> / adam_v.<name>, counters, ...); those
tensors are not model parameters and are left out when loading.

    import sys; sys.path.insert(0, "tools")
    import torch
    from torch_reference import load_vaevk_checkpoint

    model = load_vaevk_checkpoint("run/checkpoint.safetensors")  # VAE, eval mode
    with torch.no_grad():
        z = torch.randn(16, model.latent)
        faces = model.decode(z)          # (16, 3, 64, 64) in [-1, 1]
        mu, log_var = model.encode(faces)

load_vaevk_checkpoint builds VAE(channels, latent) from the metadata (falling
back to the tensor shapes if the metadata is missing) and calls
load_state_dict(strict=True), so a file missing any parameter is refused.

Reference fixtures
------------------
    torch_reference.py --out FILE [--channels 4,8,8,16] [--latent 8]
        [--batch 3] [--beta 0.5] [--lr 1e-3] [--seed 0] [--adam-step 1]
        [--warm-moments]
        [--precision fp32|mixed] [--loss-scale S]
    torch_reference.py --verify FILE

The model is built in float32 with torch.manual_seed(seed) and PyTorch's
default initialisation; x ~ U[-1,1] (B,3,64,64) and eps ~ N(0,1) (B,latent)
are drawn in float32. Everything after that is done in float64 from those
float32 values, so the stored results are the exact answers rounded once to
float32: loss, recon, kl, the gradients, and one step of torch.optim.Adam
(betas 0.9/0.999, eps 1e-8) taken as step number --adam-step. With
--warm-moments Adam starts from nonzero moments (stored as m.<name>,
v.<name>); otherwise from zero moments. The file holds, all F32:
    <name>                 starting parameters (checkpoint names)
    x (B,3,64,64), eps (B,latent)
    loss, recon, kl        scalars, shape [] (0-dim, one float)
    grad.<name>            d loss / d parameter
    next.<name>            parameter after the Adam step
    next_m.<name>, next_v.<name>   Adam moments after the step
    m.<name>, v.<name>     Adam moments before the step (only with --warm-moments)
--verify reloads a file, recomputes everything in float64 from the stored
parameters, x, eps (and moments) and checks the stored values are those
answers rounded to float32 (in a mixed file's own precision and loss
scale).

Mixed precision (--precision mixed [--loss-scale S])
----------------------------------------------------
vae-vk's mixed precision, exactly: the two operands of every product are
rounded to IEEE binary16 (h: round to nearest, ties to even, subnormals
kept, overflow to inf) where they enter it, and nothing else is. Products
are conv2d, conv_transpose2d and the linear layers, each forward and both
backward products, for y = layer(x, w):
    forward                h(x), h(w)
    backward to the input  h(dy), h(w)
    backward to the weights  h(dy), h(x)
The sums of products are not rounded (float64 here, double in vae-vk's C
reference, float32 on a GPU); bias adds, activations, the loss, KL, the
reparameterisation and Adam are as in fp32; bias gradients are sums of dy,
not products, so dy is not rounded there. The encoder's flattened output
feeds both heads: each head's backward-to-input product rounds its own
operands and the two results are added unrounded. Each product is a
torch.autograd.Function written out (_Conv2dMixed, _ConvTranspose2dMixed,
_LinearMixed; tests/torch/mixed_functions.py checks them against autograd
with h the identity).

Loss scaling: the backward pass is seeded with S * d(loss) instead of
d(loss) (S a power of two), so the gradient reaching every product is
S times the true one before it is rounded, and the gradients are divided
by S before Adam. In float64 both are exact; S matters only where h
rounds: S * dy below 2^-14 is a binary16 subnormal (or 0 below 2^-25), and
over 65504 it is inf, which vae-vk's loss scaler counts and skips the step
on. The maker refuses an S that overflows any operand and prints what the
rounding did (subnormals, values rounded to 0, the largest S * gradient
operand). The file stores loss, recon, kl and grad.<name> unscaled (the
true-scale gradients of this rounded computation: what Adam is given) and
adds "precision": "mixed" and "loss_scale" (e.g. "65536") to the metadata.
A file without "precision" is fp32 (the fp32 path and its files are
unchanged).

Double rounding: vae-vk keeps activations and gradients in float32, so
what it rounds to binary16 is a float32 value, itself already rounded; the
oracle's values are float64. h here rounds to float32 first, then to
binary16 (to_binary16), so that the oracle applies the function vae-vk
applies: rounding a float64 value straight to binary16 differs from that
double rounding exactly when the float64 value lies within half a float32
ulp of a binary16 midpoint, on the wrong side of it. (Torch 1.13's own
float64 -> float16 cast goes through float32 too; tests/torch/
half_rounding.py checks the float32 -> float16 cast against exact
rounding at every binary16 midpoint and its float32 neighbours.) On the
committed fixtures rounding straight from float64 moves no tensor by more
than a normalized MSE of 1e-8, so the choice is one of meaning, not of
size.

What check-reference can hold on a mixed file: binary16 rounding is a step
function, so two correct implementations whose float32 values differ by an
ulp (float32 vs double sums, tanhf vs tanh) now and then round an operand
to neighbouring binary16 values, 2^-11 apart relative, and in the backward
pass each such flip moves later sums enough to flip more of them. Measured
on the committed fixtures and more seeds (float32 tensors with float32
sums, as a GPU, and with double sums, as vae-vk's reference): the loss
terms stay within 6e-6 relative (the small, cancelling kl; recon 6e-8),
parameters after Adam within 5e-10, but the gradients of the first layers,
whose bias gradients cancel heavily, differ by normalized MSE up to 1.3e-6
(float32 sums; 3e-7 with double sums) and Adam's v by up to 4e-6. So
check-reference holds a mixed file to a normalized MSE of 1e-5 per tensor
(MIXED_NMSE_LIMIT) and the loss terms to 1e-5 relative, as in fp32. The
maker prints how far the fp32 step is from the mixed one (ref_mixed_s1:
4.3e-3, ref_mixed_warm_s65536: 3.5e-4), so a backend that skips the
rounding fails; flushing subnormals to zero moves ref_mixed_s1 by 0.37.
Each mixed op alone, from the same operands, is held to vae-vk's per-op
bound instead (selftest, 1e-10): the flips need differing inputs.
"""

import argparse
import ctypes
import json
import math
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGE_SIZE = 64
IMAGE_CHANNELS = 3
BOTTOM = 4          # spatial size after four stride-2 convolutions
LEAKY_SLOPE = 0.2
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8
FORMAT = "vae-vk-reference-step-1"


# ----------------------------------------------------------------------------
# The model


class VAE(nn.Module):
    """Convolutional VAE for 64x64 RGB images in [-1, 1]."""

    def __init__(self, channels=(32, 64, 128, 256), latent=128):
        super().__init__()
        channels = [int(c) for c in channels]
        if len(channels) != 4 or min(channels) < 1 or int(latent) < 1:
            raise ValueError("VAE needs 4 channel widths >= 1 and latent >= 1, "
                             "got channels=%s latent=%s" % (channels, latent))
        self.channels = channels
        self.latent = int(latent)
        widths = [IMAGE_CHANNELS] + channels
        flat = channels[3] * BOTTOM * BOTTOM
        self.encoder = nn.ModuleList(
            nn.Conv2d(widths[i], widths[i + 1], 4, 2, 1) for i in range(4))
        self.fc_mu = nn.Linear(flat, self.latent)
        self.fc_log_var = nn.Linear(flat, self.latent)
        self.decoder_input = nn.Linear(self.latent, flat)
        self.decoder = nn.ModuleList(
            nn.ConvTranspose2d(widths[4 - i], widths[3 - i], 4, 2, 1)
            for i in range(4))

    def encode(self, x):
        """x (B,3,64,64) -> mu (B,latent), log_var (B,latent)."""
        h = x
        for conv in self.encoder:
            h = F.leaky_relu(conv(h), LEAKY_SLOPE)
        h = h.flatten(1)  # NCHW order, as fc_mu expects
        return self.fc_mu(h), self.fc_log_var(h)

    def decode(self, z):
        """z (B,latent) -> xhat (B,3,64,64) in [-1, 1]."""
        h = F.relu(self.decoder_input(z))
        h = h.view(z.shape[0], self.channels[3], BOTTOM, BOTTOM)
        for i, convt in enumerate(self.decoder):
            h = convt(h)
            h = torch.tanh(h) if i == len(self.decoder) - 1 else F.relu(h)
        return h

    def forward(self, x, eps):
        """Reparameterised pass with the noise given: returns xhat, mu, log_var."""
        mu, log_var = self.encode(x)
        z = mu + torch.exp(0.5 * log_var) * eps
        return self.decode(z), mu, log_var


def vae_loss(x, xhat, mu, log_var, beta):
    """Summed squared error + beta * KL, both averaged over the batch.
    Returns (loss, recon, kl)."""
    batch = x.shape[0]
    recon = ((xhat - x) ** 2).sum() / batch
    kl = (-0.5 * (1 + log_var - mu ** 2 - log_var.exp())).sum() / batch
    return recon + beta * kl, recon, kl


# ----------------------------------------------------------------------------
# Mixed precision: every product's operands rounded to binary16


PRECISIONS = ("fp32", "mixed")
# check-reference's limits for a mixed file (the docstring says why): every
# tensor to this normalized MSE, the loss terms to 1e-5 relative as in fp32.
MIXED_NMSE_LIMIT = 1e-5
BINARY16_MAX = 65504.0
BINARY16_MIN_NORMAL = 2.0 ** -14


def to_binary16(t):
    """h(t): t rounded to IEEE binary16 (nearest, ties to even, subnormals
    kept, overflow to inf), returned in t's dtype.

    Through float32 on purpose: vae-vk rounds float32 values, so the oracle
    rounds its float64 values to float32 first (the docstring's "double
    rounding"). Torch's float32 -> float16 cast rounds correctly
    (tests/torch/half_rounding.py checks it at every binary16 midpoint);
    torch 1.13's float64 -> float16 cast goes through float32 anyway, but
    that is not promised, so it is not relied on."""
    return t.to(torch.float32).to(torch.float16).to(t.dtype)


class Binary16Operands:
    """The h() applied to product operands, counting what the rounding did
    to each kind of operand (keyed by `where`): values, those that became
    binary16 subnormals, nonzero ones that became 0, infinities, and the
    largest magnitude. exact=True makes h the identity (for tests)."""

    def __init__(self, exact=False):
        self.exact = exact
        self.census = {}

    def __call__(self, t, where):
        if self.exact:
            return t
        h = to_binary16(t)
        a = h.abs()
        c = self.census.setdefault(where, [0, 0, 0, 0, 0.0])
        c[0] += t.numel()
        c[1] += int(((a > 0) & (a < BINARY16_MIN_NORMAL)).sum())
        c[2] += int(((h == 0) & (t != 0)).sum())
        c[3] += int(torch.isinf(h).sum())
        c[4] = max(c[4], float(t.abs().max()) if t.numel() else 0.0)
        return h

    def totals(self):
        """-> (values, subnormal, flushed to 0, inf, largest |gradient operand|)"""
        tot = [sum(c[i] for c in self.census.values()) for i in range(4)]
        dy = [c[4] for w, c in self.census.items() if w.endswith(" dy")]
        return tot + [max(dy, default=0.0)]


# y = conv2d(x, w) + b, kernel 4, stride 2, padding 1. Forward h(x)*h(w);
# backward to the input h(dy)*h(w), to the weights h(dy)*h(x); db = sum dy.
class _Conv2dMixed(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b, h, name):
        xh, wh = h(x, name + " x"), h(w, name + " w")
        ctx.save_for_backward(xh, wh)
        ctx.h, ctx.name = h, name
        return F.conv2d(xh, wh, b, stride=2, padding=1)

    @staticmethod
    def backward(ctx, dy):
        xh, wh = ctx.saved_tensors
        dyh = ctx.h(dy, ctx.name + " dy")
        dx = torch.nn.grad.conv2d_input(xh.shape, wh, dyh, stride=2, padding=1)
        dw = torch.nn.grad.conv2d_weight(xh, wh.shape, dyh, stride=2, padding=1)
        return dx, dw, dy.sum((0, 2, 3)), None, None


# y = conv_transpose2d(x, w) + b, the adjoint of conv2d(., w): backward to
# the input is conv2d(h(dy), h(w)), to the weights conv2d's weight gradient
# with the roles of input and output swapped, h(dy) against h(x).
class _ConvTranspose2dMixed(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b, h, name):
        xh, wh = h(x, name + " x"), h(w, name + " w")
        ctx.save_for_backward(xh, wh)
        ctx.h, ctx.name = h, name
        return F.conv_transpose2d(xh, wh, b, stride=2, padding=1)

    @staticmethod
    def backward(ctx, dy):
        xh, wh = ctx.saved_tensors
        dyh = ctx.h(dy, ctx.name + " dy")
        dx = F.conv2d(dyh, wh, stride=2, padding=1)
        dw = torch.nn.grad.conv2d_weight(dyh, wh.shape, xh, stride=2, padding=1)
        return dx, dw, dy.sum((0, 2, 3)), None, None


# y = x w^T + b: x (B,in), w (out,in), y (B,out).
class _LinearMixed(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, w, b, h, name):
        xh, wh = h(x, name + " x"), h(w, name + " w")
        ctx.save_for_backward(xh, wh)
        ctx.h, ctx.name = h, name
        return F.linear(xh, wh, b)

    @staticmethod
    def backward(ctx, dy):
        xh, wh = ctx.saved_tensors
        dyh = ctx.h(dy, ctx.name + " dy")
        return dyh @ wh, dyh.t() @ xh, dy.sum(0), None, None


def forward_mixed(model, x, eps, h):
    """VAE.forward with every product through the functions above, each
    operand rounded by h (a Binary16Operands). Returns xhat, mu, log_var.
    The encoder's flattened output feeds both heads: autograd adds their two
    backward-to-input products unrounded, as the lead's semantics ask."""
    a = x
    for i, conv in enumerate(model.encoder):
        a = _Conv2dMixed.apply(a, conv.weight, conv.bias, h, "encoder.%d" % i)
        a = F.leaky_relu(a, LEAKY_SLOPE)
    a = a.flatten(1)
    mu = _LinearMixed.apply(a, model.fc_mu.weight, model.fc_mu.bias, h, "fc_mu")
    log_var = _LinearMixed.apply(a, model.fc_log_var.weight, model.fc_log_var.bias,
                                 h, "fc_log_var")
    z = mu + torch.exp(0.5 * log_var) * eps
    d = model.decoder_input
    a = F.relu(_LinearMixed.apply(z, d.weight, d.bias, h, "decoder_input"))
    a = a.view(z.shape[0], model.channels[3], BOTTOM, BOTTOM)
    for i, convt in enumerate(model.decoder):
        a = _ConvTranspose2dMixed.apply(a, convt.weight, convt.bias, h, "decoder.%d" % i)
        a = torch.tanh(a) if i == len(model.decoder) - 1 else F.relu(a)
    return a, mu, log_var


# ----------------------------------------------------------------------------
# Safetensors, by hand: u64 LE header length, JSON header, then the data.

_DTYPES = {
    "F32": (torch.float32, 4), "F64": (torch.float64, 8),
    "I32": (torch.int32, 4), "I64": (torch.int64, 8),
    "U8": (torch.uint8, 1), "I8": (torch.int8, 1),
}
_NAMES = {dt: (name, size) for name, (dt, size) in _DTYPES.items()}


def _require_little_endian():
    if sys.byteorder != "little":
        raise RuntimeError("safetensors data is little-endian; this script "
                           "only handles little-endian machines")


def read_safetensors_header(path):
    """-> (header dict without __metadata__, metadata dict, data start)."""
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise ValueError("%s: too short to be a safetensors file" % path)
        (n,) = struct.unpack("<Q", head)
        if n > 100 * 1024 * 1024:
            raise ValueError("%s: header length %d is not plausible; "
                             "is this a safetensors file?" % (path, n))
        raw = f.read(n)
    if len(raw) != n:
        raise ValueError("%s: header cut short (%d of %d bytes)"
                         % (path, len(raw), n))
    header = json.loads(raw.decode("utf-8"))
    meta = header.pop("__metadata__", None) or {}
    return header, meta, 8 + n


def read_safetensors(path, names=None):
    """-> ({name: tensor}, metadata). names: only read these (all if None)."""
    _require_little_endian()
    header, meta, start = read_safetensors_header(path)
    with open(path, "rb") as f:
        blob = f.read()
    data_len = len(blob) - start
    out = {}
    for name, info in header.items():
        if names is not None and name not in names:
            continue
        if info["dtype"] not in _DTYPES:
            raise ValueError("%s: tensor %s has dtype %s, which this reader "
                             "does not handle" % (path, name, info["dtype"]))
        dtype, size = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = [int(s) for s in info["shape"]]
        count = math.prod(shape)
        if not (0 <= begin <= end <= data_len) or end - begin != count * size:
            raise ValueError("%s: tensor %s has data_offsets %s that do not "
                             "fit its shape %s or the file" %
                             (path, name, [begin, end], shape))
        buf = bytearray(blob[start + begin:start + end])
        t = torch.frombuffer(buf, dtype=dtype) if count else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(shape).clone()
    return out, meta


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, tensor), written in that order."""
    _require_little_endian()
    header = {"__metadata__": {str(k): str(v) for k, v in metadata.items()}}
    chunks, offset = [], 0
    for name, t in tensors:
        t = t.detach().cpu().contiguous()
        dname, size = _NAMES[t.dtype]
        nbytes = t.numel() * size
        chunks.append(ctypes.string_at(t.data_ptr(), nbytes) if nbytes else b"")
        header[name] = {"dtype": dname, "shape": list(t.shape),
                        "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * (-len(raw) % 8)  # data starts 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for c in chunks:
            f.write(c)


# ----------------------------------------------------------------------------
# Loading a vae-vk checkpoint


def _config_from_shapes(header, path):
    try:
        channels = [header["encoder.%d.weight" % i]["shape"][0] for i in range(4)]
        latent = header["fc_mu.weight"]["shape"][0]
    except KeyError as e:
        raise ValueError("%s: no channels/latent in __metadata__ and no %s "
                         "tensor to infer them from; is this a vae-vk "
                         "checkpoint?" % (path, e)) from None
    return channels, latent


def load_vaevk_checkpoint(path):
    """Build a VAE from a vae-vk checkpoint and load its parameters.

    Channels and latent come from the header's __metadata__ ("channels",
    "latent"). Only tensors that are model parameters are loaded; training
    state (adam_m.<name>, adam_v.<name>, ...) is skipped. strict=True means
    any missing parameter or wrong shape is an error. Returns the model in
    eval mode, float32."""
    header, meta, _ = read_safetensors_header(path)
    if "channels" in meta and "latent" in meta:
        channels = [int(c) for c in meta["channels"].split(",")]
        latent = int(meta["latent"])
    else:
        channels, latent = _config_from_shapes(header, path)
    model = VAE(channels, latent)
    wanted = set(model.state_dict().keys())
    missing = sorted(wanted - set(header))
    if missing:
        raise ValueError("%s: %d model parameters missing (first: %s); is this "
                         "a vae-vk checkpoint?" % (path, len(missing), missing[0]))
    for name in wanted & set(header):
        if header[name]["dtype"] != "F32":
            raise ValueError("%s: parameter %s is %s, expected F32"
                             % (path, name, header[name]["dtype"]))
    tensors, _ = read_safetensors(path, names=wanted)
    model.load_state_dict(tensors, strict=True)
    return model.eval()


# ----------------------------------------------------------------------------
# One reference step


def draw_inputs(channels, latent, batch, seed, warm_moments, adam_step):
    """Everything random, in float32, in a fixed draw order."""
    torch.manual_seed(seed)
    model = VAE(channels, latent)
    x = torch.rand(batch, IMAGE_CHANNELS, IMAGE_SIZE, IMAGE_SIZE) * 2 - 1
    eps = torch.randn(batch, latent)
    moments = None
    if warm_moments:
        moments = {}
        # Moments as Adam would hold them after adam_step-1 steps on
        # gradients of size ~1e-3: plausible magnitudes, v > 0 everywhere.
        b1, b2 = ADAM_BETAS
        for name, p in model.named_parameters():
            m = torch.zeros_like(p)
            v = torch.zeros_like(p)
            for _ in range(max(adam_step - 1, 1)):
                g = 1e-3 * torch.randn_like(p)
                m = b1 * m + (1 - b1) * g
                v = b2 * v + (1 - b2) * g * g
            moments[name] = (m, v)
    return model, x, eps, moments


def reference_step(params, x, eps, moments, channels, latent, beta, lr, adam_step,
                   precision="fp32", loss_scale=1.0, h=None):
    """Float64 loss, gradients and one torch.optim.Adam step.

    params: {name: float32 tensor}; moments: {name: (m, v)} or None for
    zeros. precision "mixed": products through forward_mixed with h (a
    Binary16Operands, made here if None), the backward pass seeded with
    loss_scale, the gradients divided by it before Adam (exact: a power of
    two). Returns a dict of float64 results, gradients unscaled."""
    model = VAE(channels, latent).double()
    model.load_state_dict({k: v.double() for k, v in params.items()}, strict=True)
    x64, eps64 = x.double(), eps.double()
    if precision == "mixed":
        xhat, mu, log_var = forward_mixed(model, x64, eps64, h or Binary16Operands())
        loss, recon, kl = vae_loss(x64, xhat, mu, log_var, beta)
        loss.backward(torch.tensor(float(loss_scale), dtype=torch.float64))
        for p in model.parameters():
            p.grad /= loss_scale
    else:
        xhat, mu, log_var = model(x64, eps64)
        loss, recon, kl = vae_loss(x64, xhat, mu, log_var, beta)
        loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}

    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=ADAM_BETAS,
                           eps=ADAM_EPS, weight_decay=0, amsgrad=False,
                           foreach=False)
    # torch 1.13 keeps per-parameter state {step: 0-dim float32 tensor,
    # exp_avg, exp_avg_sq} and increments step before using it, so a state
    # holding step = t-1 makes the next step the t-th.
    for name, p in model.named_parameters():
        if moments is not None:
            m, v = moments[name]
            m, v = m.double().clone(), v.double().clone()
        else:
            m, v = torch.zeros_like(p), torch.zeros_like(p)
        opt.state[p] = {"step": torch.tensor(float(adam_step - 1)),
                        "exp_avg": m, "exp_avg_sq": v}
    opt.step()

    out = {"loss": loss.detach(), "recon": recon.detach(), "kl": kl.detach(),
           "grad": grads, "next": {}, "next_m": {}, "next_v": {}}
    for name, p in model.named_parameters():
        st = opt.state[p]
        if float(st["step"]) != adam_step:
            raise RuntimeError("Adam state did not advance to step %d" % adam_step)
        out["next"][name] = p.detach().clone()
        out["next_m"][name] = st["exp_avg"].clone()
        out["next_v"][name] = st["exp_avg_sq"].clone()
    return out


def loss_scale_ok(s):
    """A loss scale must be a positive power of two: dividing by it is exact."""
    return s > 0 and math.isfinite(s) and math.frexp(s)[0] == 0.5


def binary16_summary(h, loss_scale):
    """One line on what rounding did to the product operands; fails on inf."""
    n, sub, flushed, inf, dy_max = h.totals()
    if inf or not math.isfinite(dy_max):
        raise SystemExit("S * gradients overflow binary16 (%d operands became inf; largest gradient "
                         "operand %g, binary16 ends at %g): vae-vk would skip this step, so it is "
                         "no reference step; use a smaller --loss-scale"
                         % (inf, dy_max, BINARY16_MAX))
    headroom = int(math.floor(math.log2(BINARY16_MAX / dy_max))) if dy_max > 0 else 0
    return ("binary16 operands: %d, %d of them subnormal, %d nonzero ones rounded to 0; largest "
            "S * gradient operand %.6g (S = %g could double %d more times)"
            % (n, sub, flushed, dy_max, loss_scale, headroom))


def worst_nmse(a, b):
    """(normalized MSE, name) of the tensor of a furthest from b, as
    check-reference measures it: sum (a-b)^2 / sum b^2."""
    return max((float(((a[n] - b[n]) ** 2).sum() / (b[n] ** 2).sum()), n) for n in b)


def make_fixture(args):
    channels = [int(c) for c in args.channels.split(",")]
    if args.adam_step < 1:
        raise SystemExit("--adam-step must be >= 1 (1 is Adam's first step)")
    if args.loss_scale is not None and args.precision != "mixed":
        raise SystemExit("--loss-scale is for --precision mixed (fp32 has no loss scaling)")
    mixed = args.precision == "mixed"
    loss_scale = args.loss_scale if args.loss_scale is not None else 1.0
    if not loss_scale_ok(loss_scale):
        raise SystemExit("--loss-scale %g is not a power of two (2^k, k any integer)" % loss_scale)
    model, x, eps, moments = draw_inputs(channels, args.latent, args.batch,
                                         args.seed, args.warm_moments,
                                         args.adam_step)
    params = {n: p.detach().clone() for n, p in model.named_parameters()}
    if moments is not None:  # the float32 moments are what the file holds
        moments = {n: (m.float(), v.float()) for n, (m, v) in moments.items()}
    h = Binary16Operands()
    r = reference_step(params, x, eps, moments, channels, args.latent,
                       args.beta, args.lr, args.adam_step, args.precision, loss_scale, h)
    if mixed:
        census = binary16_summary(h, loss_scale)
        fp32 = reference_step(params, x, eps, moments, channels, args.latent,
                              args.beta, args.lr, args.adam_step)
        signal = worst_nmse(fp32["grad"], r["grad"])

    f32 = lambda t: t.to(torch.float32)
    items = [(n, t) for n, t in params.items()]
    items += [("x", x), ("eps", eps)]
    items += [(k, f32(r[k])) for k in ("loss", "recon", "kl")]
    for prefix in ("grad", "next", "next_m", "next_v"):
        items += [("%s.%s" % (prefix, n), f32(t)) for n, t in r[prefix].items()]
    if moments is not None:
        items += [("m.%s" % n, m) for n, (m, _) in moments.items()]
        items += [("v.%s" % n, v) for n, (_, v) in moments.items()]
    meta = {
        "format": FORMAT,
        "beta": repr(float(args.beta)), "lr": repr(float(args.lr)),
        "channels": ",".join(str(c) for c in channels),
        "latent": str(args.latent), "batch": str(args.batch),
        "adam_step": str(args.adam_step),
        "warm_moments": "1" if args.warm_moments else "0",
        "betas": "%r,%r" % ADAM_BETAS, "eps": repr(ADAM_EPS),
        "seed": str(args.seed), "torch": torch.__version__,
    }
    if mixed:  # fp32 files stay as they were: no key means fp32
        meta["precision"] = "mixed"
        meta["loss_scale"] = "%.17g" % loss_scale
    write_safetensors(args.out, items, meta)
    print("%s: loss %.9g recon %.9g kl %.9g (channels %s, latent %d, batch %d, "
          "beta %g, adam step %d%s)" %
          (args.out, float(r["loss"]), float(r["recon"]), float(r["kl"]),
           meta["channels"], args.latent, args.batch, args.beta,
           args.adam_step, ", warm moments" if args.warm_moments else ""))
    if mixed:
        print("%s: mixed precision, loss scale %g; %s" % (args.out, loss_scale, census))
        print("%s: the fp32 step differs from this one by normalized MSE %.2e (%s), "
              "%.0fx check-reference's mixed limit %.0e" % (args.out, signal[0], "grad." + signal[1],
                                                            signal[0] / MIXED_NMSE_LIMIT,
                                                            MIXED_NMSE_LIMIT))
        if signal[0] < 10 * MIXED_NMSE_LIMIT:
            print("warning: that is too close for check-reference to tell a mixed step "
                  "from an fp32 one; another seed or size tells them apart better")


# ----------------------------------------------------------------------------
# Verification


def _check_rounded(name, stored, exact, failures):
    """stored (float32) must be exact (float64) rounded to float32.

    Round-to-nearest is off by at most half an ulp, which is <= 2^-24 |exact|.
    The float64 recomputation may itself differ from the one that made the
    file (thread count, another torch build) by float64 rounding in sums;
    1e-12 of the tensor's largest entry covers that with room to spare while
    staying far below a float32 ulp of any entry that matters."""
    s = stored.double().reshape(-1)
    e = exact.double().reshape(-1)
    if s.shape != e.shape:
        failures.append("%s: shape %s, expected %s" % (name, list(stored.shape),
                                                       list(exact.shape)))
        return 0
    allow = e.abs() * 2.0 ** -24 + 1e-12 * float(e.abs().max() if e.numel() else 0)
    bad = (s - e).abs() > allow
    if bool(bad.any()):
        i = int(bad.nonzero()[0])
        failures.append("%s: %d of %d entries off, e.g. [%d] stored %.9g exact %.17g"
                        % (name, int(bad.sum()), s.numel(), i, float(s[i]), float(e[i])))
    return int((s != e.to(torch.float32).double()).sum())


def verify_fixture(path):
    _, _, start = read_safetensors_header(path)
    if start % 8:
        raise SystemExit("%s: data does not start 8-byte aligned" % path)
    t, meta = read_safetensors(path)
    if meta.get("format") != FORMAT:
        raise SystemExit("%s: format %r, expected %r" % (path, meta.get("format"), FORMAT))
    channels = [int(c) for c in meta["channels"].split(",")]
    latent, batch = int(meta["latent"]), int(meta["batch"])
    beta, lr, step = float(meta["beta"]), float(meta["lr"]), int(meta["adam_step"])
    warm = meta["warm_moments"] == "1"
    precision = meta.get("precision", "fp32")
    loss_scale = float(meta.get("loss_scale", "1"))
    if precision not in PRECISIONS or not loss_scale_ok(loss_scale) or \
            (precision == "fp32" and "loss_scale" in meta):
        raise SystemExit("%s: precision %r with loss_scale %r: expected fp32 without a loss "
                         "scale, or mixed with a power of two"
                         % (path, precision, meta.get("loss_scale")))
    if [float(b) for b in meta["betas"].split(",")] != list(ADAM_BETAS) \
            or float(meta["eps"]) != ADAM_EPS:
        raise SystemExit("%s: Adam betas/eps differ from this script's" % path)
    names = [n for n, _ in VAE(channels, latent).named_parameters()]
    for name, tensor in t.items():
        if tensor.dtype != torch.float32:
            raise SystemExit("%s: %s is %s, expected F32" % (path, name, tensor.dtype))

    params = {n: t[n] for n in names}
    moments = {n: (t["m." + n], t["v." + n]) for n in names} if warm else None
    h = Binary16Operands()
    r = reference_step(params, t["x"], t["eps"], moments, channels, latent,
                       beta, lr, step, precision, loss_scale, h)
    if precision == "mixed":
        print("%s: mixed precision, loss scale %g; %s"
              % (path, loss_scale, binary16_summary(h, loss_scale)))

    failures, off_by_ulp, checked = [], 0, 0
    for k in ("loss", "recon", "kl"):
        if list(t[k].shape) != []:
            failures.append("%s: shape %s, expected []" % (k, list(t[k].shape)))
        off_by_ulp += _check_rounded(k, t[k], r[k], failures)
        checked += 1
    for prefix in ("grad", "next", "next_m", "next_v"):
        for n in names:
            stored = t["%s.%s" % (prefix, n)]
            off_by_ulp += _check_rounded("%s.%s" % (prefix, n), stored,
                                         r[prefix][n], failures)
            checked += stored.numel()

    # Same seed, same torch: the random draws must come out bit for bit.
    model, x, eps, mom = draw_inputs(channels, latent, batch, int(meta["seed"]),
                                     warm, step)
    redraw = dict(model.named_parameters())
    same = all(torch.equal(redraw[n].detach(), t[n]) for n in names)
    same = same and torch.equal(x, t["x"]) and torch.equal(eps, t["eps"])
    if warm:
        same = same and all(torch.equal(mom[n][0].float(), t["m." + n]) and
                            torch.equal(mom[n][1].float(), t["v." + n]) for n in names)
    if not same:
        msg = "%s: redrawing from seed %s does not give the stored inputs" % (path, meta["seed"])
        if meta["torch"] == torch.__version__:
            failures.append(msg)
        else:
            print("note: " + msg + " (made with torch %s, this is %s)"
                  % (meta["torch"], torch.__version__))

    print("%s: %s, loss %.9g recon %.9g kl %.9g; %d values checked, %d differ from "
          "a fresh float32 rounding (allowed: float64 noise at a rounding tie); "
          "redraw from seed %s" %
          (path, precision, float(t["loss"]), float(t["recon"]), float(t["kl"]), checked,
           off_by_ulp, "matches" if same else "differs"))
    if failures:
        for f in failures:
            print("FAIL " + f)
        raise SystemExit(1)
    print("%s: OK" % path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="write a reference fixture here")
    ap.add_argument("--verify", metavar="FILE", help="recheck a fixture")
    ap.add_argument("--channels", default="4,8,8,16")
    ap.add_argument("--latent", type=int, default=8)
    ap.add_argument("--batch", type=int, default=3)
    ap.add_argument("--beta", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--adam-step", type=int, default=1)
    ap.add_argument("--warm-moments", action="store_true")
    ap.add_argument("--precision", choices=PRECISIONS, default="fp32",
                    help="mixed: every product's operands rounded to binary16 (see above)")
    ap.add_argument("--loss-scale", type=float, default=None, metavar="S",
                    help="mixed only: backward pass seeded with S (a power of two; default 1)")
    args = ap.parse_args()
    if bool(args.out) == bool(args.verify):
        ap.error("give exactly one of --out FILE or --verify FILE")
    if args.verify:
        verify_fixture(args.verify)
    else:
        make_fixture(args)


if __name__ == "__main__":
    main()
