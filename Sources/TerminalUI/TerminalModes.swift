import CTerminal
#if canImport(Glibc)
import Glibc
#endif

/// Terminal modes changed outside curses (a no-echo password prompt, for one), put back however the change
/// ends: normally, or by a signal (Ctrl-C, SIGTERM, SIGHUP, a crash) through the same async-signal-safe
/// handlers the full-screen backend uses; Ctrl-Z gives the shell its modes while stopped.
public enum TerminalModes {
    /// Runs `body` with echo off on `fd` (the typed newline still echoes), restoring the modes afterwards
    /// and on any fatal signal meanwhile. Runs `body` unchanged when `fd` is not a terminal.
    public static func withEchoOff<T>(fd: Int32, _ body: () throws -> T) rethrows -> T {
        var original = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &original) == 0 else { return try body() }
        tui_safety_save_shell_mode(fd)
        tui_safety_set_reset_sequence("", 0)  // modes only: nothing was drawn
        tui_safety_set_notify_fd(-1)
        tui_safety_install()
        tui_safety_set_armed(1)
        defer {
            tcsetattr(fd, TCSAFLUSH, &original)
            tui_safety_set_armed(0)
            tui_safety_uninstall()
        }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        tcsetattr(fd, TCSAFLUSH, &silent)
        return try body()
    }
}
