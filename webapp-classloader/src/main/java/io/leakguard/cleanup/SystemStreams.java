package io.leakguard.cleanup;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code System.out} or {@code System.err} replaced by a stream that reaches the web application, as libraries that
 * send console output to the application's logging do, or {@code System.in} by one that feeds it scripted input, as
 * embedded shells and tests do. The JVM keeps each stream in a static field: the application stays in memory, and
 * everything the server prints afterwards goes through its stopped code.
 *
 * <p>Each goes back to the server's stream (Tomcat's {@code SystemLogHandler}), see {@link #remember()}. A stream
 * that reaches this application through another application's, however deep, is left in place and reported:
 * resetting it would silently undo that application's redirection.
 */
final class SystemStreams implements LeakCheck {

    /**
     * The server's streams, from before any web application ran: first those of the moment leakguard loads, then, on
     * Tomcat, those of the moment the server initialises, since Tomcat replaces both after reading server.xml.
     */
    private static volatile PrintStream serverOut = System.out;
    private static volatile PrintStream serverErr = System.err;
    private static volatile InputStream serverIn = System.in;

    /** Takes the current streams as the server's. */
    static void remember() {
        serverOut = System.out;
        serverErr = System.err;
        serverIn = System.in;
    }

    @Override
    public String id() {
        return "systemStreams";
    }

    @Override
    public String kind() {
        return "SystemStream";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public void run(Scan scan) throws InterruptedException {
        reset(scan, "out", System.out, serverOut, System::setOut);
        reset(scan, "err", System.err, serverErr, System::setErr);
        reset(scan, "in", System.in, serverIn, System::setIn);
    }

    /** {@code name} is {@code out}, {@code err} or {@code in}. */
    private static <T> void reset(Scan scan, String name, T current, T startup, Consumer<T> setter)
            throws InterruptedException {
        Optional<Reach.Chain> chain = scan.reach().chain(current);
        if (chain.isEmpty()) {
            return;
        }
        Scan.Leak leak = scan.leak("System." + name + " replaced by " + Describe.object(current))
                .via(chain.get().links());
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
        } else if (scan.ownership().isAnotherApplications(current, chain.get())) {
            leak.warned("the stream is another application's, which would lose its own redirection; left in place");
        } else if (!scan.isServersToPutBack(startup)) {
            leak.warned("the stream leakguard took for the server's is an application's; left in place");
        } else {
            setter.accept(startup);
            leak.fixed("System.set" + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "("
                    + Describe.object(startup) + ")" + flushed(current, scan.policy().threadStopWait()));
        }
    }

    /**
     * What the application wrote and its stream still buffers goes where it was headed, not away with the stream. Its
     * flush may be the application's own, which may throw, or block on a peer no longer reading: the stream is replaced
     * already, and the other two are still to be looked at.
     */
    private static String flushed(Object replaced, Duration wait) throws InterruptedException {
        if (!(replaced instanceof PrintStream stream)) {
            return "";
        }
        BoundedCall flush = BoundedCall.run("leakguard-flush-stream", stream::flush, wait);
        if (flush.running()) {
            return "; its flush was still running after " + wait.toMillis() + " ms, left to finish on its own thread";
        }
        return flush.returned() ? "" : "; what it still buffered is lost: its flush failed with "
                + Describe.failure(flush.failure());
    }
}
