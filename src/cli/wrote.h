/* The one line every command prints for each file it writes, so a user
 * always finds where the results went, in the same form:
 *   vae-vk CMD: wrote PATH (WHAT)
 * on stderr. Callers skip it under --quiet. */
#ifndef VAEVK_CLI_WROTE_H
#define VAEVK_CLI_WROTE_H

/* what is a printf format saying what the file holds ("16 faces"). */
void cli_wrote(const char *cmd, const char *path, const char *what, ...)
    __attribute__((format(printf, 3, 4)));

#endif
