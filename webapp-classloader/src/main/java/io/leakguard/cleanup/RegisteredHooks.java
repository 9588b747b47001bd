package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The threads registered with {@code Runtime.addShutdownHook}. The JVM keeps each one unstarted until it exits, so no
 * list of live threads shows them, yet each holds what it took when it was made: its task, its context class loader
 * and the inheritable ThreadLocal values of the thread that made it.
 */
final class RegisteredHooks {

    private static final InternalField HOOKS = JdkInternals.field("java.lang.ApplicationShutdownHooks", "hooks");

    private RegisteredHooks() {
    }

    /** What listing the hooks and telling whose they are takes. */
    static List<Internal> needs() {
        List<Internal> needs = new ArrayList<>(ThreadTies.needs());
        needs.add(HOOKS);
        return needs;
    }

    static boolean available() {
        return needs().stream().allMatch(Internal::available);
    }

    /** ApplicationShutdownHooks guards its map with its class's monitor: all its methods are static synchronized. */
    static List<Thread> all() throws ClassNotFoundException {
        synchronized (Class.forName("java.lang.ApplicationShutdownHooks")) {
            @SuppressWarnings("unchecked")
            Map<Thread, Thread> hooks = (Map<Thread, Thread>) HOOKS.get(null);
            // Set to null once the JVM has started running the hooks.
            return hooks == null ? List.of() : new ArrayList<>(hooks.keySet());
        }
    }

    /**
     * How the hook is the web application's, by its class or its task, as a link for a message; empty when it is
     * someone else's. A hook whose context class loader alone is the application's is the JDK's or a library's, made
     * while one of the application's threads ran (JFR registers its own on the first recording): it stays registered,
     * and only that loader is reset ({@link ForeignThreadContextLoaders}).
     */
    static Optional<String> linkToWebapp(Thread hook, Ownership ownership) {
        if (ownership.ownsObject(hook)) {
            return Optional.of("its class " + hook.getClass().getName());
        }
        Object task = ThreadTies.task(hook);
        if (ownership.ownsObject(task)) {
            return Optional.of("its task " + Describe.object(task));
        }
        return Optional.empty();
    }
}
