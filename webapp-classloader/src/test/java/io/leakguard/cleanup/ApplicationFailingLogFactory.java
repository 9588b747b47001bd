package io.leakguard.cleanup;

import org.apache.commons.logging.impl.LogFactoryImpl;

/**
 * A commons-logging factory of an application, which {@link DyingLoader}s define anew in engine tests, whose release()
 * fails on the appenders contextDestroyed already closed.
 */
public final class ApplicationFailingLogFactory extends LogFactoryImpl {

    @Override
    public void release() {
        throw new IllegalStateException("appender closed");
    }
}
