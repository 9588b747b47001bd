package io.leakguard.listener;

import io.leakguard.cleanup.ReportLog;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.tomcat.util.threads.StopPooledThreadException;

/**
 * Ends chosen threads of Tomcat's utility pool, each between two of its tasks, and lets the pool start fresh ones.
 *
 * <p>A JDK {@link ScheduledThreadPoolExecutor} wraps every task it is given in a future that keeps what the task
 * throws, so no submitted task can end its thread the way Tomcat's own pools end theirs. This one is put into the
 * pool's queue as it is (the queue takes any {@link RunnableScheduledFuture}), so the worker that takes it runs it
 * unwrapped; when that worker is one to end, it throws Tomcat's {@link StopPooledThreadException} out of the worker's
 * loop. The JDK pool replaces a worker that ended by an exception at once; the queued tasks, periodic ones included,
 * stay queued for the other workers and the new one; and {@code TaskThread} swallows that exception without a trace, as
 * it does for Tomcat's own renewal. The queue, not leakguard, decides which worker takes it: any other worker puts it
 * back, and steps aside for a moment when a chosen thread waits idle in the queue, or else puts it back a little
 * later, until every chosen thread has taken it or ended, or the time is up. A busy thread takes it only once its
 * current task is over.
 *
 * <p>The pool makes the replacement on the thread that ends, after this task has thrown, and a new thread copies its
 * creator's inheritable ThreadLocals (and, before JDK 24, its inherited access control context): from start to end
 * the pool makes its threads through {@link CleanThreads} instead. Its own factory is given back only once every
 * ending thread has died, since a thread dies only after the pool has made its replacement.
 *
 * <p>Extends {@link FutureTask} for the future half the queue and the pool's shutdown use (cancel, done); its own
 * callable never runs.
 */
final class UtilityRenewal extends FutureTask<Void> implements RunnableScheduledFuture<Void> {

    private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long LAST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Ample for a signalled worker to take a due task from the queue. */
    private static final long STEP_ASIDE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final String QUEUE = "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue";

    private final ScheduledThreadPoolExecutor pool;
    private final String webapp;
    private final List<String> names;
    /** The chosen threads that have yet to take this task. */
    private final Set<Thread> ending;
    /** The chosen threads that have thrown, until they die: their replacement may not exist yet. */
    private final Set<Thread> replacing = new HashSet<>();
    private final Duration within;
    private final long giveUpAt;
    private final CleanThreads clean;
    private CleanThreads.Lease lease;
    private volatile long dueAt;
    private long retry = FIRST_RETRY_NANOS;

    UtilityRenewal(ScheduledThreadPoolExecutor pool, String webapp, List<Thread> threads, Duration within,
            CleanThreads clean) {
        super(() -> null);
        this.pool = pool;
        this.webapp = webapp;
        this.names = threads.stream().map(Thread::getName).sorted().toList();
        this.ending = new HashSet<>(threads);
        this.within = within;
        this.giveUpAt = System.nanoTime() + within.toNanos();
        this.clean = clean;
    }

    void start() {
        ReportLog.logger().info("leakguard: [{}] renewing Tomcat's utility threads {}, each as it ends its current "
                + "task", webapp, names);
        lease = clean.lease(pool, pool::getThreadFactory, pool::setThreadFactory);
        queue(0);
    }

    /** Runs on whichever utility thread took it from the queue; only one at a time, since it is queued once. */
    @Override
    public void run() {
        if (isDone()) {
            return;
        }
        Thread current = Thread.currentThread();
        boolean endsHere = ending.remove(current);
        ending.removeIf(thread -> !thread.isAlive());
        replacing.removeIf(thread -> !thread.isAlive());
        if (endsHere) {
            replacing.add(current);
        }
        boolean overdue = System.nanoTime() - giveUpAt > 0;
        if (ending.isEmpty() && (replacing.isEmpty() || overdue)) {
            finish();
            ReportLog.logger().info("leakguard: [{}] renewed Tomcat's utility threads {}", webapp, names);
        } else if (pool.isShutdown()) {
            // The server is stopping, and every utility thread ends with it.
            finish();
        } else if (overdue) {
            finish();
            ReportLog.logger().warn("leakguard: [{}] Tomcat's utility threads {} were still busy after {} s and were "
                    + "not renewed; what they hold of the web application stays in memory until they end", webapp,
                    ending.stream().map(Thread::getName).sorted().toList(),
                    within.toSeconds());
        } else if (!endsHere && aChosenThreadIsIdle()) {
            // The queue hands a due task to whichever waiting worker takes its lock first, most often the one that
            // queued it, which would take this task again and again: this one steps aside while the chosen one,
            // signalled by the queue, takes it.
            queue(0);
            LockSupport.parkNanos(STEP_ASIDE_NANOS);
        } else {
            // A chosen thread is busy, or the replacement of this one takes a moment to be made.
            long delay = endsHere && !ending.isEmpty() ? 0 : retry;
            retry = Math.min(retry * 2, LAST_RETRY_NANOS);
            // Last: once queued, another worker may take it and run it while this one is still ending.
            queue(delay);
        }
        if (endsHere) {
            throw new StopPooledThreadException("leakguard: renewing a utility thread that held a stopped web "
                    + "application");
        }
    }

    /** True when a chosen thread waits in the pool's queue for a task. */
    private boolean aChosenThreadIsIdle() {
        for (Thread thread : ending) {
            for (StackTraceElement frame : thread.getStackTrace()) {
                if (frame.getClassName().equals(QUEUE) && frame.getMethodName().equals("take")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The factory first, so that whoever waits for this renewal finds the pool as it was. */
    private void finish() {
        lease.end();
        set(null);
    }

    private void queue(long delayNanos) {
        dueAt = System.nanoTime() + delayNanos;
        pool.getQueue().add(this);
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(dueAt - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean isPeriodic() {
        return false;
    }
}
