package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A handler an application installed for an operating-system signal with {@code sun.misc.Signal.handle}: to reload
 * its configuration on {@code SIGHUP}, to stop gracefully on {@code SIGTERM}, as command-line and scripting runtimes
 * do. The JDK keeps every Java signal handler in one static table for the life of the process.
 *
 * <p>The handler the server had for that signal before any application ran is put back: for {@code HUP}, {@code INT}
 * and {@code TERM} that is the JVM's own, which starts the shutdown. For a signal the server had none for, what it did
 * before is not known: it may have been ignored, or handled natively (the JVM handles {@code USR2} and {@code PIPE}
 * so), and by default it may end the JVM. Only a signal whose default leaves the process alone, such as a terminal's
 * {@code WINCH}, goes back to its default; for any other the handler is only reported.
 */
final class SignalHandlers implements LeakCheck {

    private static final String SIGNAL = "jdk.internal.misc.Signal";
    private static final InternalField HANDLERS = JdkInternals.field(SIGNAL, "handlers");
    private static final InternalMethod HANDLE = JdkInternals.method(SIGNAL, "handle", SIGNAL, SIGNAL + "$Handler");
    private static final InternalField DEFAULT = JdkInternals.field(SIGNAL + "$Handler", "SIG_DFL");
    /** The signals whose default action leaves the process alone, so that no JVM ends by the default's return. */
    private static final Set<String> HARMLESS_BY_DEFAULT = Set.of("SIGWINCH", "SIGURG", "SIGCHLD", "SIGCONT");
    /** What {@code sun.misc.Signal} wraps an application's handler in; its package is open to all. */
    private static final Optional<InternalField> WRAPPED =
            JdkInternals.optionalField("sun.misc.Signal$InternalMiscHandler", "handler");
    /** From before any web application ran: leakguard starts with the server. */
    private static volatile Map<Object, Object> serverHandlers = installed();

    /** Takes the signal handlers installed now as the server's. */
    static void remember() {
        serverHandlers = installed();
    }

    private static Map<Object, Object> installed() {
        return HANDLERS.available() ? copy((Map<?, ?>) HANDLERS.get(null)) : Map.of();
    }

    /** The JDK's table is a Hashtable, locked on itself, so the copy is of one moment. */
    private static Map<Object, Object> copy(Map<?, ?> table) {
        Map<Object, Object> copy = new HashMap<>();
        synchronized (table) {
            copy.putAll(table);
        }
        return copy;
    }

    @Override
    public String id() {
        return "signalHandlers";
    }

    @Override
    public String kind() {
        return "SignalHandler";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return List.of(HANDLERS, HANDLE, DEFAULT);
    }

    @Override
    public void run(Scan scan) {
        Map<?, ?> table = (Map<?, ?>) HANDLERS.get(null);
        copy(table).forEach((signal, handler) -> scan.reach().chain(handler)
                .ifPresent(chain -> report(scan, table, signal, handler, chain)));
    }

    private static void report(Scan scan, Map<?, ?> table, Object signal, Object handler, Reach.Chain chain) {
        Object own = unwrapped(handler);
        Scan.Leak leak = scan.leak("handler " + Describe.object(own) + " of signal " + signal);
        // The path starts at the JDK's wrapper: worth showing only when it goes further than the handler.
        if (!scan.ownership().ownsObject(own)) {
            leak.via(chain.links());
        }
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        if (scan.ownership().isAnotherApplications(handler, chain)) {
            leak.warned("the handler is another application's, which would no longer hear the signal; left in place");
            return;
        }
        Object server = serverHandlers.get(signal);
        boolean serverHad = server != null && scan.ownership().isServers(unwrapped(server).getClass().getClassLoader());
        if (serverHad && restore(table, signal, handler, server)) {
            leak.fixed("the server's handler put back: " + Describe.object(unwrapped(server)));
        } else if (!serverHad && HARMLESS_BY_DEFAULT.contains(signal.toString())) {
            if (restore(table, signal, handler, DEFAULT.get(null))) {
                leak.fixed("the signal's default put back (SIG_DFL), under which " + signal + " leaves the process"
                        + " alone");
            }
        } else if (!serverHad) {
            leak.warned("the server had no handler of its own for " + signal + " to put back, and what the signal did"
                    + " before is not known: it may have been ignored or handled natively, and by default it may end"
                    + " the JVM; left in place");
        }
        // Otherwise another thread has just installed its own handler, which does not hold the application.
    }

    /**
     * Puts the server's handler back unless another thread has just installed its own. The JDK installs handlers
     * under the lock of its Signal class, so holding that lock keeps one from interleaving.
     */
    private static boolean restore(Map<?, ?> table, Object signal, Object handler, Object server) {
        synchronized (signal.getClass()) {
            if (table.get(signal) != handler) {
                return false;
            }
            HANDLE.invoke(null, signal, server);
            return true;
        }
    }

    /** The application's own handler, where the JDK wrapped it. */
    private static Object unwrapped(Object handler) {
        return WRAPPED.filter(InternalField::available)
                .filter(field -> handler.getClass().getName().equals("sun.misc.Signal$InternalMiscHandler"))
                .map(field -> field.get(handler)).orElse(handler);
    }
}
