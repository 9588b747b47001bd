package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.commons.logging.LogFactory;
import org.apache.commons.logging.impl.LogFactoryImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Tomcat wiki's LogFactory scenario, with commons-logging on the server's class path (this test's class path) and
 * a factory of the application's own: the server's LogFactory caches it for the application's loader, which the
 * factory's class holds, so the weak key never goes. Leaked without leakguard, collected with it, and another
 * application's factory stays cached. A cache with strong keys is released whatever factory it keeps.
 */
class CommonsLoggingFactoriesTest {

    private static final String FACTORY = "io.leakguard.fixture.commonslogging.AuditLogFactory";

    @AfterEach
    void forgetEveryFactory() {
        LogFactory.releaseAll();
    }

    @Test
    void leaksOnStockTomcat() {
        Fixtures.stock("commons-logging-factory", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void onlyTheStoppingApplicationsFactoryIsReleased() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context a = tomcat.deploy("commons-logging-factory", "/a", true);
            Context b = tomcat.deploy("commons-logging-factory", "/b", true);
            assertEquals(FACTORY, tomcat.get("/a/leak"));
            assertEquals(FACTORY, tomcat.get("/b/leak"));
            ClassLoader bLoader = b.getLoader().getClassLoader();

            WeakReference<ClassLoader> aLoader = tomcat.undeploy(a);

            assertTrue(Gc.collected(aLoader), log.all());
            String warning = single(log.warnings("/a"));
            assertTrue(warning.contains("leakguard: [/a] LogFactory leak: commons-logging LogFactory on the server's"
                    + " class path keeps factory " + FACTORY + "@"), warning);
            assertTrue(warning.endsWith(" for the application's class loader; fixed: LogFactory.release(web"
                    + " application loader)"), warning);
            assertEquals(List.of(), log.warnings("/b"));
            assertNotNull(cached(bLoader), "the other application's factory was released too");
        }
    }

    /**
     * Before 1.1, or where the cache is named with the HashtableImpl property, its keys are strong: a factory of the
     * server's own classes holds the application all the same.
     */
    @Test
    void aCacheWithStrongKeysHoldsTheApplicationByItsKeyAlone() throws ReflectiveOperationException {
        Field factories = LogFactory.class.getDeclaredField("factories");
        factories.setAccessible(true);
        Object weak = factories.get(null);
        Hashtable<ClassLoader, LogFactory> strong = new Hashtable<>();
        DyingLoader dying = new DyingLoader();
        strong.put(dying, new LogFactoryImpl());
        factories.set(null, strong);
        try {
            List<Finding> findings = Passes.findings(dying, "LogFactory");
            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).message().contains(" for the application's class loader, under a key it holds"
                    + " strongly; fixed: removed from the cache; the factory is the server's, so its release() was not"
                    + " called"), findings.get(0).message());
            assertEquals(Map.of(), strong);
        } finally {
            factories.set(null, weak);
        }
    }

    /**
     * The application's factory's release() blocks, and LogFactory holds its cache's lock meanwhile: the pass waits
     * for it only as long as for a thread to stop.
     */
    @Test
    void aFactoryWhoseReleaseBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        DyingLoader dying = new DyingLoader();
        cache().put(dying, dying.newInstance(ApplicationLogFactory.class));
        try {
            List<Finding> findings = Passes.waitingForCode(dying, "LogFactory");

            assertEquals(List.of("LogFactory.release(web application loader) was still running after 300 ms, left to"
                    + " finish on its own thread"), findings.stream().map(Finding::action).toList());
        } finally {
            gate.release.countDown();
        }
    }

    /**
     * The application's factory's release() fails, and LogFactory, which drops the entry only after it, keeps it: the
     * pass drops it all the same, and the application goes.
     */
    @Test
    void aFactoryWhoseReleaseFailsIsRemovedFromTheCacheAllTheSame() throws Exception {
        DyingLoader dying = new DyingLoader();
        cache().put(dying, dying.newInstance(ApplicationFailingLogFactory.class));

        List<Finding> findings = Passes.findings(dying, "LogFactory");

        assertEquals(List.of("removed from the cache, after LogFactory.release(web application loader) failed with"
                + " java.lang.IllegalStateException: appender closed"),
                findings.stream().map(Finding::action).toList());
        assertNull(cached(dying), findings::toString);
        WeakReference<ClassLoader> loader = new WeakReference<>(dying);
        dying = null;
        assertTrue(Gc.collected(loader), findings::toString);
    }

    /** The server's cache, read as leakguard reads it. */
    @SuppressWarnings("unchecked")
    private static Hashtable<ClassLoader, Object> cache() {
        try {
            Field factories = LogFactory.class.getDeclaredField("factories");
            factories.setAccessible(true);
            return (Hashtable<ClassLoader, Object>) factories.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object cached(ClassLoader loader) {
        return cache().get(loader);
    }
}
