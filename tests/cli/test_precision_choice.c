/* --precision as every command chooses it (cli_choose_precision), on
 * backends that compute mixed products not at all, emulated, and on
 * matrix units. Every backend --device can name now has mixed products, so
 * the refusal an fp32-only one gives (the float64 reference twin, a future
 * backend) is checked here, on a made-up backend: one line on stderr that
 * names the device and says what to use instead. */
#include <string.h>
#include <unistd.h>

#include "../common/check.h"
#include "cli/device.h"

/* cli_choose_precision's result and what it printed on stderr. */
static int choose(vae_mixed_support mixed, const char *precision, vae_precision *out, char *said, size_t len) {
    vae_backend be;
    memset(&be, 0, sizeof be);
    snprintf(be.name, sizeof be.name, "made-up backend %d", (int)mixed);
    be.mixed = mixed;
    cli_device d = {NULL, 0, precision};
    FILE *tmp = tmpfile();
    if (!tmp) {
        fprintf(stderr, "no temporary file for a test\n");
        exit(2);
    }
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    int status = cli_choose_precision("train", &d, &be, out);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(said, 1, len - 1, tmp);
    said[n] = '\0';
    fclose(tmp);
    return status;
}

/* Whether s is exactly one line; its newline dropped for printing. */
static int one_line(char *s) {
    size_t n = strlen(s);
    if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n - 1))
        return 0;
    s[n - 1] = '\0';
    return 1;
}

int main(void) {
    char said[512];
    vae_precision p = VAE_PRECISION_FP32;

    int status = choose(VAE_MIXED_NONE, "mixed", &p, said, sizeof said);
    CHECK(status == -1 && one_line(said) && strstr(said, "vae-vk train: --precision mixed: this device computes "
                                                           "fp32 only (made-up backend 0): use --precision fp32"),
          "mixed on an fp32-only backend: refused in one line: %s", said);

    static const struct {
        vae_mixed_support mixed;
        const char *asked;
        vae_precision want;
    } ok[] = {
        {VAE_MIXED_NONE, NULL, VAE_PRECISION_FP32},      {VAE_MIXED_NONE, "fp32", VAE_PRECISION_FP32},
        {VAE_MIXED_EMULATED, NULL, VAE_PRECISION_FP32},  {VAE_MIXED_EMULATED, "mixed", VAE_PRECISION_MIXED},
        {VAE_MIXED_MATRIX, NULL, VAE_PRECISION_MIXED},   {VAE_MIXED_MATRIX, "fp32", VAE_PRECISION_FP32},
    };
    static const char *support[] = {"fp32 only", "emulated", "matrix units"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        p = ok[i].want == VAE_PRECISION_FP32 ? VAE_PRECISION_MIXED : VAE_PRECISION_FP32;
        status = choose(ok[i].mixed, ok[i].asked, &p, said, sizeof said);
        CHECK(status == 0 && p == ok[i].want && said[0] == '\0', "%s, --precision %s: %s, silently",
              support[ok[i].mixed], ok[i].asked ? ok[i].asked : "(none)", vae_precision_name(p));
    }

    status = choose(VAE_MIXED_EMULATED, "half", &p, said, sizeof said);
    CHECK(status == -1 && one_line(said) && strstr(said, "--precision half: give fp32 or mixed"),
          "a value that is neither: refused in one line: %s", said);
    return failures ? 1 : 0;
}
