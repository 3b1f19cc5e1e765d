/* Fuzzing the safetensors reader (st_read, src/io/safetensors_read.c):
 * the input is a whole file. A file it accepts must hold what it says:
 * every tensor's bytes inside the data buffer, in file order, found again
 * by name, its byte count what its dtype and shape make; metadata found by
 * key. A file it refuses gets a message naming it (not always one line:
 * the reader quotes names and dtypes as the file spells them, control
 * characters and all). */
#include "fuzz_input.h"
#include "io/safetensors.h"
#include "io/safetensors_shape.h"

static void check_accepted(const st_file *f) {
    unsigned sum = 0;
    size_t previous_end = 0;
    for (int i = 0; i < f->count; i++) {
        const st_tensor *t = &f->tensors[i];
        size_t bytes = 0;
        FUZZ_REQUIRE(t->begin <= t->end && t->end <= f->data_size, "tensor %s outside the data", t->name);
        FUZZ_REQUIRE(t->begin >= previous_end, "tensors %d and %d overlap", i - 1, i);
        FUZZ_REQUIRE(st_byte_count(st_dtype_size(t->dtype), t->ndim, t->shape, &bytes) == 0 &&
                     bytes == t->end - t->begin, "tensor %s: %zu bytes for its shape", t->name,
                     t->end - t->begin);
        FUZZ_REQUIRE(st_find(f, t->name) == t, "tensor %s not found by name", t->name);
        const uint8_t *p = st_data(f, t);
        for (size_t k = 0; k < t->end - t->begin; k++)
            sum += p[k]; /* every byte readable */
        previous_end = t->end;
    }
    for (int i = 0; i < f->meta_count; i++)
        FUZZ_REQUIRE(st_meta(f, f->meta_keys[i]) != NULL, "metadata %s not found", f->meta_keys[i]);
    (void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_input_file(data, size, "safetensors");
    st_file f;
    char err[1024] = "";
    if (st_read(path, &f, err, sizeof err) == 0)
        check_accepted(&f);
    else
        fuzz_check_error(err, path, 0);
    st_free(&f);
    return 0;
}
