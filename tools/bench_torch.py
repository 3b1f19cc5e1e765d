#!/usr/bin/python3
"""The same training step as `vae-vk bench`, in PyTorch, for comparison.

    bench_torch.py [--device cuda|cpu] [--batch 64] [--steps N] [--warmup 3]
                   [--channels 32,64,128,256] [--latent 128] [--tf32]
                   [--channels-last] [--bf16] [--cuda-graph] [--fused-adam]
                   [--sweep] [--json]

Model and loss from tools/torch_reference.py; one step is forward, loss,
backward and Adam on a fixed batch (eps drawn anew each step), timed with
the device synchronised, as vae-vk's bench times whole steps. fp32
throughout by default; TF32 matrix units stay off unless --tf32 (vae-vk's
fp32 computes in plain fp32).

On CUDA, what a PyTorch user adds for speed, each a flag (tools/bench_gpu.py
runs the combinations issue #9 names):
  --bf16        forward and loss under torch.autocast(bfloat16): products in
                bf16 on the tensor cores, reductions and the loss in fp32,
                master weights and Adam in fp32 (no GradScaler: bf16 has
                fp32's range)
  --cuda-graph  the whole step (forward, loss, backward, Adam) captured once
                in one CUDA graph and replayed, per PyTorch's whole-network
                capture recipe: warm-up steps on a side stream, gradients set
                to None before capture, Adam built capturable, the batch in a
                static tensor; eps is drawn inside the graph (graph-safe RNG)
  --fused-adam  torch.optim.Adam(fused=True): one kernel for all parameters
On the CPU these are refused with one line.

On the CPU, PyTorch's speed depends on its thread settings (OMP_NUM_THREADS
for its own loops and oneDNN, OPENBLAS_NUM_THREADS for the BLAS behind its
other convolutions) and on the memory format. --sweep runs every
combination of 1..cores threads for each and both memory formats, each in
a fresh process, and reports the fastest: the configuration a user tuning
PyTorch for this machine would keep. It names the BLAS library PyTorch
loaded (Debian's python3-torch uses whichever libblas.so.3 the
alternatives system points at; the reference BLAS is several times slower
than OpenBLAS). --json prints the result as one JSON object."""

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_reference import VAE, vae_loss  # noqa: E402


def blas_library():
    """The BLAS shared library this process has loaded, by path."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))  # make sure it is loaded
    found = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            name = os.path.basename(path)
            if path.startswith("/") and ("blas" in name or "blis" in name or "mkl_rt" in name):
                real = os.path.realpath(path)
                if real not in found:
                    found.append(real)
    return ", ".join(found) if found else "none found (a BLAS built into torch?)"


def configuration(a):
    """The setting in words, as the table script prints it."""
    parts = ["bf16 autocast" if a.bf16 else "TF32" if a.tf32 else "fp32"]
    parts += ["channels_last"] if a.channels_last else []
    parts += ["CUDA graph"] if a.cuda_graph else ["eager"]
    parts += ["fused Adam"] if a.fused_adam else []
    return ", ".join(parts)


def capture_whole_step(step_body, warmup):
    """PyTorch's whole-network capture: warm up on a side stream (cuDNN and
    cuBLAS pick their algorithms and allocate workspaces there, outside the
    capture), then record one step into a graph. Returns the graph."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(max(warmup, 3)):
            step_body()
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step_body()
    return graph


