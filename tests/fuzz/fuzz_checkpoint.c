/* Fuzzing the checkpoint loader (vae_checkpoint_load, src/io/checkpoint.c):
 * the input is a whole file. An accepted checkpoint must have parameters
 * for its architecture, readable to the last float; a refused one gets a
 * message naming the file (not always one line: see fuzz_safetensors.c). */
#include "fuzz_input.h"
#include "vaevk/checkpoint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_input_file(data, size, "checkpoint");
    vae_checkpoint ck;
    memset(&ck, 0, sizeof ck);
    char err[1024] = "";
    if (vae_checkpoint_load(path, &ck, err, sizeof err) == 0) {
        FUZZ_REQUIRE(ck.params && ck.table.total > 0, "an accepted checkpoint with no parameters");
        volatile float sum = 0;
        for (uint32_t i = 0; i < ck.table.total; i++)
            sum += ck.params[i] + (ck.adam_m ? ck.adam_m[i] + ck.adam_v[i] : 0.0f);
        (void)sum;
        vae_checkpoint_free(&ck);
    } else {
        fuzz_check_error(err, path, 0);
    }
    return 0;
}
