# The README's lines that load a checkpoint into PyTorch, run on a checkpoint
# vae-vk just trained (suite 'torch'). Skipped (77) where Debian's
# python3-torch is absent: CI needs no PyTorch.
. "$(dirname "$0")/../cli/lib.sh"
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
    echo "skipped: /usr/bin/python3 has no torch (apt-get install python3-torch to run this test)"
    exit 77
fi
expect_ok train $TINY --out "$TMP/run" --steps 8
expect_ok sample --checkpoint "$TMP/run" --device cpu --n 1 --cols 1 --temperature 0 --out "$TMP/z0.png"
# from the repository's root, where the README's lines are meant to run
here=$(cd "$(dirname "$0")" && pwd)
if (cd "$SOURCE_ROOT" && /usr/bin/python3 "$here/readme_load.py" README.md \
    "$TMP/run/checkpoint.safetensors" "$TMP/z0.png"); then
    ok "the README's PyTorch lines load the checkpoint and decode as vae-vk does"
else
    fail "the README's PyTorch lines did not reproduce vae-vk's decode"
fi
finish
