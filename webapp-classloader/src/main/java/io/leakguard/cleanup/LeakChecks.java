package io.leakguard.cleanup;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of leak kinds, in the order a pass runs them: threads are stopped before ThreadLocals are cleared so
 * that a stopped thread cannot set its entries again, JVM-wide registrations come next, and large static fields come
 * last, since they only matter for memory when one of the leaks before them could not be fixed.
 */
final class LeakChecks {

    static final List<LeakCheck> ALL = List.of(
            new TimerTasks(),
            new ThreadLocalEntries(),
            new JdbcDrivers(),
            new ShutdownHooks(),
            new SecurityProviders(),
            new PlatformMBeans(),
            new DefaultUncaughtExceptionHandler(),
            new NetDefaults(),
            new LoggingHandlers(),
            new JdkCaches(),
            new RmiExports(),
            new HttpClients(),
            new StaticFields());

    private LeakChecks() {
    }

    static Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        ALL.forEach(check -> ids.add(check.id()));
        return ids;
    }
}
