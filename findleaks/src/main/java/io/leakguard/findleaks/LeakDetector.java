package io.leakguard.findleaks;

import io.leakguard.cleanup.LoadedClasses;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows every stopped web application whose class loader is still in memory. Tomcat's "Find leaks" calls
 * {@code System.gc()} once and lists every stopped application whose loader is still in memory: under
 * {@code -XX:+DisableExplicitGC} nothing is collected, so it lists applications a collection would free; it also
 * lists loaders that are only softly reachable; and it never says why. Here collection is forced with escalation
 * ({@link ForcedGc}), loaders are watched through a reference queue, and a survivor counts as leaked only when a heap
 * dump shows a strong chain from a GC root to it ({@link HeapExplainer}), which is also its explanation.
 *
 * <p>A watchdog checks each loader once, a while after its application stopped, and logs one warning if it is still
 * there. Thread-safe; one check or explanation runs at a time.
 */
public final class LeakDetector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.leakguard.findleaks");
    public static final Duration DEFAULT_WATCHDOG_DELAY = Duration.ofSeconds(60);

    private final ForcedGc gc;
    private final Explainer explainer;
    private final Clock clock;
    private final ReferenceQueue<ClassLoader> collectedLoaders = new ReferenceQueue<>();
    private final Map<Long, TrackedLoader> tracked = new ConcurrentHashMap<>();
    /**
     * Unique in the JVM, not per detector: a heap dump finds a loader by its tracker's serial, and the listener's
     * detector and another (the command line's, a test's) may watch loaders in the same JVM.
     */
    private static final AtomicLong SERIALS = new AtomicLong();
    private final AtomicLong stopped = new AtomicLong();
    private final AtomicLong collected = new AtomicLong();
    private final AtomicLong checks = new AtomicLong();
    private final ReentrantLock checking = new ReentrantLock();
    private final ScheduledThreadPoolExecutor watchdog;
    private final Duration watchdogDelay;
    private volatile Check lastCheck;

    /** One finished check: the stopped applications it found in memory, oldest stop first, and when it ended. */
    public record Check(List<LeakedWebapp> leaks, Instant finished) {
    }

    /** @param watchdogDelay how long after a stop its loader is checked and, if still there, reported; zero: never */
    public LeakDetector(Duration watchdogDelay) {
        this(watchdogDelay, ForcedGc.standard(), HeapExplainer.standard(), Clock.systemUTC());
    }

    LeakDetector(Duration watchdogDelay, ForcedGc gc, Explainer explainer, Clock clock) {
        this.watchdogDelay = watchdogDelay;
        this.gc = gc;
        this.explainer = explainer;
        this.clock = clock;
        this.watchdog = new ScheduledThreadPoolExecutor(1, LeakDetector::watchdogThread);
        watchdog.setRemoveOnCancelPolicy(true);
        // Started now, from the thread that builds the detector at server start, so the thread never inherits
        // anything from a stopping application's thread (its context loader, its access control context).
        watchdog.prestartCoreThread();
    }

    public static LeakDetector standard() {
        return new LeakDetector(DEFAULT_WATCHDOG_DELAY);
    }

    /** Called when a web application has stopped; its loader is watched from now on, never kept alive. */
    public void stopped(ClassLoader loader, String webapp, Instant started) {
        long serial = SERIALS.incrementAndGet();
        // LoadedClasses cannot read ClassLoader.classes where the JDK hides it from reflection: the count is unknown.
        int classes = LoadedClasses.CLASSES.available() ? LoadedClasses.of(loader).size() : -1;
        tracked.put(serial, new TrackedLoader(loader, collectedLoaders, serial, webapp, started, clock.instant(),
                classes));
        stopped.incrementAndGet();
        if (!watchdogDelay.isZero()) {
            watchdog.schedule(() -> watch(serial), watchdogDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The stopped applications still in memory after forced collection, oldest stop first. While another check or
     * explanation runs, returns the previous answer at once instead of queueing a second round of collections.
     */
    public List<LeakedWebapp> findLeaks() {
        if (!checking.tryLock()) {
            return lastLeaks();
        }
        try {
            return check();
        } finally {
            checking.unlock();
        }
    }

    /**
     * For callers anyone may send, such as the admin page: the last check if it ended less than {@code reuseWithin}
     * ago, else a new one. A caller that arrives while a check runs waits for it and gets its result, so that a burst
     * of requests costs one round of collections and a heap dump, not one each.
     */
    public Check recentCheck(Duration reuseWithin) throws InterruptedException {
        Instant arrived = clock.instant();
        Check last = lastCheck;
        if (last != null && arrived.isBefore(last.finished().plus(reuseWithin))) {
            return last;
        }
        checking.lockInterruptibly();
        try {
            last = lastCheck;
            if (last != null && arrived.isBefore(last.finished().plus(reuseWithin))) {
                return last;
            }
            check();
            return lastCheck;
        } finally {
            checking.unlock();
        }
    }

    /** The previous answer of {@link #findLeaks()}, without collecting. */
    public List<LeakedWebapp> lastLeaks() {
        Check last = lastCheck;
        return last == null ? List.of() : last.leaks();
    }

    /** The last check, by whoever asked for it; empty before the first. */
    public Optional<Check> lastCheck() {
        return Optional.ofNullable(lastCheck);
    }

    /**
     * Why the most recently stopped application of that name is still in memory, from a fresh heap dump. Empty when
     * no such application is strongly held (collected, never stopped, or only softly or weakly reachable).
     *
     * @throws IllegalStateException while another check or explanation runs, or when the heap cannot be dumped
     */
    public Optional<LeakPath> explain(String webapp) {
        if (!checking.tryLock()) {
            throw new IllegalStateException("another Find leaks run is in progress; try again when it is done");
        }
        try {
            check();
            Optional<TrackedLoader> latest = tracked.values().stream()
                    .filter(t -> t.webapp.equals(webapp) && t.listed())
                    .max(Comparator.comparingLong(t -> t.serial));
            long thisCheck = checks.get();
            return latest.flatMap(t -> t.pathCheck == thisCheck && t.path != null ? Optional.of(t.path)
                    : explainer.explain(List.of(t)).get(t.serial));
        } finally {
            checking.unlock();
        }
    }

    public long stoppedCount() {
        return stopped.get();
    }

    public long collectedCount() {
        return collected.get();
    }

    /** How many stopped applications the last check found in memory. */
    public int leakedCount() {
        return lastLeaks().size();
    }

    /** How many checks ran, each a round of forced collections when any stopped loader was still watched. */
    public long checkCount() {
        return checks.get();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /**
     * Collects, then looks in a heap dump for what holds each new survivor. A loader that survives collections may
     * still be only softly reachable (a JDK cache) and go when memory runs short: only a strong chain from a GC root
     * makes it a leak. Loaders proven held before only need the plain collection to see whether they went since.
     */
    private List<LeakedWebapp> check() {
        long thisCheck = checks.incrementAndGet();
        forgetCollected();
        if (tracked.isEmpty()) {
            return finished(List.of());
        }
        gc.until(() -> {
            forgetCollected();
            return tracked.values().stream().allMatch(TrackedLoader::confirmed);
        });
        List<TrackedLoader> survivors = tracked.values().stream().filter(t -> !t.confirmed()).toList();
        if (!survivors.isEmpty()) {
            try {
                Map<Long, Optional<LeakPath>> paths = explainer.explain(survivors);
                for (TrackedLoader survivor : survivors) {
                    survivor.path = paths.get(survivor.serial).orElse(null);
                    survivor.pathCheck = thisCheck;
                    survivor.unverified = null;
                }
            } catch (IllegalStateException e) {
                survivors.forEach(t -> t.unverified = e.getMessage());
            } catch (RuntimeException e) {
                // A dump laid out as the reader does not expect, or a bug of the reader's: the check still answers,
                // and only the server's log, never a Find leaks response, gets the stack trace.
                LOG.error("leakguard: Find leaks could not analyse the heap dump", e);
                survivors.forEach(t -> t.unverified = "the analysis of the heap dump failed: " + e);
            }
        }
        return finished(tracked.values().stream().filter(TrackedLoader::listed).map(TrackedLoader::leak)
                .sorted(Comparator.comparing(LeakedWebapp::stopped)).toList());
    }

    private List<LeakedWebapp> finished(List<LeakedWebapp> leaks) {
        lastCheck = new Check(leaks, clock.instant());
        return leaks;
    }

    private void forgetCollected() {
        Reference<? extends ClassLoader> gone;
        while ((gone = collectedLoaders.poll()) != null) {
            forget((TrackedLoader) gone);
        }
        // A collection clears a phantom reference at once, but the JDK's reference handler queues it a moment later:
        // a check right after a collection must not list a loader proven held before that is gone by now.
        for (TrackedLoader loader : tracked.values()) {
            if (loader.refersTo(null)) {
                forget(loader);
            }
        }
    }

    private void forget(TrackedLoader loader) {
        if (tracked.remove(loader.serial) != null) {
            collected.incrementAndGet();
        }
    }

    private void watch(long serial) {
        if (!tracked.containsKey(serial)) {
            return;
        }
        checking.lock();
        try {
            check();
            TrackedLoader loader = tracked.get(serial);
            if (loader != null && loader.listed() && !loader.warned) {
                loader.warned = true;
                LOG.warn("leakguard: [{}] still in memory {} s after it stopped: its class loader{} survived forced "
                        + "garbage collection; held by {}", loader.webapp,
                        Duration.between(loader.stopped, clock.instant()).toSeconds(),
                        loader.loadedClasses < 0 ? "" : " and its " + loader.loadedClasses + " classes",
                        loader.leak().heldBy());
            }
        } catch (RuntimeException e) {
            LOG.error("leakguard: the leak watchdog failed", e);
        } finally {
            checking.unlock();
        }
    }

    private static Thread watchdogThread(Runnable task) {
        Thread thread = new Thread(null, task, "leakguard-leak-watchdog", 0, false);
        thread.setDaemon(true);
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        return thread;
    }

    /**
     * Finds what holds each surviving loader, by serial; empty for one no strong chain reaches. A heap dump in
     * production, a stand-in in tests.
     *
     * @throws IllegalStateException when it cannot look (no room for a dump)
     */
    @FunctionalInterface
    interface Explainer {
        Map<Long, Optional<LeakPath>> explain(List<TrackedLoader> loaders);
    }
}
