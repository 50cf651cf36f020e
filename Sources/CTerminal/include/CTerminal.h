#ifndef C_TERMINAL_H
#define C_TERMINAL_H
// The C side of TerminalUI that is not ncurses (plain POSIX):
// - terminal safety: an async-signal-safe restore of the terminal on signals and crashes. Swift
//   cannot write a signal handler that touches only async-signal-safe state, so it lives here.
//   It knows nothing of ncurses: it replays saved termios modes and precomputed bytes;
// - the tty size (ioctl is variadic) and flow control;
// - wcwidth, which Glibc's Swift module hides (it is declared only under _XOPEN_SOURCE).
#include <stddef.h>

/// Saves the terminal modes of `fd` as they are now (the shell's modes, before curses starts).
int tui_safety_save_shell_mode(int fd);
/// Sets the bytes written to the terminal on restore (leave alternate screen, show cursor,
/// reset attributes, keypad off, mouse reporting off, bracketed paste off). At most 511 bytes; longer is cut.
void tui_safety_set_reset_sequence(const char *bytes, size_t length);
/// The write end of the program loop's self-pipe: signal handlers write one byte to it
/// ('r' after SIGWINCH, 'c' after returning from a Ctrl-Z stop). -1 for none.
void tui_safety_set_notify_fd(int fd);
/// Installs handlers: SIGINT, SIGTERM, SIGHUP and SIGQUIT restore the terminal then re-raise
/// with the default action (the shell sees 128+signal); SIGTRAP, SIGILL, SIGSEGV, SIGBUS, SIGFPE,
/// SIGABRT the same on an alternate stack; SIGTSTP restores, stops, and on SIGCONT notifies 'c';
/// SIGWINCH notifies 'r'. Also registers an atexit restore. Call before newterm/initscr so that
/// ncurses sees the signals are taken and does not install its own handlers.
int tui_safety_install(void);
/// Restores the handlers that were there before install. The terminal is not touched.
void tui_safety_uninstall(void);
/// Restores saved modes and writes the reset bytes now, once, if installed and armed.
void tui_safety_restore_now(void);
/// Arms (1) or disarms (0) the restore: disarm after a clean endwin so nothing is written twice.
void tui_safety_set_armed(int armed);
/// The size of the terminal on `fd` (TIOCGWINSZ); 0 on success. (ioctl is variadic in C.)
int tui_terminal_size(int fd, int *rows, int *cols);
/// Turns off XON/XOFF flow control on `fd` so Ctrl-S and Ctrl-Q reach the program as keys.
int tui_disable_flow_control(int fd);

/// libc wcwidth of one code point under the calling thread's locale (see uselocale).
int tui_wcwidth(unsigned int scalar);

#endif
