package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.util.List;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Application A leaves an inheritable ThreadLocal value on a request thread; application B then registers a shutdown
 * hook made on that same thread, which copies the value. The JVM keeps the hook unstarted until it exits, so it holds
 * A long after A is gone, even once the request thread is. One request thread makes both requests meet on it.
 */
class ShutdownHookThreadLocalsTest {

    private static final String HOOK = "jvm-registrations-hook";

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void anotherWebappsHookHoldsTheWebappItInheritedFromWithoutLeakGuard() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.startWithOneRequestThread()) {
            Meeting met = hookMadeWhereAWasThenAStopped(tomcat, false);
            tomcat.endRequestThreads();

            assertTrue(Gc.leaked(met.a()));
            assertTrue(Runtime.getRuntime().removeShutdownHook(hookOf(met.b())));
            assertTrue(Gc.collected(met.a()), "something besides B's shutdown hook holds A");
        }
    }

    @Test
    void entryCopiedIntoAnotherWebappsHookIsRemovedAndTheHookStaysRegistered() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.startWithOneRequestThread(); LogCapture log = LogCapture.start()) {
            Meeting met = hookMadeWhereAWasThenAStopped(tomcat, true);

            assertTrue(Gc.collected(met.a()), log.all());
            String warning = single(log.warnings("/a"));
            assertTrue(warning.contains("ThreadLocal leak: ThreadLocal java.lang.InheritableThreadLocal@"), warning);
            assertTrue(warning.contains(" holding io.leakguard.fixture.threadlocalcreated.CreatedThreadLocalServlet"
                    + "$Visit@"), warning);
            assertTrue(warning.matches(".*; held through Thread.inheritableThreadLocals -> value .*; on threads "
                    + "\\[http-nio-127.0.0.1-auto-\\d+-exec-1], \\[" + HOOK + " \\(unstarted shutdown hook\\)];"
                    + ".*; fixed: entry removed"), warning);
            assertEquals(List.of(), log.warnings("/b"));

            // B's hook is still registered: B's own stop finds it, and with the hook check fixing, runs it.
            hookOf(met.b());
            LeakGuardClassLoader.setPolicy(Policy.defaults().with("shutdownHooks", Mode.FIX));
            WeakReference<ClassLoader> bLoader = tomcat.undeploy(met.b());
            assertTrue(Gc.collected(bLoader), log.all());
            assertTrue(single(log.warnings("/b")).matches("WARNING leakguard: \\[/b] ShutdownHook leak: shutdown hook"
                    + " thread \\[" + HOOK + "] .*; fixed: removed from the JVM's shutdown hooks and run now: it"
                    + " finished"), log.all());
        }
    }

    @Test
    void warnPolicyNamesTheHookAndLeavesItsEntry() throws Exception {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("threadLocals", Mode.WARN));
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.startWithOneRequestThread(); LogCapture log = LogCapture.start()) {
            Meeting met = hookMadeWhereAWasThenAStopped(tomcat, true);

            assertTrue(Gc.leaked(met.a()));
            assertTrue(single(log.warnings("/a")).matches(".*, \\[" + HOOK + " \\(unstarted shutdown hook\\)];.*"
                    + "; not fixed: left in place because leakguard setting threadLocals=warn"), log.all());
            assertTrue(Runtime.getRuntime().removeShutdownHook(hookOf(met.b())));
        }
    }

    /** A's loader, on its way out, and B, still running. */
    private record Meeting(WeakReference<ClassLoader> a, Context b) {
    }

    /** A leaves its value on the one request thread, B makes its hook there, and A is undeployed. */
    private static Meeting hookMadeWhereAWasThenAStopped(EmbeddedTomcat tomcat, boolean withLeakGuard) {
        Context a = tomcat.deploy("threadlocal-created", "/a", withLeakGuard);
        Context b = tomcat.deploy("jvm-registrations", "/b", withLeakGuard);
        tomcat.get("/a/leak?kind=inheritable");
        tomcat.get("/b/leak?kind=hook");
        return new Meeting(tomcat.undeploy(a), b);
    }

    /** B's hook, told from any other by its context class loader, B's own, which it took from B's request. */
    private static Thread hookOf(Context b) throws ClassNotFoundException {
        ClassLoader loader = b.getLoader().getClassLoader();
        return RegisteredHooks.all().stream()
                .filter(hook -> hook.getName().equals(HOOK) && hook.getContextClassLoader() == loader)
                .findFirst().orElseThrow(() -> new AssertionError("B's shutdown hook is no longer registered"));
    }
}
