package io.leakguard.cleanup;

import java.io.OutputStream;

/**
 * An application's log bridge, which {@link DyingLoader}s define anew in engine tests, that ships lines to a peer no
 * longer reading them: its flush blocks until the test's {@link CallbackGate} releases it.
 */
public final class StalledOutput extends OutputStream {

    @Override
    public void write(int b) {
    }

    @Override
    public void flush() {
        CallbackGate.current().awaitRelease();
    }
}
