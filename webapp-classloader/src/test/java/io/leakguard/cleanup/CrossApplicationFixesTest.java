package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ProxySelector;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What another application, still running, set or is using, leads to the stopping application, or is passed on to by
 * what the stopping application set: the JVM-wide defaults and a shared thread are left as they are.
 */
class CrossApplicationFixesTest {

    private final DyingLoader dying = new DyingLoader();
    private final DyingLoader other = new DyingLoader();

    /**
     * Another application made the JVM's default SSLContext from a trust manager of its own, which holds an object of
     * the stopping application (one handed across contexts, or through a shared library). As for the JAAS
     * configuration, the JDBC log writer or the serial filter, that default is the other application's.
     */
    @Test
    void anotherApplicationsDefaultSslContextIsLeftInPlace() throws Exception {
        SSLContext before = SSLContext.getDefault();
        try {
            Object trustManager = holding(other.newInstance(ApplicationTrustManager.class), dying.newMarker());
            SSLContext others = SSLContext.getInstance("TLS");
            others.init(null, new TrustManager[] {(TrustManager) trustManager}, null);
            SSLContext.setDefault(others);

            List<Finding> findings = Passes.findings(dying, "HttpsDefault");

            assertSame(others, SSLContext.getDefault(), "another application's default SSLContext was reset: "
                    + findings);
            assertEquals(List.of("it is another application's, whose HTTPS connections would lose the trust it set"
                    + " up; left in place"), findings.stream().map(Finding::action).toList());
        } finally {
            SSLContext.setDefault(before);
        }
    }

    /**
     * Another application installed the default uncaught exception handler; the stopping one then installed its own,
     * which passes every failure on to the one it replaced, as error reporters do. Resetting to none silences the
     * other application's handler while that application still runs.
     */
    @Test
    void anotherApplicationsUncaughtExceptionHandlerIsNotDroppedWithTheWrapperAroundIt() throws Exception {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        try {
            Thread.UncaughtExceptionHandler others =
                    (Thread.UncaughtExceptionHandler) other.newInstance(ApplicationExceptionHandler.class);
            Object own = dying.newInstance(ApplicationExceptionHandler.class);
            own.getClass().getField("previous").set(own, others);
            Thread.setDefaultUncaughtExceptionHandler((Thread.UncaughtExceptionHandler) own);

            List<Finding> findings = Passes.findings(dying, "UncaughtExceptionHandler");

            assertNotNull(Thread.getDefaultUncaughtExceptionHandler(), "the other application's handler, to which the"
                    + " stopping one passed every failure on, no longer gets any: " + findings);
            assertEquals(List.of("it passes on to another application's " + Describe.object(others)
                    + ", which resetting it would drop while that application runs; left in place"),
                    findings.stream().map(Finding::action).toList());
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    /**
     * The same with the default proxy selector: the other application routes its requests through a selector of its
     * own, and the stopping one put in front of it a selector that passes on what it does not route. Going back to
     * the selector of the server's start drops the other application's routing.
     */
    @Test
    void anotherApplicationsProxySelectorIsNotDroppedWithTheWrapperAroundIt() throws Exception {
        ProxySelector before = ProxySelector.getDefault();
        try {
            ProxySelector others = (ProxySelector) other.newInstance(ApplicationProxySelector.class);
            ProxySelector.setDefault(others);
            Object own = dying.newInstance(ApplicationProxySelector.class);
            own.getClass().getField("previous").set(own, others);
            ProxySelector.setDefault((ProxySelector) own);

            List<Finding> findings = Passes.findings(dying, "NetDefault");

            ProxySelector after = ProxySelector.getDefault();
            assertTrue(after == own || after == others, "the other application's proxy selector, to which the"
                    + " stopping one passed its requests on, is no longer asked: " + findings);
        } finally {
            ProxySelector.setDefault(before);
        }
    }

    /**
     * The stopping application cached a server library's pool in a static field. Its threads were not born in the
     * application, so the field alone does not make the pool the application's: shut down, it would stop running the
     * server's and the other applications' work.
     */
    @Test
    void aServerPoolTheStoppingApplicationKeepsInAStaticFieldKeepsRunning() throws Exception {
        ThreadPoolExecutor shared = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        shared.prestartAllCoreThreads();
        try {
            dying.newInstance(ApplicationExecutors.class).getClass().getField("shared").set(null, shared);

            List<Finding> findings = Passes.findings(dying, "Executor");

            assertFalse(shared.isShutdown(), "the server's pool was shut down: " + findings);
            assertEquals(List.of(), findings);
        } finally {
            shared.shutdownNow();
        }
    }

    /**
     * A server library's dispatcher thread (its class, task and context class loader the server's) calls every
     * application's callback; the stopping application left its own registered, so the task reaches it. At the stop
     * the thread is inside the callback of the other version of the application (parallel deployment), whose class
     * has the same name as one the stopping application loaded. That frame is not the stopping application's code,
     * and the shared thread must not be interrupted for it.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aSharedThreadRunningTheOtherVersionsSameNamedClassIsNotInterrupted(boolean stoppingContextLoader)
            throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        Runnable stopping = (Runnable) dying.newInstance(ApplicationCallback.class);
        Runnable running = (Runnable) other.newInstance(ApplicationCallback.class);
        Thread dispatcher = new Thread(new Dispatcher(List.of(stopping, running)), "shared-dispatcher");
        dispatcher.setDaemon(true);
        if (stoppingContextLoader) {
            // Made during one of the stopping application's requests: that link at least goes.
            dispatcher.setContextClassLoader(dying);
        }
        dispatcher.start();
        try {
            assertTrue(gate.running.await(10, TimeUnit.SECONDS));

            List<Finding> findings = Passes.findings(dying, "Thread");

            assertEquals(1, gate.interrupted.getCount(), "the other version's callback was interrupted on the"
                    + " shared thread: " + findings);
            assertTrue(dispatcher.isAlive(), "the shared dispatcher thread ended: " + findings);
            assertEquals(List.of("not interrupted, since it may be running that application's code"
                    + (stoppingContextLoader ? " (its context class loader was reset)" : "")),
                    findings.stream().map(Finding::action).toList());
            assertEquals(stoppingContextLoader ? dying.getParent() : CrossApplicationFixesTest.class.getClassLoader(),
                    dispatcher.getContextClassLoader());
        } finally {
            gate.release.countDown();
        }
    }

    /** A server library's dispatcher: it runs the last callback registered, which blocks. */
    public static final class Dispatcher implements Runnable {

        private final List<Runnable> callbacks;

        Dispatcher(List<Runnable> callbacks) {
            this.callbacks = callbacks;
        }

        @Override
        public void run() {
            callbacks.get(callbacks.size() - 1).run();
        }
    }

    private static Object holding(Object holder, Object held) throws ReflectiveOperationException {
        holder.getClass().getField("held").set(holder, held);
        return holder;
    }
}
