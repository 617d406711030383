package io.conmonj.sys;

/**
 * The one retry loop of the project's native calls: a call interrupted by a signal (EINTR) is made again, a call
 * that would block (EAGAIN, and whatever else the caller names) is reported as {@link #WOULD_BLOCK}, any other
 * failure becomes the caller's exception naming the call. Each layer brings its own exception
 * ({@code host.sys.NativeCallException}, {@code UnixDatagramSocket.Failure}) through {@link Failures}.
 */
public final class Retry {
    private Retry() {}

    /** Result when the call failed with one of the errno values the caller treats as "not now". */
    public static final long WOULD_BLOCK = -1;

    /** No errno is "not now": every failure but EINTR is thrown. */
    public static final int[] NONE = {};
    /** EAGAIN (EWOULDBLOCK) is "not now". */
    public static final int[] AGAIN = {Errno.EAGAIN};

    /** A native call returning its result, negative on failure with errno set. */
    @FunctionalInterface
    public interface Call {
        long invoke();
    }

    /** Makes the exception for a failed call. */
    @FunctionalInterface
    public interface Failures<E extends Exception> {
        E failed(String call, int errno);
    }

    /** Makes {@code call} until it is not interrupted; its result, or the failure for any errno but EINTR. */
    public static <E extends Exception> long call(String name, Call call, Failures<E> failures) throws E {
        return call(name, call, failures, NONE);
    }

    /**
     * Makes {@code call} until it is not interrupted: its result (&gt;= 0), {@link #WOULD_BLOCK} if it failed with one
     * of {@code notNow}, else the failure naming {@code name}.
     */
    public static <E extends Exception> long call(String name, Call call, Failures<E> failures, int[] notNow)
            throws E {
        while (true) {
            long result = call.invoke();
            if (result >= 0) {
                return result;
            }
            int errno = Errno.last();
            if (errno == Errno.EINTR) {
                continue;
            }
            for (int soft : notNow) {
                if (errno == soft) {
                    return WOULD_BLOCK;
                }
            }
            throw failures.failed(name, errno);
        }
    }
}
