package io.leakguard.cleanup;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A method of the application's that may block, such as the last flush or close of something that sends to a peer no
 * longer reading, run on a thread of its own and awaited as long as a thread to stop: the pass, and with it Tomcat's
 * stop, must not wait for it for good.
 *
 * @param returned whether the call returned within the wait
 * @param failure what the call threw within the wait, or null
 */
record BoundedCall(boolean returned, Throwable failure) {

    /** True when the call is still running, left to finish on its own thread. */
    boolean running() {
        return !returned && failure == null;
    }

    /** What became of a call that did not return, as the end of a message about {@code wait}. */
    String notReturned(Duration wait) {
        return running() ? "was still running when the " + wait.toMillis() + " ms wait was over, left to finish on its"
                + " own thread" : "failed with " + Describe.failure(failure);
    }

    /** What is left, at least nothing, of a wait shared by several calls that ends at {@code deadline}, a nanoTime. */
    static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    /** The application's method, behind whatever JDK code runs it. */
    interface Call {
        void run() throws Exception;
    }

    static BoundedCall run(String threadName, Call call, Duration wait) throws InterruptedException {
        AtomicReference<BoundedCall> outcome = new AtomicReference<>();
        Runnable calling = () -> {
            try {
                call.run();
                outcome.set(new BoundedCall(true, null));
            } catch (Throwable e) {
                // Its own thread: whatever the call throws ends only this thread, and is what the report says.
                outcome.set(new BoundedCall(false, e));
            }
        };
        Thread caller = new Thread(null, calling, threadName, 0, false);
        caller.setDaemon(true);
        caller.setContextClassLoader(BoundedCall.class.getClassLoader());
        caller.start();
        caller.join(Math.max(1, wait.toMillis()));
        BoundedCall finished = outcome.get();
        return finished != null ? finished : new BoundedCall(false, null);
    }
}
