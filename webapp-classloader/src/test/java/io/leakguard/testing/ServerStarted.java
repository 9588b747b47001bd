package io.leakguard.testing;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests whose web applications replace JVM-wide defaults: leakguard starts before any of them, as at server start,
 * so it captures the JDK's defaults (the proxy selector) it restores; and each test's policy is undone after it.
 */
public final class ServerStarted implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        CleanupEngine.standard();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }
}
