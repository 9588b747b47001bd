package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import io.leakguard.sites.CreationSites;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * JDK thread pools (ThreadPoolExecutor, ScheduledThreadPoolExecutor, ForkJoinPool) with live threads that hold the
 * dying web application, found from their threads.
 *
 * <p>A pool is the web application's when its class, its thread factory or its threads' class is: it is shut down
 * with {@code shutdownNow()} and awaited for a bounded time. Any other pool may be shared with the server or other web
 * applications, so it is never shut down: the web application's queued tasks are cancelled and removed, and the pool is
 * reported. A pool that the web application keeps in a static field but builds from JDK parts
 * ({@code Executors.newFixedThreadPool}) falls in that second group: telling it apart from a shared library's pool
 * would mean reading the web application's static fields, which for a class not yet initialised runs its static
 * initialiser during undeploy, and no public API says whether a class is initialised. Its threads are reported, and
 * their context class loader is reset by {@link ForeignThreadContextLoaders}.
 */
final class WebappExecutors implements LeakCheck {

    /** A task no queue holds, whose equals is identity. */
    private static final Runnable NOT_QUEUED = () -> { };
    private static final String DELEGATED = "java.util.concurrent.Executors$DelegatedExecutorService";
    private static final Optional<InternalField> DELEGATE = JdkInternals.optionalField(DELEGATED, "e");
    private static final InternalField WORKER_POOL =
            JdkInternals.field("java.util.concurrent.ThreadPoolExecutor$Worker", "this$0");
    /** What getPool() returns, read without running it: a library's worker subclass may override it. */
    private static final InternalField FORK_JOIN_POOL =
            JdkInternals.field("java.util.concurrent.ForkJoinWorkerThread", "pool");
    private static final InternalField FUTURE_CALLABLE =
            JdkInternals.field("java.util.concurrent.FutureTask", "callable");
    private static final InternalField ADAPTED_RUNNABLE =
            JdkInternals.field("java.util.concurrent.Executors$RunnableAdapter", "task");

    @Override
    public String id() {
        return "executors";
    }

    @Override
    public String kind() {
        return "Executor";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        List<Internal> needs = new ArrayList<>(ThreadTies.needs());
        needs.addAll(List.of(WORKER_POOL, FORK_JOIN_POOL, FUTURE_CALLABLE, ADAPTED_RUNNABLE));
        return needs;
    }

    @Override
    public List<Improvement> improvedBy() {
        String adds = "a thread pool a web application built from JDK parts and keeps in a static field is shut down"
                + " instead of left running as maybe shared";
        return InitializedStatics.needs().stream().map(need -> new Improvement(need, adds)).toList();
    }

    @Override
    public void run(Scan scan) throws InterruptedException {
        // By identity: a web application's executor subclass might override equals and hashCode.
        Map<ExecutorService, List<Thread>> pools = new IdentityHashMap<>();
        for (Thread thread : LiveThreads.all()) {
            ExecutorService pool = poolOf(thread);
            if (pool != null && pool != ForkJoinPool.commonPool()) {
                pools.computeIfAbsent(pool, p -> new ArrayList<>()).add(thread);
            }
        }
        ThreadTies ties = new ThreadTies(scan);
        long deadline = System.nanoTime() + scan.policy().threadStopWait().toNanos();
        Map<Object, String> staticHolders = pools.isEmpty() ? Map.of() : staticHolders(scan);
        for (Map.Entry<ExecutorService, List<Thread>> each : pools.entrySet()) {
            ExecutorService pool = each.getKey();
            List<Thread> threads = each.getValue();
            String ownedBy = ownedBy(scan.ownership(), pool, threads, staticHolders);
            if (ownedBy != null) {
                shutDown(scan, pool, threads, ownedBy, deadline);
            } else {
                reportShared(scan, ties, pool, threads, deadline);
            }
        }
    }

