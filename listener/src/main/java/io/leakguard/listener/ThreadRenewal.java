package io.leakguard.listener;

import io.leakguard.cleanup.LiveThreads;
import io.leakguard.cleanup.Outcome;
import io.leakguard.cleanup.Report;
import io.leakguard.cleanup.ReportLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Server;

/**
 * Renews the pooled threads that still hold a stopped web application. The engine already removes what it can reach
 * (ThreadLocal entries, above all); renewal is for what it reported but left in place ({@code warn} mode, a walk
 * that ran out of budget), which only the end of the thread releases.
 *
 * <p>Tomcat pools renew by age only, so leakguard chooses the pools, not the threads: a pool is renewed when one of
 * its threads holds an unfixed finding ({@code renewal=leaks}), or after every stop ({@code renewal=always}). While it
 * renews, the pool's renewal delay is lowered to {@code renewalDelayMillis} and put back once every thread older than
 * the stop is gone, or after {@link #WATCH_AT_MOST_MILLIS} when the pool stays idle (idle threads renew only after
 * their next task); meanwhile the pool makes its new threads through {@link CleanThreads}, since it would otherwise
 * make each replacement on the thread it replaces, which hands it that thread's inheritable ThreadLocals. Tomcat's
 * utility pool has no renewal of its own: {@link UtilityPool} ends its threads one by one, its new threads made
 * through {@link CleanThreads} the same way.
 */
final class ThreadRenewal implements AutoCloseable {

    private static final long WATCH_EVERY_MILLIS = 250;
    private static final long WATCH_AT_MOST_MILLIS = 10 * 60_000;

    private final Server server;
    private final Renewal mode;
    private final long delayMillis;
    private final CleanThreads cleanThreads;
    /** Per pool being renewed: the delay it had before, and the newest renewal that watches it. */
    private final Map<Object, Pending> pending = new IdentityHashMap<>();

    private record Pending(long originalDelay, long since) {
    }

    /** Made as the server starts, before any web application: {@link CleanThreads} starts its thread here. */
    ThreadRenewal(Server server, Renewal mode, long delayMillis) {
        this.server = server;
        this.mode = mode;
        this.delayMillis = delayMillis;
        this.cleanThreads = mode == Renewal.OFF ? null : new CleanThreads();
    }

    /** Acts on the report of a context that is stopping. */
    void after(Report report) {
        // A server that is stopping ends every pool anyway.
        if (mode == Renewal.OFF || server.getState().compareTo(LifecycleState.STOPPING_PREP) >= 0) {
            return;
        }
        Set<String> holderNames = report.findings().stream().filter(f -> f.outcome() != Outcome.FIXED)
                .flatMap(f -> f.threads().stream()).collect(Collectors.toSet());
        if (mode == Renewal.LEAKS && holderNames.isEmpty()) {
            return;
        }
        List<Thread> holders = new ArrayList<>();
        for (Thread thread : LiveThreads.all()) {
            if (holderNames.contains(thread.getName())) {
                holders.add(thread);
            }
        }
        List<String> renewed = new ArrayList<>();
        for (PooledExecutor pool : PooledExecutor.of(server)) {
            boolean holds = holders.removeIf(pool::owns);
            if ((mode == Renewal.ALWAYS || holds) && renew(pool, report.webapp())) {
                renewed.add(pool.name);
            }
        }
        if (!renewed.isEmpty()) {
            ReportLog.logger().info("leakguard: [{}] renewing the threads of {}, one every {} ms, as each ends its "
                    + "current task", report.webapp(), renewed, delayMillis);
        }
        UtilityPool.of(server).ifPresent(utility -> renewUtilityThreads(utility, holders, report.webapp()));
        if (!holders.isEmpty()) {
            // Named by a leak left unfixed, not proven to hold the application still: another check may have cut
            // what tied them to it (a pool's threads whose context class loader was reset, say).
            ReportLog.logger().warn("leakguard: [{}] threads {} took part in leaks that were not fixed and belong to "
                    + "no pool leakguard can renew; they are left running, and whatever of the web application they "
                    + "still hold stays in memory until they end",
                    report.webapp(), holders.stream().map(Thread::getName).sorted().toList());
        }
    }

    /**
     * The utility pool renews thread by thread rather than by age: its threads are few and all alike, and ending one
     * that holds nothing gains nothing. It takes the utility threads out of {@code holders}.
     */
    private void renewUtilityThreads(UtilityPool utility, List<Thread> holders, String webapp) {
        List<Thread> ending = new ArrayList<>();
        if (mode == Renewal.ALWAYS) {
            Arrays.stream(LiveThreads.all()).filter(UtilityPool::named).forEach(ending::add);
        } else {
            holders.stream().filter(UtilityPool::named).forEach(ending::add);
        }
        holders.removeIf(UtilityPool::named);
        if (!ending.isEmpty()) {
            utility.renew(webapp, ending, Duration.ofMillis(WATCH_AT_MOST_MILLIS), cleanThreads);
        }
    }

    private boolean renew(PooledExecutor pool, String webapp) {
        long since = System.currentTimeMillis();
        Optional<CleanThreads.Lease> clean;
        synchronized (pending) {
            Pending before = pending.get(pool.pool());
            long original = before == null ? pool.renewalDelay() : before.originalDelay();
            if (original < 0) {
                ReportLog.logger().info("leakguard: [{}] pool {} has thread renewal switched off "
                        + "(threadRenewalDelay < 0); not renewed", webapp, pool.name);
                return false;
            }
            clean = pool.newThreadsThrough(cleanThreads);
            pending.put(pool.pool(), new Pending(original, since));
            pool.renewalDelay(Math.min(original, delayMillis));
            pool.renewThreadsOlderThanNow();
        }
        watch(pool, since, since + WATCH_AT_MOST_MILLIS, clean);
        return true;
    }

    private void watch(PooledExecutor pool, long since, long giveUpAt, Optional<CleanThreads.Lease> clean) {
        boolean done = !pool.hasThreadsCreatedBefore(since, List.of(LiveThreads.all()))
                || System.currentTimeMillis() > giveUpAt;
        ScheduledExecutorService utility = server.getUtilityExecutor();
        if (!done && utility != null) {
            try {
                utility.schedule(() -> watch(pool, since, giveUpAt, clean), WATCH_EVERY_MILLIS,
                        TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException e) {
                // The server is stopping: its pools end with it, so the delay and factory are put back at once.
            }
        }
        synchronized (pending) {
            Pending current = pending.get(pool.pool());
            if (current != null && current.since() == since) {
                pending.remove(pool.pool());
                pool.renewalDelay(current.originalDelay());
            }
        }
        clean.ifPresent(CleanThreads.Lease::end);
    }

    @Override
    public void close() {
        if (cleanThreads != null) {
            cleanThreads.close();
        }
    }
}
