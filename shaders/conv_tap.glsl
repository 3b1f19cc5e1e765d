// A tap links large-side row `big` and small-side row `small` through kernel
// row k when big = small·2 - 1 + k. Given big and k: the small row, or -1 if
// it lands in the padding or between strides (as conv_tap_small in src/cpu).
#ifndef CONV_TAP_GLSL
#define CONV_TAP_GLSL
int conv_tap_small(int big, int k, int n) {
    int t = big + 1 - k;
    if (t < 0 || (t & 1) != 0)
        return -1;
    t >>= 1;
    return t < n ? t : -1;
}

#endif
