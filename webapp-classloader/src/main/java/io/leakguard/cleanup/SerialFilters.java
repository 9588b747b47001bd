package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.List;
import java.util.Optional;

/**
 * A JVM-wide deserialization filter, or filter factory, the application installed with
 * {@code ObjectInputFilter.Config.setSerialFilter} or {@code setSerialFilterFactory}, as deserialization-hardening
 * advice has an application do at start-up. The JDK lets each be set only once and keeps it for the life of the
 * process: every later {@code ObjectInputStream} of every application runs the dead application's code, and no public
 * API takes it back.
 *
 * <p>What the server had before any application ran is put back, usually the JDK's own (none for the filter, unless
 * {@code jdk.serialFilter} names one). A filter or factory that reaches this application through another
 * application's, however deep, is only reported, since replacing it would undo that application's filtering.
 */
final class SerialFilters implements LeakCheck {

    private static final String CONFIG = "java.io.ObjectInputFilter$Config";
    private static final InternalField FILTER = JdkInternals.field(CONFIG, "serialFilter");
    private static final InternalField FACTORY = JdkInternals.field(CONFIG, "serialFilterFactory");
    /** The JDK sets both under this lock, so holding it keeps a setter from interleaving with the reset. */
    private static final InternalField LOCK = JdkInternals.field(CONFIG, "serialFilterLock");
    /** From before any web application ran: leakguard starts with the server. */
    private static volatile Installed server = Installed.now();

    /** Takes the filter and factory installed now as the server's. */
    static void remember() {
        server = Installed.now();
    }

    @Override
    public String id() {
        return "serialFilters";
    }

    @Override
    public String kind() {
        return "SerialFilter";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return List.of(FILTER, FACTORY, LOCK);
    }

    @Override
    public void run(Scan scan) {
        Installed before = server;
        check(scan, "deserialization filter", FILTER, before.filter());
        check(scan, "deserialization filter factory", FACTORY, before.factory());
    }

    private static void check(Scan scan, String name, InternalField field, Object servers) {
        Object current = field.get(null);
        Optional<Reach.Chain> chain = scan.reach().chain(current);
        if (chain.isEmpty()) {
            return;
        }
        Scan.Leak leak = scan.leak("JVM-wide " + name + " " + Describe.object(current));
        if (!chain.get().links().isEmpty()) {
            leak.via(chain.get().links());
        }
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
        } else if (scan.ownership().isAnotherApplications(current, chain.get())) {
            leak.warned("the " + name + " is another application's, whose deserialization it would no longer guard;"
                    + " left in place");
        } else if (servers == null && field == FACTORY) {
            // Every ObjectInputStream asks the factory for its filter: there must always be one.
            leak.warned("the server had no " + name + " to put back; left in place");
        } else if (servers != null && !scan.isServersToPutBack(servers)) {
            // A filter of the JDK's class, as ObjectInputFilter.merge makes, may be made of the application's.
            leak.warned("the " + name + " leakguard took for the server's is an application's; left in place");
        } else if (reset(field, current, servers)) {
            leak.fixed("the server's put back: " + (servers == null ? "none" : Describe.object(servers)));
        }
        // Otherwise another thread has just installed its own, which does not hold the application.
    }

    private static boolean reset(InternalField field, Object current, Object servers) {
        synchronized (LOCK.get(null)) {
            if (field.get(null) != current) {
                return false;
            }
            field.set(null, servers);
            return true;
        }
    }

    private record Installed(Object filter, Object factory) {

        static Installed now() {
            return FILTER.available() && FACTORY.available() ? new Installed(FILTER.get(null), FACTORY.get(null))
                    : new Installed(null, null);
        }
    }
}
