package io.leakguard.testing;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For tests whose web applications replace JVM-wide defaults: leakguard starts before any of them, as at server start,
 * so it captures the JDK's defaults (the proxy selector) it restores; and each test's policy is undone after it.
 * ImageIO is first used now too, as the listener's JRE offender protection does at server start: its first use makes
 * the main AppContext, which would otherwise keep the context class loader of the first application to ask for a
 * plugin.
 */
public final class ServerStarted implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        CleanupEngine.standard();
        ImageIO.getCacheDirectory();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }
}
