#!/usr/bin/python3
"""Checks a vae-vk report.html with the standard library only: it parses as
HTML with every element closed in order, it is self-contained (no scripts,
no external addresses), every <img> is a base64 PNG with a unique id and an
alt text and is named in the closing image list, and the expected sections,
plots and images are there. Prints what it measured; exit 1 on failure.

usage: check_report.py REPORT.html [--expect img,img,...] [--sections id,id,...]
                       [--validation]"""
import base64
import html.parser
import struct
import sys

VOID = {"meta", "img", "br", "hr", "link", "input", "col", "area", "base", "source", "wbr"}
SECTIONS = ["config", "loss", "samples", "reconstructions", "interpolation", "kl", "traversal", "images"]
PLOTS = ["plot-loss", "plot-kl", "plot-beta", "plot-kl-dims"]


class Report(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.imgs, self.links = [], [], [], [], []
        self.list_links, self.in_list, self.doctype = [], False, False
        self.svg_circles, self.current_svg = {}, None

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

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "ul":
            self.in_list = False
        if tag == "svg":
            self.current_svg = None


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def main():
    args = sys.argv[1:]
    path = args[0]
    expect = args[args.index("--expect") + 1].split(",") if "--expect" in args else []
    failures = 0

    def check(ok, text):
        nonlocal failures
        print(("ok    " if ok else "FAIL  ") + text)
        failures += not ok

    text = open(path, encoding="utf-8").read()
    r = Report()
    r.feed(text)
    r.close()
    check(r.doctype and not r.errors and not r.stack,
          "%s (%d bytes) parses as HTML: doctype %s, %d nesting errors %s, %d left open %s"
          % (path, len(text), r.doctype, len(r.errors), r.errors[:3], len(r.stack), r.stack))
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
    print("FAILED" if failures else "report checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
