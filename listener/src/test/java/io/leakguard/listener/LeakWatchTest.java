package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.Policy;
import io.leakguard.findleaks.LeakDetectorJmx;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
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
        LeakPreventionListener listener = new LeakPreventionListener();
        // Leave the leak in place, so that there is something to find.
        listener.setProperty("threadLocals", "warn");
        listener.setProperty("renewal", "off");
        listener.setProperty("findLeaksWatchdogSeconds", "0");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener)) {
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

    private static void useAndUndeploy(EmbeddedTomcat tomcat, String fixture, String path) {
        Context context = tomcat.deployPlain(fixture, path);
        for (int i = 0; i < 4; i++) {
            tomcat.get(path + "/leak");
        }
        tomcat.undeploy(context);
    }
}
