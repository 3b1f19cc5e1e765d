#!/usr/bin/python3
"""vae-vk's CPU backend against PyTorch on this machine, in one run.

    tools/bench_cpu.py [--vae build/vae-vk] [--batches 16,64,256] [--rounds 3]
                       [--markdown]

For each batch size: PyTorch at its best (tools/bench_torch.py --sweep: every
OMP x BLAS thread setting and both memory formats, each in a fresh process),
then --rounds alternating runs of `vae-vk bench --device cpu` and of PyTorch
in that best setting, keeping the fastest of each (a shared machine slows
both sides in turn; alternating gives both the same chances). Then vae-vk
on 1, 2 and all threads at batch 64, the machine's multiply-add peak, and
the peak resident memory of `vae-vk train` and of PyTorch's step at batch
64. Prints a table (Markdown with --markdown) and the ratios."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def vae_bench(vae, batch, threads=None, steps=None):
    steps = steps or max(3, 512 // batch)
    cmd = [vae, "bench", "--device", "cpu", "--batch", str(batch), "--steps", str(steps), "--warmup", "2"]
    if threads:
        cmd += ["--threads", str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    text = out.stdout + out.stderr
    r = {"images_per_s": float(re.search(r"images/s:\s+([\d.]+)", text).group(1)),
         "ms_per_step": float(re.search(r"time per step:\s+([\d.]+)", text).group(1)),
         "gflops": float(re.search(r"GFLOP/s:\s+([\d.]+)", text).group(1))}
    peak = re.search(r"peak:\s+([\d.]+) GFLOP/s", text)
    r["peak_gflops"] = float(peak.group(1)) if peak else None
    r["device"] = re.search(r"device:\s+(.*)", text).group(1)
    return r


def torch_bench(batch, sweep, setting=None):
    cmd = [sys.executable, os.path.join(HERE, "bench_torch.py"), "--device", "cpu", "--batch", str(batch),
           "--json"]
    env = dict(os.environ)
    if sweep:
        cmd.append("--sweep")
    else:
        env["OMP_NUM_THREADS"] = str(setting["omp_threads"])
        env["OPENBLAS_NUM_THREADS"] = env["BLIS_NUM_THREADS"] = str(setting["blas_threads"])
        if setting["memory_format"] == "channels_last":
            cmd.append("--channels-last")
    return json.loads(subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout)


def train_peak_rss(vae, batch):
    """Peak resident MiB of a short `vae-vk train` on the CPU backend."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [vae, "train", "--device", "cpu", "--batch", str(batch), "--steps", "20", "--epochs", "1",
               "--synthetic-count", "4096", "--out", os.path.join(tmp, "run"), "--quiet"]
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        if status != 0:
            raise SystemExit(f"bench_cpu: {' '.join(cmd)} failed")
        return usage.ru_maxrss / 1024.0


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown processor"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vae", default=os.path.join(HERE, "..", "build", "vae-vk"))
    ap.add_argument("--batches", default="16,64,256")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    cores = len(os.sched_getaffinity(0))
    batches = [int(b) for b in a.batches.split(",")]
    rows = []
    for batch in batches:
        print(f"bench_cpu: batch {batch}: PyTorch's thread and memory-format sweep...", file=sys.stderr, flush=True)
        best_torch = torch_bench(batch, sweep=True)
        best_vae = vae_bench(a.vae, batch)
        for r in range(a.rounds):
            print(f"bench_cpu: batch {batch}: round {r + 1} of {a.rounds}", file=sys.stderr, flush=True)
            v = vae_bench(a.vae, batch)
            t = torch_bench(batch, sweep=False, setting=best_torch)
            if v["images_per_s"] > best_vae["images_per_s"]:
                best_vae = v
            if t["images_per_s"] > best_torch["images_per_s"]:
                best_torch.update({k: t[k] for k in ("images_per_s", "ms_per_step", "peak_rss_mib")})
        rows.append((batch, best_vae, best_torch))
    print("bench_cpu: vae-vk on 1, 2 and all threads...", file=sys.stderr, flush=True)
    scaling = {}
    for threads in sorted({1, min(2, cores), cores}):
        scaling[threads] = max((vae_bench(a.vae, 64, threads) for _ in range(a.rounds)),
                               key=lambda r: r["images_per_s"])
    print("bench_cpu: peak memory of training...", file=sys.stderr, flush=True)
    vae_rss = train_peak_rss(a.vae, 64)
    torch64 = next((t for b, _, t in rows if b == 64), None) or torch_bench(64, sweep=True)

    t0 = rows[0][2]
    sep = " | " if a.markdown else "  "
    print(f"\nmachine: {cpu_name()}, {cores} cores; vae-vk: {rows[0][1]['device']}")
    print(f"PyTorch {t0['torch']} on {t0['blas']}")
    peak = scaling[max(scaling)]["peak_gflops"]
    print(f"multiply-add peak of this machine: {peak:.0f} GFLOP/s on {max(scaling)} threads\n")
    head = ["batch", "vae-vk cpu images/s", "PyTorch best images/s", "PyTorch's setting", "ratio",
            "vae-vk GFLOP/s (of peak)"]
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    else:
        print(sep.join(head))
    for batch, v, t in rows:
        setting = f"OMP {t['omp_threads']} x BLAS {t['blas_threads']}, {t['memory_format']}"
        cells = [str(batch), f"{v['images_per_s']:.0f}", f"{t['images_per_s']:.0f}", setting,
                 f"{v['images_per_s'] / t['images_per_s']:.2f}x",
                 f"{v['gflops']:.0f} ({100 * v['gflops'] / peak:.0f}%)" if peak else f"{v['gflops']:.0f}"]
        print(("| " + " | ".join(cells) + " |") if a.markdown else sep.join(cells))
    print("\nvae-vk at batch 64 by threads: " +
          ", ".join(f"{n}: {r['images_per_s']:.0f} images/s" for n, r in sorted(scaling.items())))
    print(f"peak resident memory at batch 64: vae-vk train {vae_rss:.0f} MiB, "
          f"PyTorch's step {torch64['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
