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
static inline int cn_color_pair(int n) { return (int)COLOR_PAIR(n); }

static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline WINDOW *cn_curscr(void) { return curscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline int cn_escdelay(void) { return ESCDELAY; }
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
static inline mmask_t cn_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline mmask_t cn_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }
static inline mmask_t cn_report_mouse_position(void) { return REPORT_MOUSE_POSITION; }

/// A terminfo string capability, or NULL when absent or not a string.
static inline const char *cn_tigetstr(const char *name) {
    char *s = tigetstr((char *)name);
    return (s == NULL || s == (char *)-1) ? NULL : s;
}

/// Fills a cchar_t from up to CCHARW_MAX-1 wide characters (a spacing character and its marks).
static inline int cn_setcchar(cchar_t *cell, const wchar_t *text, attr_t attrs, short pair) {
    return setcchar(cell, text, attrs, pair, NULL);
}
static inline int cn_ccharw_max(void) { return CCHARW_MAX; }
#endif
