#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D flags, so define what ncursesw needs for the wide API here.
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Macros and C globals Swift cannot import (or may not touch under strict concurrency),
// wrapped in functions. Only Sources/TerminalUI/NcursesBackend.swift uses these.
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_italic(void) { return A_ITALIC; }

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline WINDOW *cn_curscr(void) { return curscr; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline void cn_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline FILE *cn_stdout(void) { return stdout; }
static inline FILE *cn_stdin(void) { return stdin; }

static inline int cn_ok(void) { return OK; }
static inline int cn_err(void) { return ERR; }
static inline int cn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cn_key_mouse(void) { return KEY_MOUSE; }
static inline int cn_key_resize(void) { return KEY_RESIZE; }
static inline int cn_key_up(void) { return KEY_UP; }
static inline int cn_key_f0(void) { return KEY_F0; }
static inline int cn_key_btab(void) { return KEY_BTAB; }
static inline int cn_key_end(void) { return KEY_END; }
static inline int cn_key_max(void) { return KEY_MAX; }

static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }

/// A terminfo string capability, or NULL when absent or not a string.
static inline const char *cn_tigetstr(const char *name) {
    char *s = tigetstr((char *)name);
    return (s == NULL || s == (char *)-1) ? NULL : s;
}

/// Fills a cchar_t from up to CCHARW_MAX-1 wide characters (a spacing character and its marks), with an
/// extended colour pair (any int: ncurses 6.1+ reads it through `opts`; terminals have up to 65,536 pairs).
static inline int cn_setcchar_pair(cchar_t *cell, const wchar_t *text, attr_t attrs, int pair) {
    return setcchar(cell, text, attrs, 0, &pair);
}
static inline int cn_ccharw_max(void) { return CCHARW_MAX; }

/// Reads a terminfo entry without starting curses (no output): its number of colours, and whether it has the
/// `RGB` or `Tc` flag (the terminal speaks 24-bit colour). Returns -1 when there is no such entry.
static inline int cn_probe_terminal(const char *name, int *colors, int *truecolor) {
    int err = 0;
    TERMINAL *saved = cur_term;
    if (setupterm(name, 1, &err) != OK) { set_curterm(saved); return -1; }
    *colors = tigetnum("colors");
    *truecolor = tigetflag("RGB") > 0 || tigetflag("Tc") > 0 || tigetnum("RGB") > 0;
    del_curterm(cur_term);
    set_curterm(saved);
    return 0;
}
#endif
