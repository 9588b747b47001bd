package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.List;

/**
 * A thread's context class loader and stack, had without running a thread subclass's code. Thread's methods for them
 * may be overridden, by an application or a library, with code that fails (and ends a check with the other threads
 * unexamined) or blocks (and holds the pass and Tomcat's stop); so for any class but the JDK's, this reads and writes
 * what those methods would. A JDK subclass keeps its methods, which may refuse a loader on purpose.
 */
final class ThreadAccess {

    private static final InternalField CONTEXT_LOADER = JdkInternals.field("java.lang.Thread", "contextClassLoader");
    /** What {@code Thread.getAllStackTraces} asks the JVM, for the threads given; null for one that is not alive. */
    private static final InternalMethod DUMP_THREADS =
            JdkInternals.method("java.lang.Thread", "dumpThreads", Thread[].class);
    private static final StackTraceElement[] NO_FRAMES = {};

    private ThreadAccess() {
    }

    static List<Internal> needs() {
        return List.of(CONTEXT_LOADER, DUMP_THREADS);
    }

    static ClassLoader contextClassLoader(Thread thread) {
        return isJdks(thread) ? thread.getContextClassLoader() : (ClassLoader) CONTEXT_LOADER.get(thread);
    }

    static void setContextClassLoader(Thread thread, ClassLoader loader) {
        if (isJdks(thread)) {
            thread.setContextClassLoader(loader);
        } else {
            CONTEXT_LOADER.set(thread, loader);
        }
    }

    static StackTraceElement[] stackTrace(Thread thread) {
        if (isJdks(thread)) {
            return thread.getStackTrace();
        }
        StackTraceElement[] frames = ((StackTraceElement[][]) DUMP_THREADS.invoke(null,
                (Object) new Thread[] {thread}))[0];
        return frames == null ? NO_FRAMES : frames;
    }

    /** The JDK's classes are defined by the boot loader (null) or, in some of its modules, the platform loader. */
    private static boolean isJdks(Thread thread) {
        ClassLoader loader = thread.getClass().getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }
}
