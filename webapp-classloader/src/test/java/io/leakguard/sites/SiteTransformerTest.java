package io.leakguard.sites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.LiveThreads;
import io.leakguard.testing.Gc;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** What instrumentation does to a class, and what it must never do: change behaviour or keep an object alive. */
class SiteTransformerTest {

    /** The JVM's limit on the bytes of one method's code. */
    private static final int MAX_CODE_LENGTH = 65535;

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

    /** A timer is found by its thread, so that is what its constructor records. */
    public static final class OwnTimer extends Timer {

        public OwnTimer() {
            super("own-timer", true);
        }
    }

    /** A service started through its interface, and a ThreadLocal only read: names that are in the table, no call. */
    public static final class Lifecycle implements Runnable {

        private final ThreadLocal<Runnable> current;

        public Lifecycle(ThreadLocal<Runnable> current) {
            this.current = current;
        }

        @Override
        public void run() {
            AutoStarting service = current.get()::run;
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
    void aSubclassOfARecordedTypeRecordsItselfAtItsSuperConstructorCall() throws Exception {
        ExecutorService pool = (ExecutorService) instrumented(OwnPool.class).getConstructor().newInstance();
        pool.shutdown();
        assertEquals(OwnPool.class.getName() + ".<init>(SiteTransformerTest.java:" + (lineOf("super(1);") + 1) + ")",
                CreationSites.of(pool));
    }

    @Test
    void aTimerSubclassRecordsItsThread() throws Exception {
        Timer timer = (Timer) instrumented(OwnTimer.class).getConstructor().newInstance();
        Thread thread;
        try {
            thread = Arrays.stream(LiveThreads.all()).filter(t -> t.getName().equals("own-timer")).findFirst()
                    .orElseThrow();
        } finally {
            timer.cancel();
        }
        assertEquals(OwnTimer.class.getName() + ".<init>(SiteTransformerTest.java:"
                + (lineOf("super(\"own-timer\", true);") + 1) + ")", CreationSites.of(thread));
    }

    /**
     * One NOP short of the largest method the JVM takes, around a {@code Thread.start()}: rewritten, it would be too
     * large, so the class must load exactly as it came, and run.
     */
    @Test
    void aClassThatCannotBeTransformedStillLoadsAndWorks() throws Exception {
        byte[] classfile = tooLargeToInstrument();
        assertNull(transformer.transform(null, "Huge", null, null, classfile));
        Class<?> huge = define("Huge", classfile);
        ((Runnable) huge.getConstructor().newInstance()).run();
        Thread started = (Thread) huge.getField("started").get(null);
        started.join();
        assertEquals(Thread.State.TERMINATED, started.getState());
        assertNull(CreationSites.of(started));
    }

    @Test
    void instrumentedCodeBehavesAsBeforeAndRecordsItsLines() throws Exception {
        Class<?> type = instrumented(Starter.class);
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

    private Class<?> instrumented(Class<?> original) throws IOException {
        byte[] instrumented = transformer.transform(null, original.getSimpleName(), null, null, bytes(original));
        assertNotNull(instrumented);
        return define(original.getName(), instrumented);
    }

    private static Class<?> define(String name, byte[] classfile) {
        return new ClassLoader(SiteTransformerTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(name, classfile, 0, classfile.length);
            }
        }.define();
    }

    /** {@code public class Huge implements Runnable}, whose {@code run()} starts a thread it keeps in a static field. */
    private static byte[] tooLargeToInstrument() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "Huge", null, "java/lang/Object",
                new String[] {"java/lang/Runnable"});
        writer.visitSource("Huge.java", null);
        writer.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "started", "Ljava/lang/Thread;", null, null);
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor run = writer.visitMethod(Opcodes.ACC_PUBLIC, "run", "()V", null, null);
        run.visitCode();
        // new (3) dup (1) invokespecial (3) dup (1) putstatic (3) invokevirtual (3) return (1): 15 bytes of code.
        for (int i = 0; i < MAX_CODE_LENGTH - 15; i++) {
            run.visitInsn(Opcodes.NOP);
        }
        run.visitTypeInsn(Opcodes.NEW, "java/lang/Thread");
        run.visitInsn(Opcodes.DUP);
        run.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Thread", "<init>", "()V", false);
        run.visitInsn(Opcodes.DUP);
        run.visitFieldInsn(Opcodes.PUTSTATIC, "Huge", "started", "Ljava/lang/Thread;");
        run.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Thread", "start", "()V", false);
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /** The line of this test's source that holds {@code text}, counted from 0. */
    private static int lineOf(String text) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("src/test/java", SiteTransformerTest.class.getName()
                .replace('.', '/') + ".java"));
        return IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains(text)).findFirst().orElseThrow();
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
