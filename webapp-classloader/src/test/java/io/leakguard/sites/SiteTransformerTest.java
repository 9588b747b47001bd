package io.leakguard.sites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.LiveThreads;
import io.leakguard.testing.Gc;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
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
import org.objectweb.asm.ClassReader;
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

    /** Its constructor branches, so recording after its super(...) call cannot simply be inserted. */
    public static final class ChoosyTimer extends Timer {

        public ChoosyTimer(boolean quiet) {
            super(quiet ? "choosy-quiet" : "choosy-loud", true);
        }
    }

    /** Records itself after super(), which moves the calls after it, in its constructor and in its other method. */
    public static final class WatchedLocal extends ThreadLocal<String> {

        public final Thread watcher = new Thread(() -> { });
        public final Thread later = new Thread(() -> { });

        public WatchedLocal() {
            watcher.start();
        }

        public void startLater() {
            later.start();
        }
    }

    /** Serializable without a serialVersionUID: the JVM computes it from the class's members. */
    public static final class Job implements Runnable, Serializable {

        @Override
        public void run() {
            ThreadLocal.withInitial(Object::new).get();
        }
    }

    /** A construction whose arguments branch: a stack map frame holds the timer while it is not initialised yet. */
    public static final class TimerMaker {

        public Timer make(boolean quiet) {
            return new Timer(quiet ? "quiet-timer" : "loud-timer", true);
        }
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
        assertNull(transformer.transform(null, "Engine", null, null, bytes(Engine.class)));
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
    void callsAfterAnInsertedRecordingArePatchedWhereTheyMovedTo() throws Exception {
        Class<?> type = instrumented(WatchedLocal.class);
        assertTrue(stubs(type) > 0);
        Object local = type.getConstructor().newInstance();
        type.getMethod("startLater").invoke(local);
        Thread watcher = (Thread) type.getField("watcher").get(local);
        Thread later = (Thread) type.getField("later").get(local);
        watcher.join();
        later.join();
        String at = WatchedLocal.class.getName();
        assertEquals(at + ".<init>(SiteTransformerTest.java:" + (lineOf("public WatchedLocal()") + 1) + ")",
                CreationSites.of(local));
        assertEquals(at + ".<init>(SiteTransformerTest.java:" + (lineOf("watcher.start();") + 1) + ")",
                CreationSites.of(watcher));
        assertEquals(at + ".startLater(SiteTransformerTest.java:" + (lineOf("later.start();") + 1) + ")",
                CreationSites.of(later));
    }

    @Test
    void aTimerSubclassRecordsItsThread() throws Exception {
        Timer timer = (Timer) instrumented(OwnTimer.class).getConstructor().newInstance();
        assertEquals(OwnTimer.class.getName() + ".<init>(SiteTransformerTest.java:"
                + (lineOf("super(\"own-timer\", true);") + 1) + ")", siteOfThread(timer, "own-timer"));
    }

    /**
     * A ThreadLocal subclass whose constructor is one instruction short of the largest method the JVM takes: its
     * {@code super()} call must record {@code this} after it returns, which needs instructions added, so the class
     * must load exactly as it came, and work.
     */
    @Test
    void aClassThatCannotBeTransformedStillLoadsAndWorks() throws Exception {
        byte[] classfile = tooLargeToInstrument();
        assertNull(transformer.transform(null, "Huge", null, null, classfile));
        @SuppressWarnings("unchecked")
        ThreadLocal<String> huge = (ThreadLocal<String>) define("Huge", classfile).getConstructor().newInstance();
        huge.set("works");
        assertEquals("works", huge.get());
        huge.remove();
        assertNull(CreationSites.of(huge));
    }

    /** Patched in place, a call is recorded even in a method already as large as the JVM takes. */
    @Test
    void aMethodAtTheSizeLimitIsStillInstrumented() throws Exception {
        Class<?> full = define("Full", instrumented("Full", fullMethodStartingAThread()));
        ((Runnable) full.getConstructor().newInstance()).run();
        Thread started = (Thread) full.getField("started").get(null);
        started.join();
        assertEquals("Full.run(Full.java)", CreationSites.of(started));
    }

    /**
     * Class files spell names in their own UTF-8, in which a NUL and a character outside the basic plane differ from
     * standard UTF-8: the site must still name the class and file as Java does.
     */
    @Test
    void aSiteNamesAClassAndFileOutsideAsciiAsJavaDoes() throws Exception {
        String name = "Z\u00e4hler\ud83d\ude00";
        String source = "Z\u00e4hler\u0000\ud83d\ude00.java";
        Class<?> counter = define(name, instrumented(name, startingAThread(name, source, 0)));
        assertTrue(stubs(counter) > 0);
        ((Runnable) counter.getConstructor().newInstance()).run();
        Thread started = (Thread) counter.getField("started").get(null);
        started.join();
        assertEquals(name + ".run(" + source + ")", CreationSites.of(started));
    }

    @Test
    void callsArePatchedInPlaceThroughStubsOfTheClass() throws Exception {
        assertTrue(stubs(instrumented(Starter.class)) > 0);
    }

    @Test
    void aSubclassWhoseConstructorBranchesIsRewrittenWithAsmAndRecordsItself() throws Exception {
        Timer timer = (Timer) instrumented(ChoosyTimer.class).getConstructor(boolean.class).newInstance(true);
        assertEquals(ChoosyTimer.class.getName() + ".<init>(SiteTransformerTest.java:"
                + (lineOf("super(quiet ? \"choosy-quiet\"") + 1) + ")", siteOfThread(timer, "choosy-quiet"));
    }

    @Test
    void aSerializableClassKeepsItsSerialVersionUid() throws Exception {
        Class<?> instrumented = instrumented(Job.class);
        assertTrue(stubs(instrumented) > 0);
        assertEquals(ObjectStreamClass.lookup(Job.class).getSerialVersionUID(),
                ObjectStreamClass.lookup(instrumented).getSerialVersionUID());
    }

    @Test
    void aConstructionWhoseArgumentsBranchIsRewrittenWithAsmAndRecorded() throws Exception {
        Class<?> maker = instrumented(TimerMaker.class);
        assertEquals(0, stubs(maker));
        Timer timer = (Timer) maker.getMethod("make", boolean.class).invoke(maker.getConstructor().newInstance(), true);
        assertEquals(TimerMaker.class.getName() + ".make(SiteTransformerTest.java:"
                + (lineOf("return new Timer(quiet ?") + 1) + ")", siteOfThread(timer, "quiet-timer"));
    }

    /** Both ways of instrumenting must take the same classes; this fails when ASM's newest format moves. */
    @Test
    void theNewestClassFileVersionPatchedIsTheNewestAsmReads() throws IOException {
        byte[] classfile = bytes(Starter.class);
        classfile[6] = (byte) (ClassBytes.NEWEST_VERSION >> 8);
        classfile[7] = (byte) ClassBytes.NEWEST_VERSION;
        new ClassReader(classfile);
        classfile[7]++;
        assertThrows(IllegalArgumentException.class, () -> new ClassReader(classfile));
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
        return define(original.getName(), instrumented(original.getSimpleName(), bytes(original)));
    }

    private byte[] instrumented(String name, byte[] classfile) {
        byte[] instrumented = transformer.transform(null, name, null, null, classfile);
        assertNotNull(instrumented);
        return instrumented;
    }

    /** Where the timer's thread, named {@code name}, was recorded; the timer is cancelled. */
    private static String siteOfThread(Timer timer, String name) {
        try {
            return CreationSites.of(Arrays.stream(LiveThreads.all()).filter(t -> t.getName().equals(name)).findFirst()
                    .orElseThrow());
        } finally {
            timer.cancel();
        }
    }

    private static long stubs(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(method -> method.isSynthetic() && method.getName().startsWith(SiteStubs.PREFIX)).count();
    }

    private static Class<?> define(String name, byte[] classfile) {
        return new ClassLoader(SiteTransformerTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(name, classfile, 0, classfile.length);
            }
        }.define();
    }

    /** {@code public class Huge extends ThreadLocal}, whose constructor is as large as a method can be. */
    private static byte[] tooLargeToInstrument() {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "Huge", null, "java/lang/ThreadLocal", null);
        writer.visitSource("Huge.java", null);
        MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        // aload_0 (1) invokespecial (3) return (1): 5 bytes of code.
        for (int i = 0; i < MAX_CODE_LENGTH - 5; i++) {
            init.visitInsn(Opcodes.NOP);
        }
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/ThreadLocal", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }

    /**
     * {@code public class Full implements Runnable}, whose {@code run()} is as large as a method can be and starts a
     * thread it keeps in a static field.
     */
    private static byte[] fullMethodStartingAThread() {
        // new (3) dup (1) invokespecial (3) dup (1) putstatic (3) invokevirtual (3) return (1): 15 bytes of code.
        return startingAThread("Full", "Full.java", MAX_CODE_LENGTH - 15);
    }

    /**
     * {@code public class <name> implements Runnable}, compiled from {@code source}, whose {@code run()} starts a
     * thread it keeps in a static field after {@code padding} no-ops.
     */
    private static byte[] startingAThread(String name, String source, int padding) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object",
                new String[] {"java/lang/Runnable"});
        writer.visitSource(source, null);
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
        for (int i = 0; i < padding; i++) {
            run.visitInsn(Opcodes.NOP);
        }
        run.visitTypeInsn(Opcodes.NEW, "java/lang/Thread");
        run.visitInsn(Opcodes.DUP);
        run.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Thread", "<init>", "()V", false);
        run.visitInsn(Opcodes.DUP);
        run.visitFieldInsn(Opcodes.PUTSTATIC, name, "started", "Ljava/lang/Thread;");
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
        try (InputStream in = type.getResourceAsStream(
                type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }
}
