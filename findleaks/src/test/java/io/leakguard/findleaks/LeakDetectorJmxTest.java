package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** What a JMX client sees: only strings and numbers, through the platform MBean server. */
class LeakDetectorJmxTest {

    /** Held from a static field so the loader really leaks. */
    static Object held;

    @Test
    void findLeaksExplainAndCountersOverJmx() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(LeakDetectorJmx.NAME);
        try (LeakDetector detector = new LeakDetector(Duration.ofDays(1))) {
            LeakDetectorJmx jmx = new LeakDetectorJmx(detector);
            jmx.register();
            try {
                assertThrows(IllegalStateException.class, new LeakDetectorJmx(detector)::register);
                stopLeaking(detector);

                String[] leaks = (String[]) server.invoke(name, "findLeaks", null, null);

                assertEquals(1, leaks.length);
                assertTrue(leaks[0].startsWith("/shop##3 stopped "), leaks[0]);
                assertTrue(leaks[0].endsWith("-> static LeakDetectorJmxTest.held (static field)"), leaks[0]);
                String explanation = (String) server.invoke(name, "explain", new Object[] {"/shop##3"},
                        new String[] {String.class.getName()});
                assertTrue(explanation.startsWith("leak kind: static field\n  GC root: "), explanation);
                assertTrue(explanation.contains("\n  -> static LeakDetectorJmxTest.held = "
                        + "io.leakguard.findleaks.ExplainTest$Value@"), explanation);
                assertTrue(explanation.endsWith("   <== cut this reference"), explanation);
                assertEquals("/other is not held in memory: collected, never stopped, or about to go",
                        server.invoke(name, "explain", new Object[] {"/other"}, new String[] {String.class.getName()}));
                assertEquals(1L, server.getAttribute(name, "StoppedCount"));
                assertEquals(0L, server.getAttribute(name, "CollectedCount"));
                assertEquals(1, server.getAttribute(name, "LeakedCount"));
            } finally {
                jmx.unregister();
                held = null;
            }
            assertFalse(server.isRegistered(name));
        }
    }

    private static void stopLeaking(LeakDetector detector) {
        DefiningLoader loader = new DefiningLoader();
        held = loader.newInstance(ExplainTest.Value.class);
        detector.stopped(loader, "/shop##3", Instant.now());
    }
}
