package io.leakguard.cleanup;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.sql.DriverManager;
import java.util.Optional;

/**
 * A JDBC log writer the application gave {@link DriverManager} with {@code setLogWriter}, or the deprecated
 * {@code setLogStream}: one that sends driver logging to the application's logging (log4j-iostreams documents exactly
 * that), or any writer of its own. DriverManager keeps it in a static field, and every later driver message of every
 * application goes through the dead application's code.
 *
 * <p>What the server had set before any application ran is put back, which is usually none, DriverManager's default.
 * A writer that reaches this application through another application's, however deep, is only reported, since
 * replacing it would end that application's JDBC logging.
 */
final class JdbcLogWriter implements LeakCheck {

    /** From before any web application ran: leakguard starts with the server. Usually none. */
    private static volatile ServerLogging server = ServerLogging.installed();

    /** Takes the log stream and writer set now as the server's. */
    static void remember() {
        server = ServerLogging.installed();
    }

    @Override
    public String id() {
        return "jdbcLogWriter";
    }

    @Override
    public String kind() {
        return "JdbcLogWriter";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public void run(Scan scan) {
        // The stream first: setting one wraps it in a new log writer, so putting the server's back settles both.
        check(scan, "log stream", logStream());
        check(scan, "log writer", DriverManager.getLogWriter());
    }

    private static void check(Scan scan, String name, Object current) {
        Optional<Reach.Chain> chain = scan.reach().chain(current);
        if (chain.isEmpty()) {
            return;
        }
        Scan.Leak leak = scan.leak("DriverManager " + name + " " + Describe.object(current)).via(chain.get().links());
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
        } else if (scan.ownership().isAnotherApplications(current, chain.get())) {
            leak.warned("the " + name + " is another application's, whose JDBC logging would end; left in place");
        } else if (current == logStream() || current == DriverManager.getLogWriter()) {
            leak.fixed(server.restore(scan));
        }
        // Otherwise another thread set its own while the chain was searched, which does not hold the application.
    }

    /**
     * Setting a log writer replaces the log stream and the other way round, and the stream's accessors are deprecated
     * (not for removal): they are still how an old application sets it, and how a server may have.
     */
    @SuppressWarnings("deprecation")
    private static PrintStream logStream() {
        return DriverManager.getLogStream();
    }

    private record ServerLogging(PrintStream stream, PrintWriter writer) {

        static ServerLogging installed() {
            return new ServerLogging(logStream(), DriverManager.getLogWriter());
        }

        /**
         * Puts the server's stream, or else its writer, back, and says which. What leakguard took for the server's is
         * an application's when leakguard came after it: none then. A stream set makes DriverManager wrap it in a
         * writer of the JDK's class, which is the stream's; and a writer of the JDK's class may write to the
         * application's.
         */
        @SuppressWarnings("deprecation")
        String restore(Scan scan) {
            if (stream != null) {
                if (scan.isServersToPutBack(stream)) {
                    DriverManager.setLogStream(stream);
                    return "DriverManager.setLogStream(" + Describe.object(stream) + "): the server's, from before"
                            + " any application";
                }
            } else if (scan.isServersToPutBack(writer)) {
                DriverManager.setLogWriter(writer);
                return "DriverManager.setLogWriter(" + Describe.object(writer) + "): the server's, from before any"
                        + " application";
            }
            DriverManager.setLogWriter(null);
            return "DriverManager.setLogWriter(null): JDBC logging is off, as by default";
        }
    }
}
