package io.leakguard.findleaks;

import java.util.List;
import java.util.function.Predicate;

/**
 * The leak patterns a reference chain is recognised by, as data: a name and a test on the chain's keys. The first key
 * names the root ({@code root thread java.util.TimerThread} for a thread's object or stack, {@code root system class},
 * ...), each further one a link: {@code field java.lang.Thread.threadLocals},
 * {@code static java.sql.DriverManager.registeredDrivers}, {@code element}, ... First match wins, so the more telling patterns come first: a ThreadLocal value reached from a
 * static field's thread is a ThreadLocal leak, not a static field leak.
 */
final class KnownLeaks {

    record Pattern(String kind, Predicate<List<String>> matches) {
    }

    static final List<Pattern> ALL = List.of(
            new Pattern("thread context class loader (Thread.contextClassLoader)",
                    links -> links.contains("field java.lang.Thread.contextClassLoader")),
            new Pattern("ThreadLocal (Thread.threadLocals)",
                    links -> links.contains("field java.lang.Thread.threadLocals")
                            || links.contains("field java.lang.Thread.inheritableThreadLocals")),
            new Pattern("Timer task", links -> links.contains("root thread java.util.TimerThread")
                    || links.stream().anyMatch(l -> l.startsWith("field java.util.TimerThread.")
                    || l.startsWith("field java.util.TaskQueue."))),
            new Pattern("JDBC driver in DriverManager's list",
                    links -> links.contains("static java.sql.DriverManager.registeredDrivers")),
            new Pattern("JVM registry", links -> links.stream().anyMatch(KnownLeaks::jdkStatic)),
            new Pattern("running thread", links -> links.contains("field java.lang.Thread.target")
                    || links.contains("field java.lang.Thread$FieldHolder.task")),
            new Pattern("static field", links -> links.stream().anyMatch(l -> l.startsWith("static "))));

    private KnownLeaks() {
    }

    static String kindOf(List<String> links) {
        return ALL.stream().filter(p -> p.matches().test(links)).map(Pattern::kind).findFirst().orElse("unknown");
    }

    /** A static field of a JDK class: a registry the JVM keeps for the life of the process. */
    private static boolean jdkStatic(String link) {
        return link.startsWith("static java.") || link.startsWith("static javax.") || link.startsWith("static sun.")
                || link.startsWith("static jdk.") || link.startsWith("static com.sun.");
    }
}
