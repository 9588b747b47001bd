package io.leakguard.cleanup;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.sql.DriverManager;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A JDBC log writer the application gave {@link DriverManager} with {@code setLogWriter}, or the deprecated
 * {@code setLogStream}: one that sends driver logging to the application's logging (log4j-iostreams documents exactly
 * that), or any writer of its own. DriverManager keeps it in a static field, and every later driver message of every
 * application goes through the dead application's code.
 *
 * <p>It is reset to none, which is DriverManager's default. A writer of another application that wraps this one's is
 * only reported, since resetting it would end that application's JDBC logging.
 */
final class JdbcLogWriter implements LeakCheck {

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
        // The stream first: setting it wraps it in a new log writer, which goes with it.
        reset(scan, "log stream", logStream(), "setLogStream", JdbcLogWriter::setLogStream);
        reset(scan, "log writer", DriverManager.getLogWriter(), "setLogWriter", DriverManager::setLogWriter);
    }

    private static <T> void reset(Scan scan, String name, T current, String setter, Consumer<T> reset) {
        Optional<List<String>> path = scan.reach().from(current);
        if (path.isEmpty()) {
            return;
        }
        Scan.Leak leak = scan.leak("DriverManager " + name + " " + Describe.object(current)).via(path.get());
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
        } else if (scan.ownership().isAnotherApplications(current)) {
            leak.warned("the " + name + " is another application's, whose JDBC logging would end; left in place");
        } else {
            reset.accept(null);
            leak.fixed("DriverManager." + setter + "(null): JDBC logging is off, as by default");
        }
    }

    /**
     * Setting a log writer replaces the log stream and the other way round, and the stream's accessors are deprecated
     * (not for removal): they are still how an old application sets it.
     */
    @SuppressWarnings("deprecation")
    private static PrintStream logStream() {
        return DriverManager.getLogStream();
    }

    @SuppressWarnings("deprecation")
    private static void setLogStream(PrintStream stream) {
        DriverManager.setLogStream(stream);
    }
}
