package io.leakguard.cleanup;

import java.io.Closeable;
import java.io.IOException;

/**
 * A thread of an application, which {@link DyingLoader}s define anew in engine tests, that reads from a connection
 * and, as the textbook has it, closes the connection when interrupted, to unblock its read. By a bug of its own its
 * interrupt() fails when the connection was never opened, after interrupting it all the same.
 */
public final class ApplicationReaderThread extends Thread {

    public volatile Closeable connection;

    @Override
    public void run() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            // asked to stop
        }
    }

    @Override
    public void interrupt() {
        try {
            connection.close();
        } catch (IOException e) {
            // closing is all that was asked of it
        } finally {
            super.interrupt();
        }
    }
}
