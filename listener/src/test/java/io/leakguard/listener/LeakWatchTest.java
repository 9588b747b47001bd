package io.leakguard.listener;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.Policy;
import io.leakguard.findleaks.LeakDetectorJmx;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener feeds every stopped context to Find leaks, which operators reach over JMX. */
class LeakWatchTest {

    private final MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void aLeakLeftInPlaceIsFoundAndExplainedOverJmxAndACleanWebappIsNot() throws JMException {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(leavingLeaksInPlace())) {
            useAndUndeploy(tomcat, "threadlocal-value", "/leaky");
            useAndUndeploy(tomcat, "clean", "/tidy");
            ObjectName name = new ObjectName(LeakDetectorJmx.NAME);

            String[] leaks = (String[]) jmx.invoke(name, "findLeaks", new Object[0], new String[0]);

            assertEquals(1, leaks.length, Arrays.toString(leaks));
            assertTrue(leaks[0].startsWith("/leaky"), leaks[0]);
            assertEquals(2L, jmx.getAttribute(name, "StoppedCount"));
            assertEquals(1L, jmx.getAttribute(name, "CollectedCount"));
            String explanation = (String) jmx.invoke(name, "explain", new Object[] {"/leaky"},
                    new String[] {String.class.getName()});
            assertTrue(explanation.contains("Thread.threadLocals"), explanation);
        }
        assertTrue(jmx.queryNames(new ObjectName(LeakDetectorJmx.NAME), null).isEmpty(),
                "the MBean outlived its server");
    }

    /** Parallel deployment: an application is listed by the name Tomcat knows it by, with its version. */
    @Test
    void aVersionedApplicationIsListedWithItsVersion() throws JMException {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(leavingLeaksInPlace())) {
            useAndUndeploy(tomcat, tomcat.deployVersion("threadlocal-value", "/shop", "2"), "/shop");

            String[] leaks = (String[]) jmx.invoke(new ObjectName(LeakDetectorJmx.NAME), "findLeaks", new Object[0],
                    new String[0]);

            assertEquals(1, leaks.length, Arrays.toString(leaks));
            assertTrue(leaks[0].startsWith("/shop##2 stopped "), leaks[0]);
        }
    }

    /**
     * Two servers in one JVM, each with the listener (an application's own port and Spring Boot's management port,
     * say): only one can publish Find leaks, and the other must still start and clean its applications.
     */
    @Test
    void aSecondServerInTheJvmStartsAndCleansWhileTheFirstKeepsFindLeaks() throws JMException {
        ObjectName name = new ObjectName(LeakDetectorJmx.NAME);
        try (EmbeddedTomcat first = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            try (EmbeddedTomcat second = EmbeddedTomcat.start(new LeakPreventionListener())) {
                Context context = second.deployPlain("threadlocal-custom", "/app");
                second.get("/app/leak");
                assertTrue(Gc.collected(second.undeploy(context)), log.all());
                assertTrue(single(log.warnings("/app")).contains("fixed: entry removed"), log.all());
            }
            assertTrue(log.all().contains("WARNING leakguard: another server in this JVM publishes Find leaks"),
                    log.all());
            useAndUndeploy(first, "clean", "/tidy");
            assertEquals(1L, jmx.getAttribute(name, "StoppedCount"), "the first server's detector is not published");
        }
        assertTrue(jmx.queryNames(name, null).isEmpty(), "the MBean outlived its server");
    }

    /** Leaves the leaks in place, so that there is something to find, and checks only when asked. */
    private static LeakPreventionListener leavingLeaksInPlace() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        listener.setProperty("renewal", "off");
        listener.setProperty("findLeaksWatchdogSeconds", "0");
        return listener;
    }

    private static void useAndUndeploy(EmbeddedTomcat tomcat, String fixture, String path) {
        useAndUndeploy(tomcat, tomcat.deployPlain(fixture, path), path);
    }

    private static void useAndUndeploy(EmbeddedTomcat tomcat, Context context, String path) {
        for (int i = 0; i < 4; i++) {
            tomcat.get(path + "/leak");
        }
        tomcat.undeploy(context);
    }
}