def measure(a):
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    dev = torch.device(a.device)
    channels = [int(c) for c in a.channels.split(",")]
    torch.manual_seed(1)
    model = VAE(channels, a.latent).to(dev)
    x = torch.rand(a.batch, 3, 64, 64, device=dev) * 2 - 1
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    adam = {"lr": 1e-3}
    if a.fused_adam:
        adam["fused"] = True
    if a.cuda_graph:
        adam["capturable"] = True
    try:
        opt = torch.optim.Adam(model.parameters(), **adam)
    except (TypeError, RuntimeError) as e:
        raise SystemExit("bench_torch.py: torch %s cannot build Adam(%s): %s"
                         % (torch.__version__, ", ".join("%s=%s" % kv for kv in adam.items()), e))
    # no autocast cache: PyTorch's graph notes ask for it off under capture;
    # each weight is cast once per step anyway
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16, cache_enabled=False)) \
        if a.bf16 else contextlib.nullcontext

    def step_body():
        # set_to_none launches nothing, so in a capture the backward allocates
        # the gradients from the graph's pool and every replay writes them anew
        opt.zero_grad(set_to_none=True)
        eps = torch.randn(a.batch, a.latent, device=dev)
        with autocast():
            xhat, mu, log_var = model(x, eps)
            loss, _, _ = vae_loss(x, xhat, mu, log_var, 0.5)
        loss.backward()
        opt.step()
        return loss

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    if a.cuda_graph:
        graph = capture_whole_step(step_body, a.warmup)
        step = graph.replay
        for _ in range(a.warmup):
            step()
    else:
        step = step_body
        for _ in range(a.warmup):
            step()
    sync()
    start = time.perf_counter()
    for _ in range(a.steps):
        step()
    sync()
    seconds = time.perf_counter() - start
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    return {
        "torch": torch.__version__,
        "device": name,
        "precision": "bf16-autocast" if a.bf16 else "tf32" if a.tf32 else "fp32",
        "configuration": configuration(a),
        "cuda": torch.version.cuda if dev.type == "cuda" else None,
        "batch": a.batch,
        "steps": a.steps,
        "ms_per_step": 1e3 * seconds / a.steps,
        "images_per_s": a.batch * a.steps / seconds,
        "omp_threads": torch.get_num_threads(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "memory_format": "channels_last" if a.channels_last else "nchw",
        "blas": blas_library() if dev.type == "cpu" else None,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }


def sweep(a):
    """Every thread setting and memory format, each in a fresh process."""
    cores = len(os.sched_getaffinity(0))
    counts = sorted({1, max(1, cores // 2), cores})
    results = []
    for omp in counts:
        for blas in counts:
            for cl in (False, True):
                env = dict(os.environ, OMP_NUM_THREADS=str(omp), OPENBLAS_NUM_THREADS=str(blas),
                           BLIS_NUM_THREADS=str(blas))
                cmd = [sys.executable, os.path.abspath(__file__), "--device", "cpu", "--batch", str(a.batch),
                       "--steps", str(a.steps), "--warmup", str(a.warmup), "--channels", a.channels,
                       "--latent", str(a.latent), "--json"] + (["--channels-last"] if cl else [])
                out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
                r = json.loads(out)
                results.append(r)
                if not a.json:
                    print(f"  OMP {omp} x BLAS {blas}, {r['memory_format']:13s} {r['ms_per_step']:9.2f} ms/step "
                          f"{r['images_per_s']:8.1f} images/s", flush=True)
    best = max(results, key=lambda r: r["images_per_s"])
    best["sweep"] = [{k: r[k] for k in ("omp_threads", "blas_threads", "memory_format", "images_per_s")}
                     for r in results]
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=0, help="steps timed (default: about 1024 images, at least 3)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--channels", default="32,64,128,256")
    ap.add_argument("--latent", type=int, default=128)
    ap.add_argument("--tf32", action="store_true")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--bf16", action="store_true", help="CUDA: forward and loss under bf16 autocast")
    ap.add_argument("--cuda-graph", action="store_true", help="CUDA: the whole step in one CUDA graph")
    ap.add_argument("--fused-adam", action="store_true", help="CUDA: Adam(fused=True)")
    ap.add_argument("--sweep", action="store_true", help="CPU: try every thread setting and memory format")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    a = ap.parse_args()
    if a.steps <= 0:
        a.steps = max(3, 1024 // a.batch)
    if a.sweep and a.device != "cpu":
        ap.error("--sweep is for --device cpu")
    cuda_only = [f for f, on in (("--bf16", a.bf16), ("--cuda-graph", a.cuda_graph),
                                 ("--fused-adam", a.fused_adam)) if on]
    if cuda_only and not a.device.startswith("cuda"):
        raise SystemExit("bench_torch.py: %s need%s CUDA; this is --device %s"
                         % (" and ".join(cuda_only), "s" if len(cuda_only) == 1 else "", a.device))
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("bench_torch.py: --device %s, but torch %s sees no CUDA device"
                         % (a.device, torch.__version__))
    r = sweep(a) if a.sweep else measure(a)
    if a.json:
        print(json.dumps(r))
        return
    config = f"OMP {r['omp_threads']} x BLAS {r['blas_threads']} threads, {r['memory_format']}"
    print(f"device:        torch {r['torch']} on {r['device']} ({r['configuration']}{', best of the sweep' if a.sweep else ''})")
    print(f"model:         channels {a.channels} latent {a.latent}, batch {a.batch}")
    if a.device == "cpu":
        print(f"setting:       {config}")
        print(f"BLAS:          {r['blas']}")
    print(f"time per step: {r['ms_per_step']:.2f} ms")
    print(f"images/s:      {r['images_per_s']:.1f}")
    print(f"peak memory:   {r['peak_rss_mib']:.0f} MiB resident")


if __name__ == "__main__":
    main()
