#!/usr/bin/python3
"""Checks a vae-vk sweep.html with the standard library only, with the
parser of check_report.py: it parses as HTML with every element closed in
order; it is self-contained (no scripts, no network; links only to the
runs' own report.html); ids are unique; every <img> is a base64 PNG with an
id and alt text, named in the closing image list; the sections, plots and
the three answers are there, each answered with numbers or saying what the
grid lacks; the table has a row per run; and the two pictures hold one part
per run (reconstructions: the held-out faces first) under drawn headings.
Prints what it measured; exit 1 on failure.

usage: check_sweep.py SWEEP.html --runs NAME,NAME,...
                      [--answered id,id] [--unanswered id,id]"""
import base64
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_report import CELL, GAP, HEADING, Checks, heading_ink, parse_page, png_pixels, png_size  # noqa: E402

SECTIONS = ["answers", "numbers", "reconstructions", "samples", "loss", "images"]
PLOTS = ["plot-sweep-recon", "plot-sweep-kl"]
ANSWERS = ["answer-beta-0", "answer-beta-large", "answer-collapse"]
IMAGES = ["img-sweep-reconstructions", "img-sweep-samples"]
SHOWN_COLS = 2  # each run's faces as a grid 2 wide


def option(args, name):
    return [x for x in args[args.index(name) + 1].split(",") if x] if name in args else []


def answer_texts(text):
    """The text of each answer block, tags removed."""
    out = {}
    for m in re.finditer(r"<div class='answer' id='([^']+)'>(.*?)</div>", text, re.S):
        out[m.group(1)] = re.sub(r"<[^>]+>", "", m.group(2))
    return out


def check_parts(check, imgs, ident, parts):
    """The picture holds `parts` grids side by side, each under a heading."""
    src = next((a["src"] for a in imgs if a.get("id") == ident), None)
    pic = png_pixels(base64.b64decode(src.split(",", 1)[1])) if src else None
    if not pic:
        check(False, "%s decodes" % ident)
        return
    w, h, rows = pic
    part = SHOWN_COLS * CELL + 1
    want = parts * part + (parts - 1) * GAP
    ink = [heading_ink(rows, k * (part + GAP), k * (part + GAP) + part) for k in range(parts)] if w == want else []
    check(w == want and h > HEADING and min(ink) > 10,
          "%s: %d parts side by side (width %d, want %d), each under a heading (%s pixels of text)"
          % (ident, parts, w, want, ink))


def main():
    args = sys.argv[1:]
    path, runs = args[0], option(args, "--runs")
    check = Checks()
    text, r = parse_page(path, check)
    allowed = {("a", "href", (name + "/report.html").lower()) for name in runs}
    external = [x for x in r.links if x not in allowed]
    check(not external, "self-contained: %d references beyond the runs' reports %s" % (len(external), external[:3]))
    dup = sorted({i for i in r.ids if r.ids.count(i) > 1})
    check(not dup, "%d ids, none repeated %s" % (len(r.ids), dup))
    missing = [s for s in SECTIONS + PLOTS + ANSWERS if s not in r.ids]
    check(not missing, "sections, plots and answers present: %s missing" % missing)
    toc = [h[1:] for h in r.toc_links]
    check(toc and toc == r.h2_ids, "table of contents: links %s, sections %s" % (toc, r.h2_ids))
    bad = [a.get("id") for a in r.imgs if not a.get("id") or not a.get("alt") or
           not png_size(base64.b64decode(a.get("src", ",").split(",", 1)[1]))]
    check(r.imgs and not bad, "%d embedded images, each a base64 PNG with id and alt: %s bad" % (len(r.imgs), bad))
    img_ids = [a.get("id") for a in r.imgs]
    listed = [h[1:] for h in r.list_links]
    check(sorted(listed) == sorted(img_ids) and all(i in img_ids for i in IMAGES),
          "the image list names every embedded image: %s listed, %s embedded" % (listed, img_ids))
    names = [row[0] for row in r.rows if row]
    check(all(n in names for n in runs) and "held-out faces" in names,
          "the numbers table has a row per run %s and one for the held-out faces: %s" % (runs, names))
    check_parts(check, r.imgs, "img-sweep-reconstructions", len(runs) + 1)
    check_parts(check, r.imgs, "img-sweep-samples", len(runs))
    answers = answer_texts(text)
    for ident in option(args, "--answered"):
        t = answers.get(ident, "")
        check(re.search(r"\d", t) and "cannot answer" not in t, "%s answered with numbers: %r" % (ident, t[:160]))
    for ident in option(args, "--unanswered"):
        t = answers.get(ident, "")
        check("cannot answer" in t and "add " in t, "%s says what the grid lacks: %r" % (ident, t[-120:]))
    print("FAILED" if check.failures else "sweep page checks passed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
