package io.leakguard.listener;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Has a pool's new threads made on one thread of leakguard's own, so that they inherit nothing from the thread that
 * asked for them.
 *
 * <p>A new thread copies its creator's inheritable ThreadLocals and, before JDK 24, its inherited access control
 * context (whose protection domains hold their class loaders). Tomcat's pools create a thread's replacement on the
 * thread that ends, so a renewed thread would hand what pins a stopped web application straight to its replacement.
 * The maker thread is started with the server, before any web application, and copies no inheritable ThreadLocal even
 * from the thread that starts it. The pool's own factory still makes each thread, so its type, name, priority and
 * context class loader stay the pool's.
 */
final class CleanThreads implements AutoCloseable {

    /** Making a thread takes well under a millisecond; a maker stuck longer than this is not waited for. */
    private static final long WAIT_AT_MOST_SECONDS = 5;

    private final ThreadPoolExecutor maker;

    CleanThreads() {
        ClassLoader own = CleanThreads.class.getClassLoader();
        maker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(null, task, "leakguard-thread-maker", 0, false);
            thread.setDaemon(true);
            // A pool factory that sets none gives its threads their creator's.
            thread.setContextClassLoader(own);
            return thread;
        });
        // Now, on the thread that starts the server: started later, the maker would be made by the thread asking.
        maker.prestartAllCoreThreads();
    }

    /** A factory that has {@code poolFactory} make each thread on the maker thread. */
    ThreadFactory around(ThreadFactory poolFactory) {
        return task -> make(poolFactory, task);
    }

    private Thread make(ThreadFactory poolFactory, Runnable task) {
        Future<Thread> made;
        try {
            made = maker.submit(() -> poolFactory.newThread(task));
        } catch (RejectedExecutionException e) {
            // The server is being destroyed, and every pool with it.
            return poolFactory.newThread(task);
        }
        try {
            return made.get(WAIT_AT_MOST_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // What the pool's factory threw, as it would have thrown it on the asking thread.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
            // Asked to stop waiting: the pool still gets its thread, made its own way, and the interrupt is kept.
            Thread.currentThread().interrupt();
            return poolFactory.newThread(task);
        } catch (TimeoutException e) {
            // A pool short of a thread would queue requests for longer; one inherited leak is the lesser harm.
            made.cancel(false);
            return poolFactory.newThread(task);
        }
    }

    @Override
    public void close() {
        maker.shutdownNow();
    }
}
