#!/usr/bin/python3
"""Checks a vae-vk report.html with the standard library only: it parses as
HTML with every element closed in order, it is self-contained (no scripts,
no external addresses), every <img> is a base64 PNG with a unique id and an
alt text and is named in the closing image list, and the expected sections,
plots and images are there. It also reads what a new user sees: a table of
contents linking every section, per-epoch grids shown at 2x or more, the
headings drawn above the model's pictures (the PNGs are decoded here), the
traversal's image beside it, the analysis (the KL decomposition's verdict,
the prior holes' two grids under their headings, the marbles), validation
in colours of its own, the run's
rows (--rows "name=value;..."), and no option row that only says it is
unset. Prints what it measured; exit 1 on failure.

usage: check_report.py REPORT.html [--expect img,img,...] [--sections id,id,...]
                       [--validation] [--rows "name=value;name=value"]
                       [--no-rows name,name]"""
import base64
import html.parser
import struct
import sys
import zlib

VOID = {"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "source", "wbr"}
SECTIONS = ["run", "config", "loss", "samples", "reconstructions", "interpolation", "kl", "traversal",
            "kl-decomposition", "table-kl-decomposition", "active-units", "likelihood",
            "table-likelihood", "holes", "marbles", "images"]
PLOTS = ["plot-loss", "plot-kl", "plot-beta", "plot-kl-dims", "svg-marbles"]
# As report_model.c and canvas.c draw them: 64-pixel images in grids with a
# 1-pixel border, pictures GAP apart under a heading strip HEADING high whose
# text is INK.
CELL, GAP, HEADING, INK = 65, 12, 13, (225, 225, 225)


class Report(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.imgs, self.links = [], [], [], [], []
        self.list_links, self.in_list, self.doctype = [], False, False
        self.svg_circles, self.current_svg = {}, None
        self.strokes = {}  # svg id -> {"path": set of colours, "circle": set}
        self.h2_ids, self.toc_links, self.in_toc = [], [], False
        self.rows, self.cell, self.text = [], None, ""

    def handle_decl(self, decl):
        self.doctype |= decl.lower() == "doctype html"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.visit(tag, a)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.visit(tag, dict(attrs))

    def visit(self, tag, a):
        if "id" in a:
            self.ids.append(a["id"])
        for key in ("src", "href", "xlink:href", "action", "poster", "data"):
            v = (a.get(key) or "").strip().lower()
            if v and not (v.startswith("#") or v.startswith("data:image/png;base64,")):
                self.links.append((tag, key, v[:60]))
        if tag in ("script", "link", "iframe", "object", "embed"):
            self.links.append((tag, "element", ""))
        if tag == "img":
            self.imgs.append(a)
        if tag == "ul" and a.get("id") == "image-list":
            self.in_list = True
        if tag == "a" and self.in_list:
            self.list_links.append(a.get("href", ""))
        if tag == "svg":
            self.current_svg = a.get("id")
            self.svg_circles[self.current_svg] = 0
        if tag == "circle" and self.current_svg:
            self.svg_circles[self.current_svg] += 1
        if tag in ("path", "circle") and self.current_svg:
            kinds = self.strokes.setdefault(self.current_svg, {"path": set(), "circle": set()})
            kinds[tag].add(a.get("stroke"))
        if tag == "h2" and "id" in a:
            self.h2_ids.append(a["id"])
        if tag == "nav" and a.get("id") == "contents":
            self.in_toc = True
        if tag == "a" and self.in_toc:
            self.toc_links.append(a.get("href", ""))
        if tag == "tr":
            self.rows.append([])
        if tag in ("th", "td"):
            self.cell, self.text = tag, ""

    def handle_data(self, data):
        if self.cell:
            self.text += data

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag in ("th", "td") and self.cell and self.rows:
            self.rows[-1].append(self.text.strip())
            self.cell = None
        if tag == "nav":
            self.in_toc = False
        if tag == "ul":
            self.in_list = False
        if tag == "svg":
            self.current_svg = None


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def png_pixels(data):
    """(width, height, rows of RGB tuples) of an 8-bit RGB, non-interlaced
    PNG such as stb_image_write makes; None for anything else."""
    size = png_size(data)
    if not size or data[24:29] != bytes([8, 2, 0, 0, 0]):
        return None
    w, h = size
    idat, pos = b"", 8
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), 3 * w, bytearray(3 * w), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a, b, c = line[i - 3] if i >= 3 else 0, prev[i], prev[i - 3] if i >= 3 else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[3 * x:3 * x + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def heading_ink(rows, x0, x1):
    """Pixels of heading text in the strip above columns x0..x1."""
    return sum(1 for y in range(min(HEADING, len(rows))) for x in range(x0, x1) if rows[y][x] == INK)


def image_at(rows, x, y):
    return [r[x:x + 64] for r in rows[y:y + 64]]


def check_pictures(check, imgs):
    """The model's pictures: headings over each part, and the traversal's
    image equal to the first original of the reconstructions (both are the
    first held-out image)."""
    pics = {}
    for a in imgs:
        if a.get("id") in ("img-reconstructions", "img-interpolation", "img-traversal-image"):
            pics[a["id"]] = png_pixels(base64.b64decode(a["src"].split(",", 1)[1]))
    if len(pics) < 3 or None in pics.values():
        check(False, "the reconstruction, interpolation and traversal pictures decode: %s" % sorted(pics))
        return
    w, h, rows = pics["img-reconstructions"]
    half = (w - GAP) // 2
    ink = [heading_ink(rows, 0, half), heading_ink(rows, half + GAP, w)]
    check(min(ink) > 20, "reconstructions: headings drawn above the originals and above the "
          "reconstructions (%s pixels of text)" % ink)
    first_original = image_at(rows, 1, HEADING + 1)
    w, h, rows = pics["img-interpolation"]
    parts = [(0, CELL + 1), (CELL + 1 + GAP, w - CELL - 1 - GAP), (w - CELL - 1, w)]
    ink = [heading_ink(rows, a, b) for a, b in parts]
    check(min(ink) > 10, "interpolation: headings over image A, the decodings and image B "
          "(%s pixels of text)" % ink)
    w, h, rows = pics["img-traversal-image"]
    check(heading_ink(rows, 0, CELL + 1) > 10 and image_at(rows, 1, HEADING + 1) == first_original,
          "traversal around an image: the image itself at the left, under its heading, the same "
          "pixels as the first original of the reconstructions")


def check_holes(check, imgs, text):
    """The prior holes: two grids of decoded draws under their headings, and
    the identity's verdict in words."""
    pic = [a for a in imgs if a.get("id") == "img-holes"]
    decoded = png_pixels(base64.b64decode(pic[0]["src"].split(",", 1)[1])) if pic else None
    if not decoded:
        check(False, "the prior holes picture decodes")
        return
    w, h, rows = decoded
    half = (w - GAP) // 2
    ink = [heading_ink(rows, 0, half), heading_ink(rows, half + GAP, w)]
    check(min(ink) > 20 and h == HEADING + 2 * CELL + 1,
          "prior holes: headings over the most and the least covered (%s pixels of text), "
          "two rows of faces (%d pixels high)" % (ink, h))
    check("The identity holds" in text or "The identity does not hold" in text,
          "the KL decomposition says whether the identity holds")


class Checks:
    """check(ok, text): prints "ok" or "FAIL" with what was measured and
    counts the failures."""

    def __init__(self):
        self.failures = 0

    def __call__(self, ok, text):
        print(("ok    " if ok else "FAIL  ") + text)
        self.failures += not ok


def parse_page(path, check):
    """The page's text and its Report, checked to parse as HTML with every
    element closed in order."""
    text = open(path, encoding="utf-8").read()
    r = Report()
    r.feed(text)
    r.close()
    check(r.doctype and not r.errors and not r.stack,
          "%s (%d bytes) parses as HTML: doctype %s, %d nesting errors %s, %d left open %s"
          % (path, len(text), r.doctype, len(r.errors), r.errors[:3], len(r.stack), r.stack))
    return text, r


def main():
    args = sys.argv[1:]
    path = args[0]
    expect = args[args.index("--expect") + 1].split(",") if "--expect" in args else []
    check = Checks()
    text, r = parse_page(path, check)
    check(not r.links, "self-contained: %d external references or scripts %s" % (len(r.links), r.links[:3]))
    dup = sorted({i for i in r.ids if r.ids.count(i) > 1})
    check(not dup, "%d ids, none repeated %s" % (len(r.ids), dup))
    extra = args[args.index("--sections") + 1].split(",") if "--sections" in args else []
    missing = [s for s in SECTIONS + PLOTS + extra if s not in r.ids]
    check(not missing, "sections and plots present: %s missing" % missing)
    bad = []
    for a in r.imgs:
        src = a.get("src", "")
        try:
            png = base64.b64decode(src.split(",", 1)[1], validate=True)
        except (ValueError, IndexError):
            png = b""
        size = png_size(png)
        width = int(a.get("width", "0"))
        if not a.get("id") or not a.get("alt") or not size or width % size[0] != 0:
            bad.append(a.get("id"))
    check(r.imgs and not bad, "%d embedded images, each a base64 PNG with id, alt and a whole-number "
          "zoom: %s bad" % (len(r.imgs), bad))
    img_ids = [a.get("id") for a in r.imgs]
    listed = [h[1:] for h in r.list_links]
    check(sorted(listed) == sorted(img_ids),
          "the image list names every embedded image: %d listed, %d embedded" % (len(listed), len(img_ids)))
    absent = [e for e in expect if e not in img_ids]
    check(not absent, "expected images %s: %s absent" % (expect, absent))
    if "--validation" in args:
        n = r.svg_circles.get("plot-loss", 0)
        check(n > 0, "validation points on the loss plot: %d circles" % n)
        for plot in ("plot-loss", "plot-kl"):
            k = r.strokes.get(plot, {"path": set(), "circle": set()})
            check(k["circle"] and not (k["path"] & k["circle"]),
                  "%s: validation circles in colours of their own: lines %s, circles %s"
                  % (plot, sorted(k["path"]), sorted(k["circle"])))
    toc = [h[1:] for h in r.toc_links]
    check(toc and toc == r.h2_ids, "table of contents: links %s, sections %s" % (toc, r.h2_ids))
    small = [(a.get("id"), a.get("width"), png_size(base64.b64decode(a["src"].split(",", 1)[1]))[0])
             for a in r.imgs if a.get("id", "").startswith("img-samples-epoch-")]
    small = [x for x in small if int(x[1]) < 2 * x[2]]
    check(not small, "per-epoch sample grids shown at 2x or more: %s smaller" % small)
    check_pictures(check, r.imgs)
    check_holes(check, r.imgs, text)
    table = {row[0]: row[1] for row in r.rows if len(row) == 2}
    unset = [k for k, v in table.items() if v == "none" or "0 = none" in k]
    check(not unset, "no table row that only says an option is unset: %s" % unset)
    if "--rows" in args:
        for pair in args[args.index("--rows") + 1].split(";"):
            name, want = pair.split("=", 1)
            check(table.get(name) == want, "row %r: %r (want %r)" % (name, table.get(name), want))
    if "--no-rows" in args:
        for name in args[args.index("--no-rows") + 1].split(","):
            check(name not in table, "no row %r: %r" % (name, table.get(name)))
    print("FAILED" if check.failures else "report checks passed")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
