package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.Hashtable;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Tomcat wiki's LogFactory scenario, with commons-logging on the server's class path (this test's class path) and
 * a factory of the application's own: the server's LogFactory caches it for the application's loader, which the
 * factory's class holds, so the weak key never goes. Leaked without leakguard, collected with it, and another
 * application's factory stays cached.
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

    /** The server's cache, read as leakguard reads it. */
    private static Object cached(ClassLoader loader) {
        try {
            Field factories = LogFactory.class.getDeclaredField("factories");
            factories.setAccessible(true);
            return ((Hashtable<?, ?>) factories.get(null)).get(loader);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
