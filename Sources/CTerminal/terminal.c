#define _GNU_SOURCE
#include "CTerminal.h"
#include <wchar.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>

// Everything the handlers read is written before the handlers are installed (or is a
// sig_atomic_t), so the handlers see consistent data without locks.
static struct termios shell_mode;
static volatile sig_atomic_t have_shell_mode = 0;
static int tty_fd = -1;
static char reset_bytes[512];
static volatile sig_atomic_t reset_length = 0;
static volatile sig_atomic_t notify_fd = -1;
static volatile sig_atomic_t installed = 0;
static volatile sig_atomic_t armed = 0;
static volatile sig_atomic_t restoring = 0;
static int atexit_registered = 0;

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
                                     SIGTRAP, SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGABRT };
#define FATAL_COUNT (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction previous_fatal[FATAL_COUNT];
static struct sigaction previous_tstp, previous_winch;
// A Swift stack overflow arrives as SIGSEGV with no stack left: run handlers on their own.
static char alternate_stack[64 * 1024];

static void write_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t n = write(fd, bytes, length);
        if (n < 0) { if (errno == EINTR) continue; return; }
        bytes += n; length -= (size_t)n;
    }
}

static void restore_terminal(void) {
    if (tty_fd < 0) return;
    if (have_shell_mode) tcsetattr(tty_fd, TCSADRAIN, &shell_mode);
    if (reset_length > 0) write_all(tty_fd, reset_bytes, (size_t)reset_length);
}

static void notify(char byte) {
    int fd = notify_fd;
    if (fd >= 0) { ssize_t ignored = write(fd, &byte, 1); (void)ignored; }
}

static const struct sigaction *previous_for(int sig) {
    for (size_t i = 0; i < FATAL_COUNT; i++) if (fatal_signals[i] == sig) return &previous_fatal[i];
    return NULL;
}

static void on_fatal(int sig, siginfo_t *info, void *context) {
    int saved_errno = errno;
    if (armed && !restoring) {
        restoring = 1;
        restore_terminal();
    }
    // Hand over to whoever handled the signal before us (the Swift runtime's crash backtracer
    // prints its report, now on a sane terminal), then end the way the signal would have:
    // default action, so a core dump or the shell's 128+signal.
    const struct sigaction *previous = previous_for(sig);
    if (previous != NULL) {
        sigaction(sig, previous, NULL);
        if ((previous->sa_flags & SA_SIGINFO) && previous->sa_sigaction != NULL) {
            previous->sa_sigaction(sig, info, context);
        } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
            previous->sa_handler(sig);
        }
    }
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig);  // blocked while we run: delivered when the handler returns
    errno = saved_errno;
}

static void on_tstp(int sig) {
    (void)sig;
    int saved_errno = errno;
    struct termios program_mode;
    int have_program_mode = (tty_fd >= 0 && tcgetattr(tty_fd, &program_mode) == 0);
    if (armed) restore_terminal();

    struct sigaction dfl, ours;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGTSTP, &dfl, &ours);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGTSTP);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    raise(SIGTSTP);                       // stops here until SIGCONT (fg)
    sigprocmask(SIG_BLOCK, &unblock, NULL);
    sigaction(SIGTSTP, &ours, NULL);

    // Back in the foreground: put the tty modes back at once (no echo of keys typed before the
    // redraw), then let the loop redraw the screen from its own thread.
    if (armed && have_program_mode) tcsetattr(tty_fd, TCSADRAIN, &program_mode);
    notify('c');
    errno = saved_errno;
}

static void on_winch(int sig) {
    (void)sig;
    int saved_errno = errno;
    notify('r');
    errno = saved_errno;
}

static void at_exit_restore(void) { tui_safety_restore_now(); }

int tui_safety_save_shell_mode(int fd) {
    tty_fd = fd;
    if (tcgetattr(fd, &shell_mode) != 0) { have_shell_mode = 0; return -1; }
    have_shell_mode = 1;
    return 0;
}

void tui_safety_set_reset_sequence(const char *bytes, size_t length) {
    if (length > sizeof reset_bytes) length = sizeof reset_bytes;
    reset_length = 0;
    memcpy(reset_bytes, bytes, length);
    reset_length = (sig_atomic_t)length;
}

void tui_safety_set_notify_fd(int fd) { notify_fd = fd; }

void tui_safety_set_armed(int value) { armed = value ? 1 : 0; if (value) restoring = 0; }

void tui_safety_restore_now(void) {
    if (armed && !restoring) {
        restoring = 1;
        restore_terminal();
        armed = 0;
    }
}

int tui_safety_install(void) {
    if (installed) return 0;
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = alternate_stack;
    ss.ss_size = sizeof alternate_stack;
    sigaltstack(&ss, NULL);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < FATAL_COUNT; i++) sigaddset(&sa.sa_mask, fatal_signals[i]);
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
    for (size_t i = 0; i < FATAL_COUNT; i++) {
        sigaction(fatal_signals[i], NULL, &previous_fatal[i]);
        // A signal the parent chose to ignore (nohup, a shell's trap '') stays ignored.
        if (previous_fatal[i].sa_handler == SIG_IGN) continue;
        sigaction(fatal_signals[i], &sa, NULL);
    }

    struct sigaction tstp;
    memset(&tstp, 0, sizeof tstp);
    sigemptyset(&tstp.sa_mask);
    tstp.sa_handler = on_tstp;
    tstp.sa_flags = SA_RESTART;
    sigaction(SIGTSTP, &tstp, &previous_tstp);

    struct sigaction winch;
    memset(&winch, 0, sizeof winch);
    sigemptyset(&winch.sa_mask);
    winch.sa_handler = on_winch;
    winch.sa_flags = SA_RESTART;
    sigaction(SIGWINCH, &winch, &previous_winch);

    if (!atexit_registered) { atexit(at_exit_restore); atexit_registered = 1; }
    installed = 1;
    return 0;
}

void tui_safety_uninstall(void) {
    if (!installed) return;
    for (size_t i = 0; i < FATAL_COUNT; i++) sigaction(fatal_signals[i], &previous_fatal[i], NULL);
    sigaction(SIGTSTP, &previous_tstp, NULL);
    sigaction(SIGWINCH, &previous_winch, NULL);
    installed = 0;
}

int tui_terminal_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

int tui_disable_flow_control(int fd) {
    struct termios t;
    if (tcgetattr(fd, &t) != 0) return -1;
    t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
    return tcsetattr(fd, TCSADRAIN, &t);
}

int tui_wcwidth(unsigned int scalar) { return wcwidth((wchar_t)scalar); }
