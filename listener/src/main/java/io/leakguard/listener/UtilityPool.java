package io.leakguard.listener;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import org.apache.catalina.Server;
import org.apache.tomcat.util.threads.TaskThread;

/**
 * Tomcat's utility pool, the {@code Catalina-utility-N} threads of {@code StandardServer}: background processing
 * (session expiry, and with it the web application's session listeners), the deployer's checks, parallel starts and
 * stops. It is a JDK {@link ScheduledThreadPoolExecutor} whose core threads never time out, so a thread left holding a
 * web application holds it for the life of the server unless {@link UtilityRenewal} ends it.
 */
final class UtilityPool {

    private static final String THREAD_PREFIX = "Catalina-utility-";

    private final ScheduledThreadPoolExecutor pool;

    private UtilityPool(ScheduledThreadPoolExecutor pool) {
        this.pool = pool;
    }

    /**
     * The server's utility pool, when leakguard can reach it. The server hands out only Tomcat's wrapper around it (the
     * same object for the life of the server's start: {@code setUtilityThreads} resizes, never replaces), and the
     * wrapper keeps the JDK pool in a protected field, a Tomcat member rather than a JDK one.
     */
    static Optional<UtilityPool> of(Server server) {
        ScheduledExecutorService handedOut = server.getUtilityExecutor();
        if (!(handedOut instanceof org.apache.tomcat.util.threads.ScheduledThreadPoolExecutor wrapper)) {
            return Optional.empty();
        }
        try {
            Field wrapped = org.apache.tomcat.util.threads.ScheduledThreadPoolExecutor.class
                    .getDeclaredField("executor");
            wrapped.setAccessible(true);
            return wrapped.get(wrapper) instanceof ScheduledThreadPoolExecutor pool
                    ? Optional.of(new UtilityPool(pool)) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A Tomcat that keeps its pool elsewhere: its threads are then reported as not renewable.
            return Optional.empty();
        }
    }

    /** Whether the thread is a utility thread, told by the name Tomcat gives them. */
    static boolean named(Thread thread) {
        return thread instanceof TaskThread && thread.getName().startsWith(THREAD_PREFIX);
    }

    /**
     * Ends each of these threads after its current task, the pool starting a fresh one in its place through
     * {@code clean}.
     */
    void renew(String webapp, List<Thread> threads, Duration within, CleanThreads clean) {
        new UtilityRenewal(pool, webapp, threads, within, clean).start();
    }

    /** The factory the pool makes its threads with. */
    ThreadFactory threadFactory() {
        return pool.getThreadFactory();
    }
}
