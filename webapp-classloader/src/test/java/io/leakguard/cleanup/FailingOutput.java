package io.leakguard.cleanup;

import java.io.OutputStream;

/**
 * An application's log bridge whose appender is already closed, which {@link DyingLoader}s define anew in engine
 * tests: writes go nowhere and a flush throws.
 */
public final class FailingOutput extends OutputStream {

    @Override
    public void write(int b) {
    }

    @Override
    public void flush() {
        throw new IllegalStateException("appender closed");
    }
}
