#!/usr/bin/python3
"""The same training step as `vae-vk bench`, in PyTorch, for comparison.

    bench_torch.py [--device cuda|cpu] [--batch 64] [--steps 20] [--warmup 3]
                   [--channels 32,64,128,256] [--latent 128] [--tf32]

Model and loss from tools/torch_reference.py; one step is forward, loss,
backward and Adam on a fixed batch, timed with the device synchronised, as
vae-vk's bench times whole steps. fp32 throughout; TF32 matrix units stay
off unless --tf32 (vae-vk computes in plain fp32)."""

import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import VAE, vae_loss  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--channels", default="32,64,128,256")
    ap.add_argument("--latent", type=int, default=128)
    ap.add_argument("--tf32", action="store_true")
    a = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    dev = torch.device(a.device)
    channels = [int(c) for c in a.channels.split(",")]
    torch.manual_seed(1)
    model = VAE(channels, a.latent).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(a.batch, 3, 64, 64, device=dev) * 2 - 1

    def step():
        eps = torch.randn(a.batch, a.latent, device=dev)
        xhat, mu, log_var = model(x, eps)
        loss, _, _ = vae_loss(x, xhat, mu, log_var, 0.5)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(a.warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    sync()
    seconds = time.perf_counter() - start
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    print(f"device:        torch {torch.__version__} on {name} ({'tf32' if a.tf32 else 'fp32'})")
    print(f"model:         channels {a.channels} latent {a.latent}, batch {a.batch}")
    print(f"time per step: {1e3 * seconds / a.steps:.2f} ms")
    print(f"images/s:      {a.batch * a.steps / seconds:.1f}")


if __name__ == "__main__":
    main()
