package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;
import org.apache.catalina.session.ManagerBase;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A web application's session listener leaves ThreadLocal entries on the utility thread that expired the session, and
 * the engine is told to leave them in place: only ending that thread can free the web application.
 */
class UtilityRenewalTest {

    private static final String FIXTURE = "threadlocal-session-expiry";
    private static final Pattern HOLDER = Pattern.compile("; on thread \\[(Catalina-utility-\\d+)]");
    private static final long EXPIRY_WITHIN_MILLIS = 20_000;
    private static final long RENEWED_WITHIN_MILLIS = 5_000;

    /** Background processing every second instead of every ten, so that a session expires within a test. */
    private static final LifecycleListener EVERY_SECOND = event -> {
        if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && event.getLifecycle() instanceof Server server) {
            server.findServices()[0].getContainer().setBackgroundProcessorDelay(1);
        }
    };

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void utilityThreadHoldingAnUnfixedLeakIsRenewedAndBackgroundProcessingGoesOn() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener, EVERY_SECOND);
                LogCapture log = LogCapture.start()) {
            WeakReference<ClassLoader> loader = expireSessionAndUndeploy(tomcat, "/app");
            assertTrue(Gc.collected(loader), log.all());
            String holder = holder(log.warnings("/app"), "/app");
            assertTrue(log.all().contains("INFO leakguard: [/app] renewing Tomcat's utility threads [" + holder
                    + "], each as it ends its current task"), log.all());
            assertRenewed(log, "/app", holder);
            // The connector's threads held nothing: renewal=leaks leaves their pool alone.
            assertFalse(log.all().contains("renewing the threads of"), log.all());

            // The background processor is a periodic task of the same pool: it must have survived the renewal.
            Context again = tomcat.deployPlain(FIXTURE, "/again");
            assertTomcatsFactory(again);
            expireSession(tomcat, again, "/again");
        }
    }

    /**
     * Two web applications whose leaks are on utility threads stop at once: both renewals run together, and the
     * pool makes its threads the clean way until the later one is over, then with Tomcat's factory again.
     */
    @Test
    void twoWebappsStoppingAtOnceRenewTheirUtilityThreadsAndTheFactoryComesBackAfterBoth() throws Exception {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener, EVERY_SECOND);
                LogCapture log = LogCapture.start()) {
            Context first = tomcat.deployPlain(FIXTURE, "/app");
            Context second = tomcat.deployPlain(FIXTURE, "/app2");
            expireSession(tomcat, first, "/app");
            expireSession(tomcat, second, "/app2");
            CompletableFuture<WeakReference<ClassLoader>> firstStop = CompletableFuture.supplyAsync(
                    () -> tomcat.undeploy(first));
            WeakReference<ClassLoader> secondLoader = tomcat.undeploy(second);
            WeakReference<ClassLoader> firstLoader = firstStop.get(30, TimeUnit.SECONDS);
            assertTrue(Gc.collected(firstLoader), log.all());
            assertTrue(Gc.collected(secondLoader), log.all());
            // Both may have left their entries on one thread: the first renewal then ends it for both, and the
            // second finds nothing left to renew.
            assertRenewed(log, "", holder(log.warnings("/app"), "/app"));
            assertRenewed(log, "", holder(log.warnings("/app2"), "/app2"));

            Context again = tomcat.deployPlain(FIXTURE, "/again");
            assertTomcatsFactory(again);
            expireSession(tomcat, again, "/again");
        }
    }

    @Test
    void withoutRenewalTheUtilityThreadKeepsTheWebapp() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        listener.setProperty("renewal", "off");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener, EVERY_SECOND);
                LogCapture log = LogCapture.start()) {
            assertTrue(Gc.leaked(expireSessionAndUndeploy(tomcat, "/app")));
            holder(log.warnings("/app"), "/app");
            assertFalse(log.all().contains("renewing"), log.all());
        }
    }

    /**
     * The one utility thread that both of the fixture's entries were left on, the plain one and the inheritable one
     * (which the replacement thread must not inherit from the thread it replaces).
     */
    private static String holder(List<String> warnings, String webapp) {
        assertEquals(2, warnings.size(), String.join("\n", warnings));
        Set<String> holders = new HashSet<>();
        for (String warning : warnings) {
            assertTrue(warning.startsWith("WARNING leakguard: [" + webapp + "] ThreadLocal leak: ") && warning.endsWith(
                    "not fixed: left in place because leakguard setting threadLocals=warn"), warning);
            Matcher holder = HOLDER.matcher(warning);
            assertTrue(holder.find(), warning);
            holders.add(holder.group(1));
        }
        assertTrue(warnings.stream().anyMatch(w -> w.contains("held through Thread.inheritableThreadLocals")),
                String.join("\n", warnings));
        assertEquals(1, holders.size(), holders.toString());
        return holders.iterator().next();
    }

    /**
     * The renewal is over once the ending thread has died, a moment after the web application may be collected; it
     * gives the pool its factory back before it says so.
     */
    /** That a renewal by {@code webapp}, or by any when it is empty, ended {@code holder}. */
    private static void assertRenewed(LogCapture log, String webapp, String holder) {
        String renewed = (webapp.isEmpty() ? "" : "INFO leakguard: [" + webapp + "]")
                + " renewed Tomcat's utility threads [" + holder + "]";
        long giveUpAt = System.currentTimeMillis() + RENEWED_WITHIN_MILLIS;
        while (!log.all().contains(renewed) && System.currentTimeMillis() < giveUpAt) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertTrue(log.all().contains(renewed), log.all());
    }

    private static void assertTomcatsFactory(Context context) {
        Server server = ((Engine) context.getParent().getParent()).getService().getServer();
        ThreadFactory factory = UtilityPool.of(server).orElseThrow().threadFactory();
        assertTrue(factory instanceof TaskThreadFactory, factory.getClass().getName());
    }

    private static WeakReference<ClassLoader> expireSessionAndUndeploy(EmbeddedTomcat tomcat, String path) {
        Context context = tomcat.deployPlain(FIXTURE, path);
        expireSession(tomcat, context, path);
        return tomcat.undeploy(context);
    }

    /** Opens a session and waits until Tomcat's background processing has expired it. */
    private static void expireSession(EmbeddedTomcat tomcat, Context context, String path) {
        // Expiry every background run rather than every sixth.
        ((ManagerBase) context.getManager()).setProcessExpiresFrequency(1);
        int endedBefore = Integer.parseInt(tomcat.get(path + "/ended"));
        tomcat.get(path + "/leak");
        long giveUpAt = System.currentTimeMillis() + EXPIRY_WITHIN_MILLIS;
        while (Integer.parseInt(tomcat.get(path + "/ended")) == endedBefore) {
            assertTrue(System.currentTimeMillis() < giveUpAt, "session at " + path + " not expired within "
                    + EXPIRY_WITHIN_MILLIS + " ms");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        assertEquals(endedBefore + 1, Integer.parseInt(tomcat.get(path + "/ended")));
    }
}
