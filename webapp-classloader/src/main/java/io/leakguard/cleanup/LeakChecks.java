package io.leakguard.cleanup;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The catalogue of leak kinds, in the order a pass runs them. Executors are shut down before the remaining web
 * application threads are interrupted (their workers are the executor's to stop). Timers and HttpClients are judged
 * before context class loaders are reset on the threads that stay, since a thread's context loader is part of their
 * evidence. Threads are stopped before ThreadLocals are cleared, so that a stopped thread cannot set its entries again.
 * JVM-wide registrations come next, and large static fields last: they only matter for memory when one of the leaks
 * before them could not be fixed.
 */
final class LeakChecks {

    static final List<LeakCheck> ALL = List.of(
            new WebappExecutors(),
            new WebappThreads(),
            new TimerTasks(),
            new HttpClients(),
            new ForeignThreadContextLoaders(),
            new ThreadLocalEntries(),
            new JdbcDrivers(),
            new JdbcLogWriter(),
            new ShutdownHooks(),
            new SignalHandlers(),
            new SecurityProviders(),
            new PlatformMBeans(),
            new NotificationListeners(),
            new DefaultUncaughtExceptionHandler(),
            new NetDefaults(),
            new JaasConfiguration(),
            new SerialFilters(),
            new HttpsDefaults(),
            new SystemStreams(),
            new HttpClientProxySelectors(),
            new LoggingHandlers(),
            new CommonsLoggingFactories(),
            new JdkCaches(),
            new ClassValues(),
            new ImageIoPlugins(),
            new RmiExports(),
            new StaticFields());

    private LeakChecks() {
    }

    static Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        ALL.forEach(check -> ids.add(check.id()));
        return ids;
    }
}
