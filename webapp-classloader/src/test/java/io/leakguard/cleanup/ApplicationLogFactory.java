package io.leakguard.cleanup;

import org.apache.commons.logging.impl.LogFactoryImpl;

/**
 * A commons-logging factory of an application, which {@link DyingLoader}s define anew in engine tests, whose release()
 * waits for its appenders to drain to a peer no longer reading, until the test's {@link CallbackGate} releases it.
 */
public final class ApplicationLogFactory extends LogFactoryImpl {

    @Override
    public void release() {
        CallbackGate.current().awaitRelease();
        super.release();
    }
}
