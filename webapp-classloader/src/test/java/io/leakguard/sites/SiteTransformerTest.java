package io.leakguard.sites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/** What instrumentation does to a class, and what it must never do: change behaviour or keep an object alive. */
class SiteTransformerTest {

    private final SiteTransformer transformer = new SiteTransformer();

    /** Compiled with this test; its calls are the ones instrumentation rewrites. */
    public static final class Starter implements Runnable {

        public Thread thread;
        public ExecutorService pool;
        public Worker worker;
        public Engine engine;

        @Override
        public void run() {
            thread = new Thread(() -> { });
            thread.start();
            pool = Executors.newSingleThreadExecutor();
            worker = new Worker();
            worker.start();
            engine = new Engine();
            engine.start();
        }
    }

    /** Names no JDK type that is recorded, only a {@code start()}: the class is still instrumented. */
    public static final class WorkerStarter implements Runnable {

        @Override
        public void run() {
            new Worker().start();
        }
    }

    /** A thread started through its own type: {@code INVOKEVIRTUAL Worker.start()}. */
    public static final class Worker extends Thread {
    }

    /** Not a thread, yet with a {@code start()} of its own that instrumented code must still call. */
    public static final class Engine {

        public boolean started;

        public void start() {
            started = true;
        }
    }

    /** Its constructor's {@code super(...)} initialises itself, not a pool made here: nothing to record. */
    public static final class OwnPool extends ScheduledThreadPoolExecutor {

        public OwnPool() {
            super(1);
        }
    }

    /** A service started through its interface, and a ThreadLocal only read: names that are in the table, no call. */
    public static final class Lifecycle implements Runnable {

        private static final ThreadLocal<Runnable> CURRENT = new ThreadLocal<>();

        @Override
        public void run() {
            AutoStarting service = CURRENT.get()::run;
            service.start();
        }
    }

    public interface AutoStarting {
        void start();
    }

    @Test
    void aClassThatOnlyNamesRecordedTypesOrMethodsIsLeftAsItCame() throws IOException {
        assertNull(transformer.transform(null, "Lifecycle", null, null, bytes(Lifecycle.class)));
    }

    @Test
    void garbageIsLeftToTheLoaderAsItCame() {
        assertNull(transformer.transform(null, "Garbage", null, null, new byte[] {1, 2, 3, 4, 5}));
    }

    @Test
    void aClassFileVersionItCannotParseIsLeftAsItCame() throws IOException {
        byte[] classfile = bytes(Starter.class);
        classfile[6] = 0x7f;
        assertNull(transformer.transform(null, "Future", null, null, classfile));
    }

    @Test
    void aClassThatMakesNothingLeakguardReportsIsLeftAsItCame() throws IOException {
        assertNull(transformer.transform(null, "Plain", null, null, bytes(SiteTransformerTest.class)));
    }

    @Test
    void aThreadStartedThroughItsOwnTypeIsInstrumented() throws IOException {
        assertNotNull(transformer.transform(null, "WorkerStarter", null, null, bytes(WorkerStarter.class)));
    }

    @Test
    void aSuperConstructorCallIsNotAConstruction() throws IOException {
        assertNull(transformer.transform(null, "OwnPool", null, null, bytes(OwnPool.class)));
    }

    @Test
    void instrumentedCodeBehavesAsBeforeAndRecordsItsLines() throws Exception {
        byte[] instrumented = transformer.transform(null, "Starter", null, null, bytes(Starter.class));
        assertNotNull(instrumented);
        Class<?> type = new ClassLoader(getClass().getClassLoader()) {
            Class<?> define() {
                return defineClass(Starter.class.getName(), instrumented, 0, instrumented.length);
            }
        }.define();
        Runnable starter = (Runnable) type.getConstructor().newInstance();
        starter.run();
        Thread thread = (Thread) type.getField("thread").get(starter);
        ExecutorService pool = (ExecutorService) type.getField("pool").get(starter);
        Worker worker = (Worker) type.getField("worker").get(starter);
        Engine engine = (Engine) type.getField("engine").get(starter);
        thread.join();
        worker.join();
        pool.shutdown();
        assertTrue(engine.started);
        assertNull(CreationSites.of(engine));
        String at = Starter.class.getName() + ".run(SiteTransformerTest.java:";
        assertTrue(CreationSites.of(thread).startsWith(at), CreationSites.of(thread));
        assertTrue(CreationSites.of(pool).startsWith(at), CreationSites.of(pool));
        int threadLine = line(CreationSites.of(thread));
        assertEquals(threadLine + 1, line(CreationSites.of(pool)));
        assertEquals(threadLine + 3, line(CreationSites.of(worker)));
    }

    @Test
    void theRecordDoesNotKeepTheObjectAlive() {
        WeakReference<Object> created = recorded();
        assertTrue(Gc.collected(created));
    }

    private static WeakReference<Object> recorded() {
        Object created = new Object();
        CreationSites.record(created, "a.B.c(B.java:1)");
        assertEquals("a.B.c(B.java:1)", CreationSites.of(created));
        return new WeakReference<>(created);
    }

    private static int line(String site) {
        return Integer.parseInt(site.substring(site.lastIndexOf(':') + 1, site.length() - 1));
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }
}
