#!/usr/bin/python3
"""vae-vk and PyTorch side by side on one machine, one Markdown table.

    tools/bench_gpu.py [--vae build/vae-vk] [--device N] [--batches 64,256,1024]
                       [--steps N] [--channels 32,64,128,256] [--latent 128]

Rows (issue #9), each at every batch size, every run in a fresh process:
  vae-vk bench --precision fp32 and --precision mixed (on --device, default
  vae-vk's own pick: the best GPU, else the CPU backend)
  PyTorch eager fp32                                   bench_torch.py
  PyTorch fp32, whole step in one CUDA graph, fused Adam   --cuda-graph --fused-adam
  PyTorch TF32, CUDA graph, fused Adam                 --tf32 --cuda-graph --fused-adam
  PyTorch bf16 autocast, channels_last, CUDA graph, fused Adam
Each cell is ms per step and images/s. The header names the GPU, its driver,
torch and its CUDA, vae-vk's device and the date. Where something cannot
run it says so under the table: without CUDA the PyTorch rows but eager run
nowhere and eager runs on the CPU (its BLAS named); a vae-vk whose bench has
no --precision gets no mixed row (its one row is fp32). Run it from the
repository root with Debian's /usr/bin/python3 (or any python with torch);
the whole table takes a few minutes on a GPU, and far longer on a CPU, where
--batches 16 --steps 2 gives a quick look."""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

TORCH_ROWS = [  # (row label, bench_torch.py flags, needs CUDA)
    ("PyTorch eager fp32", [], False),
    ("PyTorch fp32, CUDA graph, fused Adam", ["--cuda-graph", "--fused-adam"], True),
    ("PyTorch TF32, CUDA graph, fused Adam", ["--tf32", "--cuda-graph", "--fused-adam"], True),
    ("PyTorch bf16 autocast, channels_last, CUDA graph, fused Adam",
     ["--bf16", "--channels-last", "--cuda-graph", "--fused-adam"], True),
]