    private static ExecutorService poolOf(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread) {
            return (ExecutorService) FORK_JOIN_POOL.get(thread);
        }
        return ThreadTies.inPool(thread) ? (ExecutorService) WORKER_POOL.get(ThreadTies.task(thread)) : null;
    }

    /**
     * The executors the application's static fields hold, by the field that holds each. A pool built from JDK parts
     * ({@code Executors.newFixedThreadPool} in a static field, the most common kind) has no other mark of its owner.
     */
    private static Map<Object, String> staticHolders(Scan scan) {
        if (!InitializedStatics.available()) {
            return Map.of();
        }
        Map<Object, String> holders = new IdentityHashMap<>();
        for (Class<?> type : InitializedStatics.classes(scan.loader())) {
            for (Field field : InitializedStatics.referenceFields(type)) {
                try {
                    if (field.get(null) instanceof ExecutorService pool) {
                        Object inner = unwrapped(pool);
                        holders.putIfAbsent(inner, type.getName() + "." + field.getName());
                        // Instrumented code saw only the wrapper an Executors factory returned; the pool behind it,
                        // which its threads name, was made by the same call.
                        if (inner != pool && CreationSites.of(inner) == null && CreationSites.of(pool) != null) {
                            CreationSites.record(inner, CreationSites.of(pool));
                        }
                    }
                } catch (IllegalAccessException e) {
                    // tryOpen said it was readable; a field that is not simply says nothing about executors.
                }
            }
        }
        return holders;
    }

    /**
     * The pool behind the wrapper some {@code Executors} factories return ({@code newSingleThreadExecutor},
     * {@code newSingleThreadScheduledExecutor}, {@code unconfigurable...}): its threads know only the pool.
     */
    private static Object unwrapped(ExecutorService pool) {
        if (DELEGATE.isEmpty() || !DELEGATE.get().available()) {
            return pool;
        }
        for (Class<?> type = pool.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(DELEGATED)) {
                return DELEGATE.get().get(pool);
            }
        }
        return pool;
    }

    private static String ownedBy(Ownership ownership, ExecutorService pool, List<Thread> threads,
            Map<Object, String> staticHolders) {
        if (ownership.owns(pool.getClass())) {
            return "whose class is the web application's";
        }
        Object factory = pool instanceof ThreadPoolExecutor executor ? executor.getThreadFactory()
                : ((ForkJoinPool) pool).getFactory();
        if (ownership.ownsObject(factory)) {
            return "whose thread factory " + Describe.object(factory) + " is the web application's";
        }
        Optional<String> threadClass = threads.stream().filter(thread -> ownership.owns(thread.getClass()))
                .findFirst()
                .map(thread -> "whose threads are of the web application's class " + thread.getClass().getName());
        if (threadClass.isPresent()) {
            return threadClass.get();
        }
        String holder = staticHolders.get(pool);
        // A static field alone could cache a library's shared pool; threads born under this application say it
        // was created here too.
        if (holder != null
                && threads.stream().allMatch(thread -> ownership.owns(ThreadAccess.contextClassLoader(thread)))) {
            return "held in the web application's static field " + holder + " and created by it";
        }
        return null;
    }

    private static void shutDown(Scan scan, ExecutorService pool, List<Thread> threads, String ownedBy, long deadline)
            throws InterruptedException {
        Scan.Leak leak = scan.leak(describe(pool, threads) + ", " + ownedBy).onThreads(names(threads))
                .createdAt(CreationSites.of(pool));
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        long start = System.nanoTime();
        AtomicInteger dropped = new AtomicInteger();
        // shutdownNow() interrupts the pool's threads, whose interrupt() an application's thread factory may have
        // made its own, closing what they block on, and the pool's shutdown hooks may be the application's too.
        BoundedCall shutdown = BoundedCall.run("leakguard-shut-down-pool", () -> dropped.set(pool.shutdownNow().size()),
                BoundedCall.left(deadline));
        if (!shutdown.returned()) {
            // Still running, it holds the pool's main lock, which awaitTermination() would wait for.
            leak.warned("its shutdownNow() " + shutdown.notReturned(scan.policy().threadStopWait()));
            return;
        }
        try {
            if (pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                leak.fixed("shut down with shutdownNow(), " + dropped.get() + " queued task(s) dropped");
            } else {
                leak.warned("still running after shutdownNow() and " + (System.nanoTime() - start) / 1_000_000
                        + " ms: one of its tasks ignores interrupts; shut it down in contextDestroyed: until its"
                        + " threads end they keep the web application's classes in memory");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Cut short, the wait says nothing of whether the pool's tasks heed interrupts.
            leak.warned("still running after shutdownNow() when the wait for it was interrupted after "
                    + (System.nanoTime() - start) / 1_000_000 + " ms: until its threads end they keep the web"
                    + " application's classes in memory");
        }
    }

    private static void reportShared(Scan scan, ThreadTies ties, ExecutorService pool, List<Thread> threads,
            long deadline) {
        List<Object> queued = queuedWebappTasks(scan.ownership(), pool);
        List<String> running = runningWebappCode(ties, threads);
        long carriers = threads.stream()
                .filter(thread -> scan.ownership().owns(ThreadAccess.contextClassLoader(thread))).count();
        if (queued.isEmpty() && running.isEmpty() && carriers == 0) {
            return;
        }
        Scan.Leak leak = scan.leak(describe(pool, threads) + ", not the web application's").onThreads(names(threads))
                .createdAt(CreationSites.of(pool));
        List<String> facts = new ArrayList<>();
        if (scan.fixing()) {
            Set<Object> removed = Collections.newSetFromMap(new IdentityHashMap<>());
            List<String> uncancelled = new ArrayList<>();
            // A task that runs right now is in no queue, and a periodic one puts itself back when the run ends: look
            // again until the web application's code has left the pool's threads or the wait is over.
            while (true) {
                for (Object task : queued) {
                    String failure = remove((ThreadPoolExecutor) pool, task);
                    if (failure != null) {
                        uncancelled.add(failure);
                    }
                }
                removed.addAll(queued);
                if (running.isEmpty() || System.nanoTime() - deadline > 0 || !pause()) {
                    break;
                }
                running = runningWebappCode(ties, threads);
                queued = queuedWebappTasks(scan.ownership(), pool);
            }
            if (!removed.isEmpty()) {
                facts.add(removed.size() + " queued task(s) of the web application cancelled and removed");
            }
            facts.addAll(uncancelled);
        } else if (!queued.isEmpty()) {
            facts.add(queued.size() + " queued task(s) of the web application left in its queue");
        }
        if (!running.isEmpty()) {
            facts.add("still running web application code on " + String.join(", ", running));
        }
        if (carriers > 0) {
            facts.add(carriers + " of its threads were created by the web application (they carry its context class"
                    + " loader)");
        }
        leak.warned("left running because it may be shared; " + String.join("; ", facts)
                + "; if the web application created it, shut it down in contextDestroyed");
    }

    private static List<String> runningWebappCode(ThreadTies ties, List<Thread> threads) {
        return threads.stream().filter(thread -> ties.webappFrame(thread).isPresent()).map(Thread::getName).toList();
    }

    /** A short pause while a task runs to its end; false when this thread is interrupted. */
    private static boolean pause() {
        try {
            Thread.sleep(10);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Queued tasks of the web application; a ForkJoinPool's queues cannot be read without running tasks. */
    private static List<Object> queuedWebappTasks(Ownership ownership, ExecutorService pool) {
        List<Object> tasks = new ArrayList<>();
        if (pool instanceof ThreadPoolExecutor executor) {
            for (Object task : executor.getQueue().toArray()) {
                if (ownership.ownsObject(unwrap(task))) {
                    tasks.add(task);
                }
            }
        }
        return tasks;
    }

    /**
     * The task a queued future was made from. Not a general reference walk: a scheduled future refers to its executor,
     * and through it to every other task, thread and factory, which would make any task look like anyone's.
     */
    private static Object unwrap(Object task) {
        Object inner = task;
        if (inner instanceof FutureTask<?>) {
            inner = FUTURE_CALLABLE.get(inner);
        }
        if (inner != null && inner.getClass().getName().equals("java.util.concurrent.Executors$RunnableAdapter")) {
            inner = ADAPTED_RUNNABLE.get(inner);
        }
        return inner;
    }

    /** Takes the task out of the pool's queue and cancels it; returns why it could not be cancelled, or null. */
    private static String remove(ThreadPoolExecutor pool, Object task) {
        // By identity: ThreadPoolExecutor.remove would run the equals of the application's task, which may fail on
        // what contextDestroyed closed and end the check with the pool's other tasks still queued.
        pool.getQueue().removeIf(queued -> queued == task);
        // What ThreadPoolExecutor.remove does next: lets a pool being shut down terminate once its queue is empty.
        // Asked for a task it does not hold, the queue compares with that task's equals, which is leakguard's own.
        pool.remove(NOT_QUEUED);
        // A periodic task would put itself back in the queue after a run in progress; cancelled, it does not.
        if (task instanceof Future<?> future) {
            try {
                future.cancel(false);
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                // The application's own Future, whose cancel() or done() may fail on what contextDestroyed closed.
                return Describe.object(task) + " was removed, but its cancel() threw " + Describe.failure(e);
            }
        }
        return null;
    }

    private static String describe(ExecutorService pool, List<Thread> threads) {
        return "executor " + Describe.object(pool) + " with " + threads.size() + " live thread(s) ("
                + String.join(", ", names(threads)) + ")";
    }

    private static List<String> names(List<Thread> threads) {
        return threads.stream().map(Thread::getName).collect(Collectors.toList());
    }
}
