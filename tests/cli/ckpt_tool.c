/* Checkpoint helper for the CLI test scripts.
 *   ckpt_tool info CKPT   loads CKPT (file or run directory) and prints
 *                         "step S epoch E steps_per_epoch N moments 0|1";
 *                         exit 1 with the loader's error if it is invalid.
 *   ckpt_tool same A B    exit 0 if A and B hold the same architecture,
 *                         progress (loss scaler included), parameters and
 *                         moments bit for bit.
 *   ckpt_tool scaler CKPT prints "precision P scale S clean C skipped K".
 *   ckpt_tool option CKPT FLAG
 *                         prints the value of train's --FLAG the checkpoint
 *                         holds, as its metadata does.
 *   ckpt_tool set FILE KEY VALUE
 *                         rewrites the checkpoint file with one metadata
 *                         value changed (a run made to diverge, say). */
#include <stdio.h>
#include <string.h>

#include "io/safetensors.h"
#include "vaevk/checkpoint.h"
#include "vaevk/train_options.h"

static int load(const char *path, vae_checkpoint *ck) {
    char err[1024];
    if (vae_checkpoint_load(path, ck, err, sizeof err) != 0) {
        printf("%s\n", err);
        return -1;
    }
    return 0;
}

/* Floats of arena a and b whose bit patterns differ; all if one is absent. */
static long diffs(const float *a, const float *b, size_t n) {
    if (!a || !b)
        return a == b ? 0 : (long)n;
    long d = 0;
    for (size_t i = 0; i < n; i++)
        d += memcmp(a + i, b + i, sizeof *a) != 0;
    return d;
}

static int same(const char *pa, const char *pb) {
    vae_checkpoint a, b;
    if (load(pa, &a) != 0)
        return 1;
    if (load(pb, &b) != 0) {
        vae_checkpoint_free(&a);
        return 1;
    }
    int config = memcmp(&a.options.model, &b.options.model, sizeof a.options.model) == 0;
    int progress = a.progress.step == b.progress.step && a.progress.epoch == b.progress.epoch &&
                   a.progress.steps_per_epoch == b.progress.steps_per_epoch &&
                   a.progress.precision == b.progress.precision &&
                   memcmp(&a.progress.scaler, &b.progress.scaler, sizeof a.progress.scaler) == 0;
    long dp = -1, dm = -1, dv = -1;
    if (config) {
        size_t n = a.table.total;
        dp = diffs(a.params, b.params, n);
        dm = diffs(a.adam_m, b.adam_m, n);
        dv = diffs(a.adam_v, b.adam_v, n);
    }
    printf("architecture %s, progress %s (steps %ld and %ld); differing floats: params %ld "
           "adam_m %ld adam_v %ld of %u\n", config ? "same" : "DIFFERENT",
           progress ? "same" : "DIFFERENT", a.progress.step, b.progress.step, dp, dm, dv,
           a.table.total);
    int ok = config && progress && dp == 0 && dm == 0 && dv == 0;
    vae_checkpoint_free(&a);
    vae_checkpoint_free(&b);
    return ok ? 0 : 1;
}

static int set(const char *path, const char *key, const char *value) {
    st_file f;
    char err[1024] = "";
    st_writer *w = st_writer_new();
    if (!w || st_read(path, &f, err, sizeof err) != 0) {
        printf("cannot read %s: %s\n", path, err);
        return 1;
    }
    int found = 0;
    for (int i = 0; i < f.meta_count; i++) {
        int mine = strcmp(f.meta_keys[i], key) == 0;
        found |= mine;
        st_writer_meta(w, f.meta_keys[i], mine ? value : f.meta_values[i]);
    }
    for (int i = 0; i < f.count; i++) {
        const st_tensor *t = &f.tensors[i];
        st_writer_add(w, t->name, t->dtype, t->ndim, t->shape, st_data(&f, t), t->end - t->begin);
    }
    int status = found && st_writer_save(w, path, err, sizeof err) == 0 ? 0 : 1;
    if (status)
        printf("cannot set %s in %s: %s\n", key, path, found ? err : "no such metadata key");
    st_writer_free(w);
    st_free(&f);
    return status;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "info") == 0) {
        vae_checkpoint ck;
        if (load(argv[2], &ck) != 0)
            return 1;
        printf("step %ld epoch %d steps_per_epoch %ld moments %d\n", ck.progress.step,
               ck.progress.epoch, ck.progress.steps_per_epoch, ck.adam_m != NULL);
        vae_checkpoint_free(&ck);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "same") == 0)
        return same(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "scaler") == 0) {
        vae_checkpoint ck;
        if (load(argv[2], &ck) != 0)
            return 1;
        const vae_loss_scaler *s = &ck.progress.scaler;
        printf("precision %s scale %g clean %u skipped %u\n", vae_precision_name(ck.progress.precision),
               (double)s->scale, s->clean, s->skipped);
        vae_checkpoint_free(&ck);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "option") == 0 && vae_train_option_by_flag(argv[3])) {
        vae_checkpoint ck;
        if (load(argv[2], &ck) != 0)
            return 1;
        char text[600];
        vae_train_option_format(vae_train_option_by_flag(argv[3]), &ck.options, text, sizeof text);
        printf("%s\n", text);
        vae_checkpoint_free(&ck);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "set") == 0)
        return set(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: ckpt_tool info CKPT | same A B | scaler CKPT | option CKPT FLAG | set FILE KEY VALUE\n");
    return 2;
}
