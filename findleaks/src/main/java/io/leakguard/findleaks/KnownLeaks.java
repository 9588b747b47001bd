package io.leakguard.findleaks;

import java.util.List;
import java.util.function.Predicate;

/**
 * The leak patterns a reference chain is recognised by, as data: a name and a test on the chain's keys. The first key
 * names the root ({@code root thread java.util.TimerThread} for a thread's object or stack, {@code root system class},
 * ...), each further one a link: {@code field java.lang.Thread.threadLocals},
 * {@code static java.sql.DriverManager.registeredDrivers}, {@code element}, ... First match wins, so the more telling
 * patterns come first: a ThreadLocal value reached from a static field's thread is a ThreadLocal leak, not a static
 * field leak.
 */
final class KnownLeaks {

    record Pattern(String kind, Predicate<List<String>> matches) {
    }

    static final List<Pattern> ALL = List.of(
            new Pattern("thread context class loader (Thread.contextClassLoader)",
                    keys -> keys.contains("field java.lang.Thread.contextClassLoader")),
            // Before JDK 24 a thread keeps the protection domains of the code that created it, loaders included.
            new Pattern("thread's inherited access control context (Thread.inheritedAccessControlContext)",
                    keys -> keys.contains("field java.lang.Thread.inheritedAccessControlContext")),
            new Pattern("ThreadLocal (Thread.threadLocals)",
                    keys -> keys.contains("field java.lang.Thread.threadLocals")
                            || keys.contains("field java.lang.Thread.inheritableThreadLocals")),
            new Pattern("Timer task", keys -> keys.contains("root thread java.util.TimerThread")
                    || keys.stream().anyMatch(k -> k.startsWith("field java.util.TimerThread.")
                    || k.startsWith("field java.util.TaskQueue."))),
            // A client keeps the default selector of when it was built, or the one it was given, for its whole life.
            new Pattern("ProxySelector kept by an HttpClient (HttpClientImpl.proxySelector)",
                    keys -> keys.contains("field jdk.internal.net.http.HttpClientImpl.proxySelector")
                            || keys.contains("field jdk.internal.net.http.HttpClientImpl.userProxySelector")),
            // The same for what else it was given; from JDK 20 the JDK's Cleaner holds a client, closed or not,
            // until the client's facade is unreachable, so a facade the application holds keeps them for good.
            new Pattern("object kept by an HttpClient (HttpClientImpl)", keys -> keys.stream()
                    .anyMatch(k -> k.startsWith("field jdk.internal.net.http.HttpClientImpl"))),
            new Pattern("JDBC driver in DriverManager's list",
                    keys -> keys.contains("static java.sql.DriverManager.registeredDrivers")),
            // An exception holds the classes of the frames it was made in until it is collected, whoever keeps it.
            new Pattern("stack trace of a kept exception (Throwable.backtrace)",
                    keys -> keys.contains("field java.lang.Throwable.backtrace")),
            // A class keeps the values every ClassValue computed for it, the ClassValue held only weakly: a value
            // that reaches its own ClassValue keeps itself, the application with it (JDK-8136353).
            new Pattern("ClassValue of a class outside the application (Class.classValueMap)",
                    keys -> keys.get(0).startsWith("root ClassValue values")),
            // A Cleaner holds each action until its object is unreachable, which an object the application's own
            // classes reach never is.
            new Pattern("Cleaner action (CleanerImpl$PhantomCleanableRef.action)",
                    keys -> keys.contains("field jdk.internal.ref.CleanerImpl$PhantomCleanableRef.action")),
            // Every platform MXBean that sends notifications keeps its listeners in this one JDK class.
            new Pattern("notification listener of a JDK MXBean (NotificationEmitterSupport.listenerList)",
                    keys -> keys.contains("field sun.management.NotificationEmitterSupport.listenerList")),
            // The MBean server's delegate announces every registration: code that waits for an MBean listens to it.
            new Pattern("notification listener of the MBean server's delegate (MBeanServerDelegate.broadcaster)",
                    keys -> keys.contains("field javax.management.MBeanServerDelegate.broadcaster")),
            new Pattern("signal handler (Signal.handlers)",
                    keys -> keys.contains("static jdk.internal.misc.Signal.handlers")),
            new Pattern("JVM registry", keys -> keys.stream().anyMatch(KnownLeaks::jdkStatic)),
            // commons-logging on the server's class path caches a factory per context class loader (Tomcat wiki).
            new Pattern("commons-logging factory cache (LogFactory.factories)",
                    keys -> keys.contains("static org.apache.commons.logging.LogFactory.factories")),
            // No link at all: the thread object itself, or a frame on its stack, is the application's.
            new Pattern("running thread", keys -> keys.contains("field java.lang.Thread.target")
                    || keys.contains("field java.lang.Thread$FieldHolder.task")
                    || keys.size() == 1 && keys.get(0).startsWith("root thread ")),
            new Pattern("static field", keys -> keys.stream().anyMatch(k -> k.startsWith("static "))));

    private KnownLeaks() {
    }

    static String kindOf(List<String> keys) {
        return ALL.stream().filter(p -> p.matches().test(keys)).map(Pattern::kind).findFirst().orElse("unknown");
    }

    /** A static field of a JDK class: a registry the JVM keeps for the life of the process. */
    private static boolean jdkStatic(String key) {
        return key.startsWith("static java.") || key.startsWith("static javax.") || key.startsWith("static sun.")
                || key.startsWith("static jdk.") || key.startsWith("static com.sun.");
    }
}
