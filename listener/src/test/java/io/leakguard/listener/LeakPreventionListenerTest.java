package io.leakguard.listener;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Mode;
import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardThreadExecutor;
import org.apache.catalina.loader.WebappClassLoaderBase;
import org.apache.catalina.loader.WebappLoader;
import org.apache.tomcat.util.threads.Constants;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener added to a server as server.xml would add it, with fixtures deployed the ordinary way (no loader
 * chosen): leakguard must reach them on its own.
 */
class LeakPreventionListenerTest {

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void plainTomcatLeaksTheWebapp() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start()) {
            assertTrue(Gc.leaked(useAndUndeploy(tomcat, "threadlocal-custom")));
        }
    }

    @Test
    void webappDeployedAfterStartIsGuarded() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            assertFixedAndCollected(useAndUndeploy(tomcat, "threadlocal-custom"), log);
        }
    }

    @Test
    void webappOfAServiceAndEngineAddedAfterTheServerStartedIsGuarded() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.startThenAddService(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            assertFixedAndCollected(useAndUndeploy(tomcat, "threadlocal-custom"), log);
        }
    }

    @Test
    void webappWithTomcatsDefaultLoaderClassIsGuardedToo() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            Context context = tomcat.deploy("threadlocal-custom", "/app", false);
            assertTrue(context.getLoader().getClassLoader() instanceof LeakGuardClassLoader);
            request(tomcat, "/app/leak", 4);
            assertFixedAndCollected(tomcat.undeploy(context), log);
        }
    }

    /** A context that asks its server for classes first ({@code delegate="true"}) still does under leakguard. */
    @Test
    void webappThatDelegatesFirstKeepsDoingSoWithLeakGuardsLoader() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener(), DELEGATE_FIRST)) {
            Context context = tomcat.deployPlain("clean", "/app");
            WebappClassLoaderBase loader = (WebappClassLoaderBase) context.getLoader().getClassLoader();
            assertTrue(loader instanceof LeakGuardClassLoader, loader.getClass().getName());
            assertTrue(loader.getDelegate(), "the guarded loader looks in the web application first");
        }
    }

    /** Every context of the host delegates first, as {@code <Context delegate="true">} in its context.xml makes it. */
    private static final LifecycleListener DELEGATE_FIRST = event -> {
        if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && event.getLifecycle() instanceof Server server) {
            server.findServices()[0].getContainer().findChildren()[0].addContainerListener(added -> {
                if (Container.ADD_CHILD_EVENT.equals(added.getType()) && added.getData() instanceof StandardContext c) {
                    c.setDelegate(true);
                }
            });
        }
    };

    /**
     * Tomcat's own checks would run while the JVM shuts down, when every loader goes anyway: leakguard switches them
     * off then, as it skips its own pass.
     */
    @Test
    void tomcatsOwnChecksAreSkippedWhenTheJvmShutsDown() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener())) {
            Context context = tomcat.deployPlain("clean", "/app");
            WebappClassLoaderBase loader = (WebappClassLoaderBase) context.getLoader().getClassLoader();
            assertTrue(loader.getSkipMemoryLeakChecksOnJvmShutdown());
        }
    }

    /** With leakguard's ThreadLocal check off, Tomcat's is the only one left to report those leaks: it stays on. */
    @Test
    void withLeakGuardsThreadLocalCheckOffTomcatsStillReports() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "off");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener); LogCapture log = LogCapture.start();
                TomcatLog tomcatLog = TomcatLog.start()) {
            useAndUndeploy(tomcat, "threadlocal-custom");
            assertEquals(List.of(), log.warnings("/app"));
            List<String> reports = tomcatLog.threadLocalReports();
            assertFalse(reports.isEmpty(), "Tomcat's ThreadLocal check was switched off");
            reports.forEach(report -> assertTrue(report.startsWith("The web application [app] created a ThreadLocal "
                    + "with key of type [io.leakguard.fixture.threadlocalcustom.CustomThreadLocalServlet"
                    + ".CounterThreadLocal]"), report));
        }
    }

    /**
     * Every context leads to the host and to the listener, which keep the stopping application's loader while it
     * stops: another application's servlet context on a request thread leads there, and stays with that application.
     */
    @Test
    void anotherApplicationsServletContextIsLeftToIt() {
        // Walks that go through all of the other application's context, not only its first few paths.
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("walkMaxNodes", "1000000");
        listener.setProperty("walkMaxDepth", "40");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.startWithOneRequestThread(listener);
                LogCapture log = LogCapture.start()) {
            Context stopping = tomcat.deployPlain("threadlocal-custom", "/app");
            tomcat.deployPlain("threadlocal-indirect", "/other");
            request(tomcat, "/app/leak", 1);
            tomcat.get("/other/leak?via=context");

            assertFixedAndCollected(tomcat.undeploy(stopping), log);
            assertEquals("context held", tomcat.get("/other/held"));
        }
    }

    /** The engine ran, so leakguard's loader was there: it removed the fixture's ThreadLocal and said so. */
    private static void assertFixedAndCollected(WeakReference<ClassLoader> loader, LogCapture log) {
        assertTrue(Gc.collected(loader), log.all());
        String warning = single(log.warnings("/app"));
        assertTrue(warning.startsWith("WARNING leakguard: [/app] ThreadLocal leak: ThreadLocal io.leakguard.fixture."
                + "threadlocalcustom.CustomThreadLocalServlet$CounterThreadLocal@") && warning.contains(
                "fixed: entry removed"), warning);
    }

    @Test
    void webappWithItsOwnLoaderClassIsLeftAloneWithOneWarning() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            Context context = tomcat.deploy("threadlocal-custom", "/app", loader(OwnLoader.class));
            assertEquals(OwnLoader.class, context.getLoader().getClassLoader().getClass());
            request(tomcat, "/app/leak", 4);
            assertTrue(Gc.leaked(tomcat.undeploy(context)));
            assertEquals("WARNING leakguard: [/app] uses its own class loader io.leakguard.listener.OwnLoader, so "
                    + "leakguard cannot guard it: nothing is cleaned or reported when it stops. Remove its <Loader> "
                    + "element, or make that loader extend io.leakguard.loader.LeakGuardClassLoader",
                    single(log.warnings("/app")));
        }
    }

    @Test
    void ownLoaderClassBuiltOnLeakGuardsIsKept() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            Context context = tomcat.deploy("threadlocal-custom", "/app", loader(OwnGuardLoader.class));
            assertEquals(OwnGuardLoader.class, context.getLoader().getClassLoader().getClass());
            request(tomcat, "/app/leak", 4);
            assertFixedAndCollected(tomcat.undeploy(context), log);
        }
    }

    @Test
    void attributesSetTheEnginePolicy() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        listener.setProperty("renewal", "off");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener); LogCapture log = LogCapture.start()) {
            assertTrue(Gc.leaked(useAndUndeploy(tomcat, "threadlocal-custom")));
            assertTrue(single(log.warnings("/app")).endsWith(
                    "not fixed: left in place because leakguard setting threadLocals=warn"), log.all());
        }
    }

    /**
     * Two servers with the listener in one JVM, as Spring Boot's management port makes: each cleans its applications
     * under its own listener's attributes, whichever of them started last.
     */
    @Test
    void eachServerKeepsItsOwnListenersSettingsWhenItStartsFirst() {
        assertEachServerKeepsItsOwnSettings(true);
    }

    @Test
    void eachServerKeepsItsOwnListenersSettingsWhenItStartsLast() {
        assertEachServerKeepsItsOwnSettings(false);
    }

    private static void assertEachServerKeepsItsOwnSettings(boolean warningServerFirst) {
        LeakPreventionListener warning = new LeakPreventionListener();
        warning.setProperty("threadLocals", "warn");
        warning.setProperty("renewal", "off");
        warning.setProperty("creationSites", "off");
        LeakPreventionListener fixing = new LeakPreventionListener();
        try (EmbeddedTomcat first = EmbeddedTomcat.start(warningServerFirst ? warning : fixing);
                EmbeddedTomcat second = EmbeddedTomcat.start(warningServerFirst ? fixing : warning);
                LogCapture log = LogCapture.start()) {
            EmbeddedTomcat warned = warningServerFirst ? first : second;
            EmbeddedTomcat fixed = warningServerFirst ? second : first;
            Context warnedApp = warned.deployPlain("threadlocal-custom", "/warned");
            Context fixedApp = fixed.deployPlain("threadlocal-custom", "/fixed");
            request(warned, "/warned/leak", 4);
            request(fixed, "/fixed/leak", 4);
            WeakReference<ClassLoader> warnedLoader = warned.undeploy(warnedApp);
            WeakReference<ClassLoader> fixedLoader = fixed.undeploy(fixedApp);

            String left = single(log.warnings("/warned"));
            assertTrue(left.endsWith("not fixed: left in place because leakguard setting threadLocals=warn"), left);
            assertFalse(left.contains("created at"), left);
            String removed = single(log.warnings("/fixed"));
            assertTrue(removed.contains("created at") && removed.contains("fixed: entry removed"), removed);
            assertTrue(Gc.collected(fixedLoader), log.all());
            assertTrue(Gc.leaked(warnedLoader), log.all());
        }
    }

    /**
     * The start-up line about checks a missing flag switches off names those the server runs: a second server whose
     * listener switched one of them off hears about the others, though the first server's line was said already.
     */
    @Test
    void missingFlagsAreReportedForTheChecksEachServerRuns() {
        String everyCheck = CleanupEngine.standard().unavailableMessage(Policy.defaults());
        String withoutStaticFields = CleanupEngine.standard().unavailableMessage(
                Policy.defaults().with("staticFields", Mode.OFF));
        assumeTrue(withoutStaticFields != null && !withoutStaticFields.equals(everyCheck),
                "needs a JVM where a missing flag switches staticFields off, and another check with it");
        LeakPreventionListener withoutStaticFieldsListener = new LeakPreventionListener();
        withoutStaticFieldsListener.setProperty("staticFields", "off");
        try (EmbeddedTomcat first = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            first.deployPlain("clean", "/first");
            try (EmbeddedTomcat second = EmbeddedTomcat.start(withoutStaticFieldsListener)) {
                second.deployPlain("clean", "/second");
                assertTrue(log.all().contains("WARNING " + withoutStaticFields), log.all());
            }
        }
    }

    /**
     * The engine is told to leave the ThreadLocal in place, so only renewing the pool thread that holds it can free
     * the web application; requests keep coming meanwhile and none may fail.
     */
    @Test
    void poolThreadHoldingAnUnfixedLeakIsRenewedUnderLoad() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener); LogCapture log = LogCapture.start();
                TomcatLog tomcatLog = TomcatLog.start()) {
            tomcat.deployPlain("clean", "/ok");
            WeakReference<ClassLoader> loader = useAndUndeploy(tomcat, "threadlocal-custom");
            long start = System.nanoTime();
            LoadResult load = loadUntilCollected(tomcat, loader, 600);
            assertEquals(0, load.failures, "failed requests during renewal");
            assertTrue(load.collected, "still held after " + load.requests + " requests\n" + log.all());
            assertTrue(System.nanoTime() - start < Gc.COLLECT_WITHIN.toNanos() * 3, "renewal took too long");
            assertTrue(log.all().contains("leakguard: [/app] renewing the threads of [http-nio-127.0.0.1-auto-"),
                    log.all());
            assertEquals(List.of(), tomcatLog.threadLocalReports(), "Tomcat's own ThreadLocal check still reports");
        }
    }

    /**
     * An inheritable ThreadLocal left in place: Tomcat's pool creates each replacement on the thread it replaces, and
     * a new thread copies its creator's inheritable ThreadLocals, so the replacement must not be made there.
     */
    @Test
    void poolThreadHoldingAnUnfixedInheritableLeakIsRenewedIntoACleanThread() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener); LogCapture log = LogCapture.start()) {
            Context ok = tomcat.deployPlain("clean", "/ok");
            WeakReference<ClassLoader> loader = leaveInheritableAndUndeploy(tomcat, "/app");
            assertInheritableLeftInPlace(log.warnings("/app"), log);
            LoadResult load = loadUntilCollected(tomcat, loader, 600);
            assertEquals(0, load.failures, "failed requests during renewal");
            assertTrue(load.collected, "still held after " + load.requests + " requests\n" + log.all());
            assertConnectorFactoryGivenBack(tomcat, ok);
        }
    }

    /** The same through a shared {@code <Executor>}, whose pool Tomcat keeps out of reach but for reflection. */
    @Test
    void sharedExecutorThreadHoldingAnUnfixedInheritableLeakIsRenewedIntoACleanThread() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(SHARED_EXECUTOR, listener);
                LogCapture log = LogCapture.start()) {
            Context ok = tomcat.deployPlain("clean", "/ok");
            WeakReference<ClassLoader> loader = leaveInheritableAndUndeploy(tomcat, "/app");
            assertInheritableLeftInPlace(log.warnings("/app"), log);
            LoadResult load = loadUntilCollected(tomcat, loader, 600);
            assertEquals(0, load.failures, "failed requests during renewal");
            assertTrue(load.collected, "still held after " + load.requests + " requests\n" + log.all());
            assertTrue(log.all().contains("INFO leakguard: [/app] renewing the threads of [sharedPool]"), log.all());
            assertConnectorFactoryGivenBack(tomcat, ok);
        }
    }

    /** Two renewals of one pool at once: the second must neither wrap the pool's factory twice nor keep the wrapper. */
    @Test
    void twoContextsStoppingAtOnceAreBothRenewedIntoCleanThreads() throws Exception {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener); LogCapture log = LogCapture.start()) {
            Context ok = tomcat.deployPlain("clean", "/ok");
            Context first = tomcat.deployPlain("threadlocal-created", "/app");
            Context second = tomcat.deployPlain("threadlocal-created", "/app2");
            request(tomcat, "/app/leak?kind=inheritable", 4);
            request(tomcat, "/app2/leak?kind=inheritable", 4);
            CompletableFuture<WeakReference<ClassLoader>> firstStop = CompletableFuture.supplyAsync(
                    () -> tomcat.undeploy(first));
            WeakReference<ClassLoader> secondLoader = tomcat.undeploy(second);
            WeakReference<ClassLoader> firstLoader = firstStop.get(30, TimeUnit.SECONDS);
            assertInheritableLeftInPlace(log.warnings("/app"), log);
            assertInheritableLeftInPlace(log.warnings("/app2"), log);
            assertTrue(loadUntilCollected(tomcat, firstLoader, 600).collected, log.all());
            LoadResult load = loadUntilCollected(tomcat, secondLoader, 600);
            assertEquals(0, load.failures, "failed requests during renewal");
            assertTrue(load.collected, log.all());
            assertConnectorFactoryGivenBack(tomcat, ok);
        }
    }

    private static WeakReference<ClassLoader> leaveInheritableAndUndeploy(EmbeddedTomcat tomcat, String path) {
        Context context = tomcat.deployPlain("threadlocal-created", path);
        request(tomcat, path + "/leak?kind=inheritable", 4);
        return tomcat.undeploy(context);
    }

    private static void assertInheritableLeftInPlace(List<String> warnings, LogCapture log) {
        assertFalse(warnings.isEmpty(), log.all());
        assertTrue(warnings.stream().allMatch(w -> w.contains("held through Thread.inheritableThreadLocals")
                && w.endsWith("left in place because leakguard setting threadLocals=warn")), log.all());
    }

    /**
     * Once every thread older than the stop has ended, the connector's pool makes its threads with Tomcat's factory
     * again, and renews them at Tomcat's pace again; idle threads end only after a task, so requests keep coming until
     * then.
     */
    private static void assertConnectorFactoryGivenBack(EmbeddedTomcat tomcat, Context healthy) {
        Server server = ((Engine) healthy.getParent().getParent()).getService().getServer();
        for (int i = 0; i < 600 && !givenBack(server); i++) {
            tomcat.get("/ok/leak");
            sleep(20);
        }
        assertTrue(givenBack(server), PooledExecutor.of(server).stream()
                .map(pool -> pool.name + ": " + pool.threadFactory() + ", renewal delay " + pool.renewalDelay())
                .toList().toString());
    }

    private static boolean givenBack(Server server) {
        return PooledExecutor.of(server).stream()
                .allMatch(pool -> pool.threadFactory().orElseThrow() instanceof TaskThreadFactory
                        && pool.renewalDelay() == Constants.DEFAULT_THREAD_RENEWAL_DELAY);
    }

    /** The connector takes its threads from a shared {@code <Executor>}, as {@code executor="sharedPool"} makes it. */
    private static final LifecycleListener SHARED_EXECUTOR = event -> {
        if (Lifecycle.BEFORE_INIT_EVENT.equals(event.getType()) && event.getLifecycle() instanceof Server server) {
            Service service = server.findServices()[0];
            StandardThreadExecutor shared = new StandardThreadExecutor();
            shared.setName("sharedPool");
            shared.setNamePrefix("shared-exec-");
            service.addExecutor(shared);
            service.findConnectors()[0].getProtocolHandler().setExecutor(shared);
        }
    };

    @Test
    void withoutRenewalTheUnfixedLeakStaysUnderLoad() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("threadLocals", "warn");
        listener.setProperty("renewal", "off");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener)) {
            tomcat.deployPlain("clean", "/ok");
            WeakReference<ClassLoader> loader = useAndUndeploy(tomcat, "threadlocal-custom");
            LoadResult load = loadUntilCollected(tomcat, loader, 200);
            assertEquals(0, load.failures);
            assertFalse(load.collected);
            assertTrue(Gc.leaked(loader));
        }
    }

    @Test
    void cleanWebappStopsWithoutRenewal() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            assertTrue(Gc.collected(useAndUndeploy(tomcat, "clean")), log.all());
            assertEquals(List.of(), log.warnings("/app"));
            assertFalse(log.all().contains("renewing"), log.all());
        }
    }

    @Test
    void renewalAlwaysRenewsAfterEveryStop() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("renewal", "always");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener); LogCapture log = LogCapture.start()) {
            assertTrue(Gc.collected(useAndUndeploy(tomcat, "clean")), log.all());
            assertTrue(log.all().contains("INFO leakguard: [/app] renewing the threads of [http-nio-127.0.0.1-auto-"),
                    log.all());
            assertTrue(log.all().contains("INFO leakguard: [/app] renewing Tomcat's utility threads"
                    + " [Catalina-utility-"),
                    log.all());
        }
    }

    private static WebappLoader loader(Class<?> loaderClass) {
        WebappLoader loader = new WebappLoader();
        loader.setLoaderClass(loaderClass.getName());
        return loader;
    }

    private static WeakReference<ClassLoader> useAndUndeploy(EmbeddedTomcat tomcat, String fixture) {
        Context context = tomcat.deployPlain(fixture, "/app");
        request(tomcat, "/app/leak", 4);
        return tomcat.undeploy(context);
    }

    private static void request(EmbeddedTomcat tomcat, String path, int times) {
        for (int i = 0; i < times; i++) {
            tomcat.get(path);
        }
    }

    private record LoadResult(int requests, int failures, boolean collected) {
    }

    /** Steady requests to a healthy web application, checking between every few whether the loader is gone. */
    private static LoadResult loadUntilCollected(EmbeddedTomcat tomcat, WeakReference<ClassLoader> loader, int max) {
        int failures = 0;
        for (int i = 1; i <= max; i++) {
            try {
                tomcat.get("/ok/leak");
            } catch (RuntimeException e) {
                failures++;
            }
            if (i % 10 == 0) {
                Gc.collect();
                if (loader.get() == null) {
                    return new LoadResult(i, failures, true);
                }
            }
            sleep(20);
        }
        return new LoadResult(max, failures, false);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What Tomcat's own class loader logs about a stopping web application's leaks. */
    private static final class TomcatLog extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");
        private final List<String> messages = new CopyOnWriteArrayList<>();

        static TomcatLog start() {
            TomcatLog log = new TomcatLog();
            log.logger.addHandler(log);
            return log;
        }

        List<String> threadLocalReports() {
            return messages.stream().filter(m -> m.contains("ThreadLocal")).toList();
        }

        @Override
        public void publish(LogRecord record) {
            messages.add(String.valueOf(record.getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
