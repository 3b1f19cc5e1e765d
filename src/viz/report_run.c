/* The report's first section: when the run trained, for how long, on what,
 * how far it got, in which precision and how fast, from sessions.csv
 * (absent in older runs), the checkpoint's progress and log.csv. */
#include <stdio.h>
#include <time.h>

#include "viz/report_page.h"
#include "viz/run_sessions.h"

static void row(strbuf *b, const char *name, const char *value) {
    sb_printf(b, "<tr><th>%s</th><td>", name);
    sb_escape(b, value);
    sb_puts(b, "</td></tr>\n");
}

/* "2026-12-01 03:10", local time. */
static void local_time(long long t, char *out, size_t outlen) {
    time_t when = (time_t)t;
    struct tm tm;
    if (!localtime_r(&when, &tm) || strftime(out, outlen, "%Y-%m-%d %H:%M", &tm) == 0)
        snprintf(out, outlen, "%lld (Unix time)", t);
}

static void session_rows(report_page *pg) {
    char path[1200], err[1400], v[400];
    run_sessions s;
    snprintf(path, sizeof path, "%s/%s", pg->dir, RUN_SESSIONS_FILE);
    int status = run_sessions_read(path, &s, err, sizeof err);
    if (status < 0)
        row(&pg->html, "start and end", err);
    if (status != 0)
        return; /* no sessions.csv: a run from before it was written */
    local_time(s.started, v, sizeof v);
    row(&pg->html, "started", v);
    local_time(s.ended, v, sizeof v);
    row(&pg->html, "ended", v);
    run_format_duration(s.seconds, v, sizeof v);
    row(&pg->html, "training time", v);
    if (s.count > 1) {
        snprintf(v, sizeof v, "%d (the run was resumed %d time%s)", s.count, s.count - 1,
                 s.count > 2 ? "s" : "");
        row(&pg->html, "sessions", v);
    }
    size_t used = 0;
    v[0] = '\0';
    for (int i = 0; i < s.ndevices && used < sizeof v; i++)
        used += (size_t)snprintf(v + used, sizeof v - used, "%s%s", i ? ", " : "", s.devices[i]);
    row(&pg->html, s.ndevices > 1 ? "devices" : "device", v);
}

void report_run_section(report_page *pg) {
    const vae_train_progress *p = pg->p;
    char v[400];
    report_heading(pg, "run", "The run");
    sb_puts(&pg->html, "<table>\n");
    session_rows(pg);
    snprintf(v, sizeof v, "%ld (%ld per epoch: %d epoch%s done)", p->step, p->steps_per_epoch,
             p->epoch, p->epoch == 1 ? "" : "s");
    row(&pg->html, "steps done", v);
    if (p->precision == VAE_PRECISION_MIXED)
        snprintf(v, sizeof v, "mixed: binary16 products, fp32 sums and all else; loss scale %g at the end, "
                 "%u step%s skipped for inf/NaN gradients", (double)p->scaler.scale, p->scaler.skipped,
                 p->scaler.skipped == 1 ? "" : "s");
    else if (p->scaler.skipped)
        snprintf(v, sizeof v, "fp32 (and mixed before: %u steps skipped for inf/NaN gradients)", p->scaler.skipped);
    else
        snprintf(v, sizeof v, "fp32");
    row(&pg->html, "precision", v);
    report_throughput(pg->dir, pg->o->batch, v, sizeof v);
    row(&pg->html, "throughput", v);
    sb_puts(&pg->html, "</table>\n");
}
