package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs every leak check against the class loader of a web application that is stopping. Knows nothing of any
 * container: the caller names the web application and calls {@link #clean} before it closes the loader.
 * Thread-safe: web applications that stop in parallel each get their own pass.
 */
public final class CleanupEngine {

    private final List<LeakCheck> checks;

    CleanupEngine(List<LeakCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** The engine with every leak kind leakguard knows. */
    public static CleanupEngine standard() {
        return new CleanupEngine(LeakChecks.ALL);
    }

    /**
     * Takes note of what the server has set JVM-wide by now, to give it back when a web application replaced it:
     * {@code System.out} and {@code System.err}, the JAAS login configuration, the JDBC log writer, the signal
     * handlers, the deserialization filter and filter factory, the default uncaught exception handler, and the
     * {@code java.net} defaults (authenticator, proxy selector, cookie handler, response cache). Called by a
     * container once its own start-up has set them and before any web application starts; without the call, leakguard
     * takes what was in place when it loaded.
     */
    public static void serverInitialising() {
        SystemStreams.remember();
        JaasConfiguration.remember();
        JdbcLogWriter.remember();
        SignalHandlers.remember();
        SerialFilters.remember();
        DefaultUncaughtExceptionHandler.remember();
        NetDefaults.remember();
    }

    public Report clean(ClassLoader dying, String webapp, Policy policy) {
        return clean(dying, webapp, policy, List.of());
    }

    /**
     * A pass that knows the container's objects that lead to every application it runs: its server, services,
     * engines, hosts, connectors, mapper, shared executors and the listeners it puts on every context. Another
     * application's object reaches them, through its own context, and through them the dying application; such a
     * path says nothing about what holds the dying application, so reference walks stop there.
     */
    public Report clean(ClassLoader dying, String webapp, Policy policy, Collection<?> serverWide) {
        long start = System.nanoTime();
        List<Finding> findings = new ArrayList<>();
        Thread current = Thread.currentThread();
        ClassLoader containerContext = current.getContextClassLoader();
        // Whatever the JDK initialises lazily while the checks run (JMX, logging, thread factories) must not
        // capture the dying loader, which the container leaves as context loader while it stops the application.
        current.setContextClassLoader(CleanupEngine.class.getClassLoader());
        try {
            runChecks(new Ownership(dying, serverWide), webapp, policy, findings);
        } finally {
            current.setContextClassLoader(containerContext);
        }
        return new Report(webapp, findings, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * An interrupt of the thread that stops the context ends the one check that was waiting, and is held back from the
     * checks after it, each of whose waits it would end at once, until the pass returns: whoever interrupted, Tomcat
     * among them, still finds it on the thread.
     */
    private void runChecks(Ownership ownership, String webapp, Policy policy, List<Finding> findings) {
        boolean interrupted = false;
        for (LeakCheck check : checks) {
            if (policy.mode(check) == Mode.OFF || !canRun(check)) {
                continue;
            }
            Scan scan = new Scan(check, ownership, webapp, policy, findings::add);
            try {
                check.run(scan);
            } catch (InterruptedException e) {
                interrupted = true;
                scan.failed(e);
            } catch (Throwable e) {
                // One broken check must not keep the others, or the container's own stop, from running. A stack
                // overflow, most often in an application's method a check had to run, is unwound by now like any
                // other failure; the other errors of the JVM are not a check's to hide.
                if (e instanceof VirtualMachineError fatal && !(e instanceof StackOverflowError)) {
                    throw fatal;
                }
                scan.failed(e);
            }
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean canRun(LeakCheck check) {
        return check.needs().stream().allMatch(Internal::available);
    }

    /**
     * The checks {@code policy} leaves on that this JVM cannot run, grouped by what is missing (an {@code --add-opens}
     * flag, usually), or an empty map when all can run. Meant to be logged once at start-up, not at every stop.
     */
    public Map<String, List<String>> unavailable(Policy policy) {
        Map<String, Set<String>> byFlag = new TreeMap<>();
        for (LeakCheck check : on(policy)) {
            for (Internal need : check.needs()) {
                if (!need.available()) {
                    byFlag.computeIfAbsent(need.missing(), k -> new TreeSet<>()).add(check.id());
                }
            }
        }
        return listed(byFlag);
    }

    /**
     * The optional {@code --add-opens} flags this JVM lacks, each with what it would add to the checks that run, or an
     * empty map. A check that is off gains nothing from its optional flags alone, and a flag {@link #unavailable}
     * already asks for is not asked for twice. Meant to be logged once at start-up, at info.
     */
    public Map<String, List<String>> improvable(Policy policy) {
        Map<String, List<String>> required = unavailable(policy);
        Map<String, Set<String>> byFlag = new TreeMap<>();
        for (LeakCheck check : on(policy)) {
            if (!canRun(check)) {
                continue;
            }
            for (Improvement improvement : check.improvedBy()) {
                Internal internal = improvement.internal();
                if (internal.closed() && !required.containsKey(internal.missing())) {
                    byFlag.computeIfAbsent(internal.missing(), k -> new LinkedHashSet<>())
                            .add(improvement.adds() + " (" + check.id() + ")");
                }
            }
        }
        return listed(byFlag);
    }

    /** A check switched off gains nothing from a flag, so the administrator is not asked for one. */
    private List<LeakCheck> on(Policy policy) {
        return checks.stream().filter(check -> policy.mode(check) != Mode.OFF).toList();
    }

    private static Map<String, List<String>> listed(Map<String, Set<String>> byFlag) {
        Map<String, List<String>> result = new TreeMap<>();
        byFlag.forEach((flag, entries) -> result.put(flag, List.copyOf(entries)));
        return result;
    }

    /** The one start-up line about {@link #unavailable}, or null when every check can run. */
    public String unavailableMessage(Policy policy) {
        Map<String, List<String>> missing = unavailable(policy);
        if (missing.isEmpty()) {
            return null;
        }
        StringBuilder line = new StringBuilder("leakguard: some checks cannot run on this JVM and are off:");
        missing.forEach((flag, ids) -> line.append(' ').append(flag).append(" (needed by ")
                .append(String.join(", ", ids)).append(");"));
        line.setLength(line.length() - 1);
        return line.append(". Add the flags to CATALINA_OPTS or JAVA_OPTS to switch them on.").toString();
    }

    /** One start-up line per flag of {@link #improvable}; empty when no optional flag is missing. */
    public List<String> improvableMessages(Policy policy) {
        List<String> lines = new ArrayList<>();
        improvable(policy).forEach((flag, adds) -> lines.add("leakguard: the optional flag " + flag
                + " is not set; with it, " + String.join("; ", adds)
                + ". Add it to CATALINA_OPTS or JAVA_OPTS for a more complete cleanup."));
        return lines;
    }
}
