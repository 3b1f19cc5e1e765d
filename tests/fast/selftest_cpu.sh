# vae-vk selftest --device cpu as a user runs it: every check of the fast
# CPU backend against the reference passes, the header names the processor
# and the kernels, and the verdict line ends the output. Then the same on
# one thread with the plain kernels. Run by meson as: sh selftest_cpu.sh VAEVK_EXE
. "$(dirname "$0")/../cli/lib.sh"

verdict_ok() {
    verdict=$(grep -E '^[0-9]+ of [0-9]+ checks passed' "$TMP/out")
    passed=$(echo "$verdict" | cut -d' ' -f1)
    total=$(echo "$verdict" | cut -d' ' -f3)
    # 46 op cases, 20 training steps, parameters, m, v
    if [ "$RC" -eq 0 ] && [ -n "$verdict" ] && [ "$passed" = "$total" ] && [ "$total" -ge 69 ]; then
        ok "$1: exit 0, $passed of $total checks passed"
    else
        fail "$1: exit $RC, verdict '$verdict' (wanted every check of at least 69 passed):"
        grep -E 'FAIL|DIFFER|HIT' "$TMP/out" | sed 's/^/        /'
        sed 's/^/        /' "$TMP/err"
    fi
}

run selftest --device cpu
verdict_ok "selftest --device cpu"
check "header names the CPU and its kernels" sh -c "head -n 1 '$TMP/out' | grep -q '^vae-vk selftest: cpu: .*threads*, .* kernels'"
check "no row failed" sh -c "! grep -q 'FAIL' '$TMP/out'"

export VAEVK_CPU_KERNELS=generic
run selftest --device cpu --threads 1
unset VAEVK_CPU_KERNELS
verdict_ok "selftest --device cpu --threads 1, plain kernels"
check "header says 1 thread, generic kernels" sh -c "head -n 1 '$TMP/out' | grep -q '1 thread, generic kernels'"

finish
