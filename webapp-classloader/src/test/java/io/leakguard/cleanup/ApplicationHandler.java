package io.leakguard.cleanup;

import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A logging handler of an application, which {@link DyingLoader}s define anew in engine tests, that flushes when it
 * closes and, by a bug of its own, closes when it flushes: its close() overflows the stack.
 */
public final class ApplicationHandler extends Handler {

    @Override
    public void publish(LogRecord record) {
    }

    @Override
    public void flush() {
        close();
    }

    @Override
    public void close() {
        flush();
    }
}
