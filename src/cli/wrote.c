/* The "wrote PATH (what)" line (see wrote.h). */
#include <stdarg.h>
#include <stdio.h>

#include "cli/wrote.h"

void cli_wrote(const char *cmd, const char *path, const char *what, ...) {
    char text[2048];
    va_list ap;
    va_start(ap, what);
    vsnprintf(text, sizeof text, what, ap);
    va_end(ap);
    fprintf(stderr, "vae-vk %s: wrote %s (%s)\n", cmd, path, text);
}
