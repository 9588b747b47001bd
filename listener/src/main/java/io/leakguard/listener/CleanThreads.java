package io.leakguard.listener;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
 *
 * <p>A pool makes its threads this way only while a renewal holds a {@link Lease} on it. Two web applications that
 * stop at once renew the same pool at once, and a renewal may end before the other's threads are replaced: the factory
 * the pool had before the first lease is put back when the last one ends, or when the server is destroyed.
 */
final class CleanThreads implements AutoCloseable {

    /** Making a thread takes well under a millisecond; a maker stuck longer than this is not waited for. */
    private static final long WAIT_AT_MOST_SECONDS = 5;

    private final ThreadPoolExecutor maker;
    /** Per pool that makes its threads here: the factory it had before, and how many renewals still need this. */
    private final Map<Object, Leased> leased = new IdentityHashMap<>();

    private record Leased(ThreadFactory original, Consumer<ThreadFactory> setFactory, int leases) {
    }

    /** One renewal's need of clean threads in one pool; ending it twice counts once. */
    interface Lease {
        void end();
    }

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

    /**
     * Has {@code pool} make its threads through {@link #around} until this lease and every other one on it has ended;
     * {@code factory} and {@code setFactory} read and set the pool's factory.
     */
    Lease lease(Object pool, Supplier<ThreadFactory> factory, Consumer<ThreadFactory> setFactory) {
        synchronized (leased) {
            Leased before = leased.get(pool);
            if (before == null) {
                ThreadFactory original = factory.get();
                setFactory.accept(around(original));
                leased.put(pool, new Leased(original, setFactory, 1));
            } else {
                leased.put(pool, new Leased(before.original(), setFactory, before.leases() + 1));
            }
        }
        AtomicBoolean ended = new AtomicBoolean();
        return () -> {
            if (ended.compareAndSet(false, true)) {
                end(pool);
            }
        };
    }

    private void end(Object pool) {
        synchronized (leased) {
            Leased current = leased.get(pool);
            if (current == null) {
                // Given back already, when the server was destroyed.
                return;
            }
            if (current.leases() == 1) {
                leased.remove(pool);
                current.setFactory().accept(current.original());
            } else {
                leased.put(pool, new Leased(current.original(), current.setFactory(), current.leases() - 1));
            }
        }
    }

    private Thread make(ThreadFactory poolFactory, Runnable task) {
        Future<Thread> made;
        try {
            made = maker.submit(() -> poolFactory.newThread(task));
        } catch (RejectedExecutionException e) {
            // The server is being destroyed, and every pool with it.
            return poolFactory.newThread(task);
        }
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_AT_MOST_SECONDS);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return made.get(giveUpAt - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    // A worker ending for renewal may carry an interrupt (Tomcat's pool wakes idle workers so): its
                    // replacement is still made on the maker, within the same bound, and the interrupt is kept.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            // What the pool's factory threw, as it would have thrown it on the asking thread.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e.getCause();
        } catch (TimeoutException e) {
            // A pool short of a thread would queue requests for longer; one inherited leak is the lesser harm.
            made.cancel(false);
            return poolFactory.newThread(task);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        synchronized (leased) {
            leased.values().forEach(pool -> pool.setFactory().accept(pool.original()));
            leased.clear();
        }
        maker.shutdownNow();
    }
}
