#ifndef CCHAFA_SHIM_H
#define CCHAFA_SHIM_H
// chafa 1.12 (libchafa-dev; its headers include glib's, from libglib2.0-dev). Only
// Sources/TerminalPictures/Chafa.swift uses it.
#include <chafa.h>
#include <sys/ioctl.h>

/// The size of the terminal's text area in pixels and cells (TIOCGWINSZ; ioctl is variadic, which Swift
/// cannot call). Returns 0 and fills all four when the terminal reports pixels, -1 otherwise (many
/// terminals and tmux report 0 × 0 pixels).
static inline int cchafa_window_pixels(int fd, int *xpixel, int *ypixel, int *cols, int *rows) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_xpixel == 0 || ws.ws_ypixel == 0 || ws.ws_col == 0 || ws.ws_row == 0)
        return -1;
    *xpixel = ws.ws_xpixel; *ypixel = ws.ws_ypixel; *cols = ws.ws_col; *rows = ws.ws_row;
    return 0;
}
#endif
