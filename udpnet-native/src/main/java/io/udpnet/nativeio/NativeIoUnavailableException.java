package io.udpnet.nativeio;

/**
 * The native I/O cannot run here: not Linux on x86_64 or aarch64, native access not enabled for this module, or a
 * system call missing from the C library. {@link io.udpnet.io.DatagramIo#defaultIo()} then falls back to NIO and
 * logs the message.
 */
public final class NativeIoUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Says what is missing.
     *
     * @param why what is missing
     */
    public NativeIoUnavailableException(String why) {
        super(why);
    }

    /**
     * Says what is missing and what showed it.
     *
     * @param why   what is missing
     * @param cause the failure that showed it
     */
    public NativeIoUnavailableException(String why, Throwable cause) {
        super(why, cause);
    }
}
