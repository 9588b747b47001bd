package io.leakguard.cleanup;

import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A logging handler of an application, which {@link DyingLoader}s define anew in engine tests, that sends records to a
 * peer no longer reading them: its last flush, in close(), blocks until the test's {@link CallbackGate} releases it.
 */
public final class ApplicationSocketHandler extends Handler {

    @Override
    public void publish(LogRecord record) {
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        CallbackGate.current().awaitRelease();
    }
}
