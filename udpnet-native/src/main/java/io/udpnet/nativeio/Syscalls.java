package io.udpnet.nativeio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the Linux system calls the native I/O makes, each capturing errno. Every call takes the
 * caller's errno segment ({@link #newErrno}) first; a call that returns -1 leaves the error number there for
 * {@link #errno}. Linking all handles happens when this class initialises, so a platform without one of them fails
 * there, before any socket exists.
 */
final class Syscalls {
    /** The layout errno is captured into. */
    static final StructLayout ERRNO_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final MethodHandle SOCKET = handle("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = handle("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = handle("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            handle("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            handle("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETSOCKNAME = handle("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle RECVMMSG =
            handle("recvmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle SENDMMSG = handle("sendmmsg", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle RECVMSG = handle("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SENDMSG = handle("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CLOSE = handle("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle READ = handle("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = handle("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle EVENTFD = handle("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CREATE1 = handle("epoll_create1", JAVA_INT, JAVA_INT);
    private static final MethodHandle EPOLL_CTL = handle("epoll_ctl", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle EPOLL_WAIT =
            handle("epoll_wait", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    /** epoll_pwait2 (Linux 5.11, glibc 2.35) waits in nanoseconds; null where the C library lacks it. */
    private static final MethodHandle EPOLL_PWAIT2 = optionalHandle("epoll_pwait2",
            JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);

    private Syscalls() {
    }

    // Restricted: LinuxDatagramIo checks that native access is enabled before this class loads.
    @SuppressWarnings("restricted")
    private static MethodHandle handle(String name, ValueLayout result, ValueLayout... args) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new NativeIoUnavailableException("no " + name + " in the C library"));
        return LINKER.downcallHandle(symbol, FunctionDescriptor.of(result, args),
                Linker.Option.captureCallState("errno"));
    }

    private static MethodHandle optionalHandle(String name, ValueLayout result, ValueLayout... args) {
        return LIBC.find(name).isPresent() ? handle(name, result, args) : null;
    }

    /** Loads the class, linking every handle; throws where the platform lacks one. */
    static void link() {
        // Class initialisation did the work.
    }

    static boolean hasEpollPwait2() {
        return EPOLL_PWAIT2 != null;
    }

    /** @return the error number a failed call left in {@code errno} */
    static int errno(MemorySegment errno) {
        return (int) ERRNO.get(errno, 0L);
    }

    static int socket(MemorySegment e, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(e, domain, type, protocol);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int bind(MemorySegment e, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(e, fd, addr, len);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int connect(MemorySegment e, int fd, MemorySegment addr, int len) {
        try {
            return (int) CONNECT.invokeExact(e, fd, addr, len);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int setsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(e, fd, level, name, value, len);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int getsockopt(MemorySegment e, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(e, fd, level, name, value, len);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int getsockname(MemorySegment e, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GETSOCKNAME.invokeExact(e, fd, addr, len);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int recvmmsg(MemorySegment e, int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(e, fd, msgs, vlen, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int sendmmsg(MemorySegment e, int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(e, fd, msgs, vlen, flags);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static long recvmsg(MemorySegment e, int fd, MemorySegment msg, int flags) {
        try {
            return (long) RECVMSG.invokeExact(e, fd, msg, flags);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static long sendmsg(MemorySegment e, int fd, MemorySegment msg, int flags) {
        try {
            return (long) SENDMSG.invokeExact(e, fd, msg, flags);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int close(MemorySegment e, int fd) {
        try {
            return (int) CLOSE.invokeExact(e, fd);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static long read(MemorySegment e, int fd, MemorySegment buf, long len) {
        try {
            return (long) READ.invokeExact(e, fd, buf, len);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static long write(MemorySegment e, int fd, MemorySegment buf, long len) {
        try {
            return (long) WRITE.invokeExact(e, fd, buf, len);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int eventfd(MemorySegment e, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(e, initval, flags);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int epollCreate1(MemorySegment e, int flags) {
        try {
            return (int) EPOLL_CREATE1.invokeExact(e, flags);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int epollCtl(MemorySegment e, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(e, epfd, op, fd, event);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int epollWait(MemorySegment e, int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(e, epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    static int epollPwait2(MemorySegment e, int epfd, MemorySegment events, int max, MemorySegment timeout) {
        try {
            return (int) EPOLL_PWAIT2.invokeExact(e, epfd, events, max, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    private static RuntimeException fail(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(t);
    }
}
