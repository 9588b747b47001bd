package io.leakguard.cleanup;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of leak kinds, in the order a pass runs them: threads are stopped before ThreadLocals are cleared so
 * that a stopped thread cannot set its entries again, and JVM-wide registrations come last.
 */
final class LeakChecks {

    static final List<LeakCheck> ALL = List.of(
            new ThreadLocalEntries(),
            new ShutdownHooks(),
            new SecurityProviders(),
            new PlatformMBeans(),
            new DefaultUncaughtExceptionHandler(),
            new NetDefaults(),
            new LoggingHandlers(),
            new JdkCaches(),
            new RmiExports(),
            new HttpClients());

    private LeakChecks() {
    }

    static Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        ALL.forEach(check -> ids.add(check.id()));
        return ids;
    }
}
