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
answers rounded to float32.
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


def reference_step(params, x, eps, moments, channels, latent, beta, lr, adam_step):
    """Float64 loss, gradients and one torch.optim.Adam step.

    params: {name: float32 tensor}; moments: {name: (m, v)} or None for
    zeros. Returns a dict of float64 results."""
    model = VAE(channels, latent).double()
    model.load_state_dict({k: v.double() for k, v in params.items()}, strict=True)
    x64, eps64 = x.double(), eps.double()
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


def make_fixture(args):
    channels = [int(c) for c in args.channels.split(",")]
    if args.adam_step < 1:
        raise SystemExit("--adam-step must be >= 1 (1 is Adam's first step)")
    model, x, eps, moments = draw_inputs(channels, args.latent, args.batch,
                                         args.seed, args.warm_moments,
                                         args.adam_step)
    params = {n: p.detach().clone() for n, p in model.named_parameters()}
    if moments is not None:  # the float32 moments are what the file holds
        moments = {n: (m.float(), v.float()) for n, (m, v) in moments.items()}
    r = reference_step(params, x, eps, moments, channels, args.latent,
                       args.beta, args.lr, args.adam_step)

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
    write_safetensors(args.out, items, meta)
    print("%s: loss %.9g recon %.9g kl %.9g (channels %s, latent %d, batch %d, "
          "beta %g, adam step %d%s)" %
          (args.out, float(r["loss"]), float(r["recon"]), float(r["kl"]),
           meta["channels"], args.latent, args.batch, args.beta,
           args.adam_step, ", warm moments" if args.warm_moments else ""))


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
    if [float(b) for b in meta["betas"].split(",")] != list(ADAM_BETAS) \
            or float(meta["eps"]) != ADAM_EPS:
        raise SystemExit("%s: Adam betas/eps differ from this script's" % path)
    names = [n for n, _ in VAE(channels, latent).named_parameters()]
    for name, tensor in t.items():
        if tensor.dtype != torch.float32:
            raise SystemExit("%s: %s is %s, expected F32" % (path, name, tensor.dtype))

    params = {n: t[n] for n in names}
    moments = {n: (t["m." + n], t["v." + n]) for n in names} if warm else None
    r = reference_step(params, t["x"], t["eps"], moments, channels, latent,
                       beta, lr, step)

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

    print("%s: loss %.9g recon %.9g kl %.9g; %d values checked, %d differ from "
          "a fresh float32 rounding (allowed: float64 noise at a rounding tie); "
          "redraw from seed %s" %
          (path, float(t["loss"]), float(t["recon"]), float(t["kl"]), checked,
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
    args = ap.parse_args()
    if bool(args.out) == bool(args.verify):
        ap.error("give exactly one of --out FILE or --verify FILE")
    if args.verify:
        verify_fixture(args.verify)
    else:
        make_fixture(args)


if __name__ == "__main__":
    main()
