package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

/**
 * commons-logging, SLF4J and its backend (Logback, say) all in {@code $CATALINA_BASE/lib}: commons-logging 1.3+ then
 * caches for each application's loader a {@code Slf4jLogFactory} of the server's, whose {@code release()} stops the
 * SLF4J backend, which every application and the server log through. Releasing it for one stopping application must
 * not stop logging for all the others.
 */
class CommonsLoggingSharedBackendTest {

    @Test
    void releasingTheStoppingApplicationsEntryDoesNotStopTheServersLoggingBackend() throws Exception {
        String strongKeys = "org.apache.commons.logging.LogFactory.HashtableImpl";
        try (URLClassLoader server = new URLClassLoader(new URL[] {codeSource(LogFactory.class),
                codeSource(org.slf4j.LoggerFactory.class), codeSource(StoppableLoggingBackend.class)},
                ClassLoader.getPlatformClassLoader())) {
            // A cache with strong keys, as commons-logging names the setting (and as before 1.1); the backend as the
            // SLF4J provider of the server's lib.
            System.setProperty(strongKeys, "java.util.Hashtable");
            System.setProperty("slf4j.provider", StoppableLoggingBackend.class.getName());
            ClassLoader application = new ApplicationLoader(server);
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            Object factory;
            try {
                current.setContextClassLoader(application);
                Class<?> logFactory = server.loadClass(LogFactory.class.getName());
                factory = logFactory.getMethod("getFactory").invoke(null);
                logFactory.getMethod("getInstance", String.class).invoke(factory, "com.acme.Shop");
            } finally {
                current.setContextClassLoader(previous);
                System.clearProperty(strongKeys);
                System.clearProperty("slf4j.provider");
            }
            assertEquals("org.apache.commons.logging.impl.Slf4jLogFactory", factory.getClass().getName());

            List<Finding> findings = CleanupEngine.standard().clean(application, "/a", Policy.defaults()).findings()
                    .stream().filter(finding -> finding.kind().equals("LogFactory")).toList();

            assertEquals(1, findings.size(), findings::toString);
            assertEquals("removed from the cache; the factory is the server's, so its release() was not called",
                    findings.get(0).action(), findings.get(0).message());
            Class<?> context = server.loadClass(StoppableLoggingBackend.Context.class.getName());
            assertFalse((Boolean) context.getField("stopped").get(null), "stopping /a stopped the server's logging"
                    + " backend for every application: " + findings.get(0).message());
        }
    }

    private static URL codeSource(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    /** A web application's loader below that server loader, with one class of its own. */
    private static final class ApplicationLoader extends ClassLoader {
        ApplicationLoader(ClassLoader server) throws Exception {
            super(server);
            String name = DyingLoader.Marker.class.getName();
            try (InputStream in = DyingLoader.class.getClassLoader()
                    .getResourceAsStream(name.replace('.', '/') + ".class")) {
                byte[] bytes = in.readAllBytes();
                defineClass(name, bytes, 0, bytes.length);
            }
        }
    }
}