def run(cmd, env=None):
    """-> (ok, stdout + stderr); never raises for a failed command."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, str(e)
    return p.returncode == 0, p.stdout + p.stderr


def last_line(text):
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def torch_facts():
    """What the PyTorch side has, asked of a fresh python (torch may be absent)."""
    probe = ("import json, torch; c = torch.cuda.is_available(); print(json.dumps({"
             "'torch': torch.__version__, 'cuda': torch.version.cuda, 'available': c, "
             "'gpu': torch.cuda.get_device_name(0) if c else None}))")
    ok, out = run([sys.executable, "-c", probe])
    if not ok:
        return {"torch": None, "why": last_line(out)}
    return json.loads(out.strip().splitlines()[-1])


def nvidia_driver():
    if not shutil.which("nvidia-smi"):
        return None
    ok, out = run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"])
    return out.strip().splitlines()[0] if ok and out.strip() else None


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown processor"


def vae_bench(a, batch, precision):
    """-> (result dict, None) or (None, why)."""
    cmd = [a.vae, "bench", "--batch", str(batch), "--steps", str(steps_for(a, batch)),
           "--channels", a.channels, "--latent", str(a.latent)]
    cmd += ["--device", a.device] if a.device else []
    cmd += ["--precision", precision] if precision else []
    ok, out = run(cmd)
    ms = re.search(r"time per step:\s+([\d.]+)", out)
    ips = re.search(r"images/s:\s+([\d.]+)", out)
    if not ok or not ms or not ips:
        return None, "vae-vk bench failed: " + last_line(out)
    dev = re.search(r"^device:\s+(.*)$", out, re.M)
    return {"ms": float(ms.group(1)), "ips": float(ips.group(1)),
            "device": dev.group(1) if dev else "?"}, None


def torch_bench(a, batch, flags, device):
    cmd = [sys.executable, os.path.join(HERE, "bench_torch.py"), "--device", device,
           "--batch", str(batch), "--steps", str(steps_for(a, batch)), "--channels", a.channels,
           "--latent", str(a.latent), "--json"] + flags
    ok, out = run(cmd)
    if not ok:
        return None, "bench_torch.py failed: " + last_line(out)
    r = json.loads(out.strip().splitlines()[-1])
    return {"ms": r["ms_per_step"], "ips": r["images_per_s"], "blas": r.get("blas"),
            "device": r["device"]}, None


def steps_for(a, batch):
    if a.steps:
        return a.steps
    return max(10, 16384 // batch) if a.cuda else max(2, 256 // batch)


def cell(r):
    return "%.2f ms, %s/s" % (r["ms"], "{:,.0f}".format(r["ips"])) if r else "—"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vae", default=os.path.normpath(os.path.join(HERE, "..", "build", "vae-vk")))
    ap.add_argument("--device", default=None, help="vae-vk's --device (default: its own pick)")
    ap.add_argument("--batches", default="64,256,1024")
    ap.add_argument("--steps", type=int, default=0,
                    help="steps timed per run (default: 16384/batch on CUDA, 256/batch without, at least 10 / 2)")
    ap.add_argument("--channels", default="32,64,128,256")
    ap.add_argument("--latent", type=int, default=128)
    a = ap.parse_args()
    batches = [int(b) for b in a.batches.split(",")]
    if not os.access(a.vae, os.X_OK):
        raise SystemExit("bench_gpu.py: no vae-vk at %s; build it (ninja -C build) or give --vae" % a.vae)

    facts = torch_facts()
    a.cuda = bool(facts.get("available"))
    missing = []  # lines under the table
    ok, helptext = run([a.vae, "bench", "--help"])
    has_precision = "--precision" in helptext
    vae_rows = [("vae-vk fp32", "fp32" if has_precision else None), ("vae-vk mixed", "mixed")]
    if not has_precision:
        missing.append("vae-vk mixed: this vae-vk's bench has no --precision (%s); its fp32 row "
                       "is plain `vae-vk bench`" % a.vae)

    rows = {}  # label -> {batch: result}
    for batch in batches:
        for label, precision in vae_rows:
            if label == "vae-vk mixed" and not has_precision:
                continue
            r, why = vae_bench(a, batch, precision)
            rows.setdefault(label, {})[batch] = r
            if why:
                missing.append("%s, batch %d: %s" % (label, batch, why))
            print("%s, batch %d: %s" % (label, batch, cell(r) if r else why), file=sys.stderr, flush=True)
        for label, flags, needs_cuda in TORCH_ROWS:
            if facts.get("torch") is None:
                break
            if needs_cuda and not a.cuda:
                continue
            device = "cuda" if a.cuda else "cpu"
            r, why = torch_bench(a, batch, flags, device)
            rows.setdefault(label, {})[batch] = r
            if why:
                missing.append("%s, batch %d: %s" % (label, batch, why))
            print("%s, batch %d: %s" % (label, batch, cell(r) if r else why), file=sys.stderr, flush=True)
    if facts.get("torch") is None:
        missing.append("every PyTorch row: %s has no torch (%s)" % (sys.executable, facts.get("why")))
    elif not a.cuda:
        for label, _, needs_cuda in TORCH_ROWS:
            if needs_cuda:
                missing.append("%s: no CUDA device (torch %s: torch.cuda.is_available() is False)"
                               % (label, facts["torch"]))

    # the header: what ran where, and when
    vae_dev = next((r["device"] for rs in rows.values() for r in rs.values()
                    if r and "blas" not in r), "did not run")
    smi = nvidia_driver()
    if a.cuda:
        gpu = "%s, driver %s" % (facts["gpu"], smi.split(",")[-1].strip() if smi else "unknown (no nvidia-smi)")
    else:
        gpu = "none for PyTorch (torch.cuda.is_available() is False%s)" % (
            "; nvidia-smi: " + smi if smi else ", no nvidia-smi")
    torch_line = ("torch %s, CUDA %s" % (facts["torch"], facts["cuda"]) if a.cuda else
                  "torch %s on the CPU (%s), BLAS %s" % (facts["torch"], cpu_name(), next(
                      (r["blas"] for rs in rows.values() for r in rs.values() if r and r.get("blas")), "?"))
                  ) if facts.get("torch") else "no torch"
    print("### One training step of the model (channels %s, latent %d): ms per step, images/s"
          % (a.channels, a.latent))
    print()
    print("- GPU: %s" % gpu)
    print("- vae-vk: %s" % vae_dev)
    print("- PyTorch: %s" % torch_line)
    print("- date: %s, host %s" % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                                  platform.node()))
    print()
    print("| | " + " | ".join("batch %d" % b for b in batches) + " |")
    print("|---|" + "---|" * len(batches))
    for label in [lbl for lbl, _ in vae_rows] + [lbl for lbl, _, _ in TORCH_ROWS]:
        shown = label + (" (CPU)" if label == "PyTorch eager fp32" and not a.cuda else "")
        print("| %s | %s |" % (shown, " | ".join(cell(rows.get(label, {}).get(b)) for b in batches)))
    if missing:
        print()
        print("Missing (—):")
        for m in missing:
            print("- " + m)


if __name__ == "__main__":
    main()
