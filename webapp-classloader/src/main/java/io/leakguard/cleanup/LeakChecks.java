package io.leakguard.cleanup;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of leak kinds, in the order a pass runs them: executors are shut down before the remaining web
 * application threads are interrupted (their workers are the executor's to stop), context class loaders are reset on
 * the threads that stay, threads are stopped before ThreadLocals are cleared so that a stopped thread cannot set its
 * entries again, and JVM-wide registrations come last.
 */
final class LeakChecks {

    static final List<LeakCheck> ALL = List.of(
            new WebappExecutors(),
            new WebappThreads(),
            new ForeignThreadContextLoaders(),
            new ThreadLocalEntries());

    private LeakChecks() {
    }

    static Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        ALL.forEach(check -> ids.add(check.id()));
        return ids;
    }
}
