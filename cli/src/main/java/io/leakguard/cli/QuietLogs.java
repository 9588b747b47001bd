package io.leakguard.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps Tomcat's and leakguard's logging off the console and collects their warnings instead, for the report: the
 * console is for progress lines, and Tomcat explains a failed start in pages of stack traces. Restores the logging
 * as it was on close, since tests run the command in their own JVM.
 */
final class QuietLogs extends Handler implements AutoCloseable {

    private static final String TOMCAT_LEAK_DETECTION = "org.apache.catalina.loader";
    private static final String STACK_FOLLOWS = "Stack trace of thread:";
    private static final String[] QUIETED = {"org.apache", "io.leakguard"};

    private final Logger root = Logger.getLogger("");
    private final Map<Handler, Level> consoleLevels = new HashMap<>();
    private final Map<String, Level> loggerLevels = new HashMap<>();
    /** Held so that JUL, which keeps loggers weakly, does not forget the levels set here. */
    private final List<Logger> quieted = new ArrayList<>();
    private final List<Line> records = new ArrayList<>();

    /**
     * A record turned into text at once: a record's parameters and exception may be the web application's objects,
     * and holding them would keep the very class loader the report judges.
     */
    private record Line(String logger, Level level, String message, String rootCause) {
    }

    private QuietLogs() {
        setLevel(Level.WARNING);
        setFormatter(new SimpleFormatter());
    }

    static QuietLogs start() {
        QuietLogs logs = new QuietLogs();
        for (Handler handler : logs.root.getHandlers()) {
            logs.consoleLevels.put(handler, handler.getLevel());
            handler.setLevel(Level.OFF);
        }
        for (String name : QUIETED) {
            Logger logger = Logger.getLogger(name);
            logs.quieted.add(logger);
            logs.loggerLevels.put(name, logger.getLevel());
            logger.setLevel(Level.WARNING);
        }
        logs.root.addHandler(logs);
        return logs;
    }

    /** How many records so far: the start of a phase, for {@link #since(int)}. */
    synchronized int mark() {
        return records.size();
    }

    private synchronized List<Line> since(int mark) {
        return List.copyOf(records.subList(mark, records.size()));
    }

    /**
     * leakguard's warnings since the mark, as logged, and those of Tomcat's own leak detection in the web application
     * class loader (what stock Tomcat says about a leak), marked as Tomcat's.
     */
    List<String> leakWarnings(int mark) {
        return since(mark).stream().filter(r -> r.logger().startsWith("io.leakguard")
                || r.logger().startsWith(TOMCAT_LEAK_DETECTION)).map(r -> r.logger().startsWith("io.leakguard")
                        ? r.message() : "Tomcat: " + firstLine(r.message())).toList();
    }

    /** Tomcat follows a leaked thread's warning with its stack, which the reference path says better. */
    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse("").strip();
        return line.endsWith(STACK_FOLLOWS) ? line.substring(0, line.length() - STACK_FOLLOWS.length()).strip() : line;
    }

    /** Tomcat's explanation of what went wrong since the mark, on one line; null when it said nothing. */
    String tomcatReason(int mark) {
        List<Line> severe = since(mark).stream().filter(r -> r.level().intValue() >= Level.SEVERE.intValue())
                .toList();
        // Tomcat logs a failure where it happens and again where it is caught, with more context: take the last.
        return severe.stream().filter(r -> r.rootCause() != null).reduce((first, last) -> last)
                .or(() -> severe.stream().findFirst())
                .map(r -> r.rootCause() == null ? r.message() : r.message() + ": " + r.rootCause()).orElse(null);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (isLoggable(record)) {
            records.add(new Line(String.valueOf(record.getLoggerName()), record.getLevel(),
                    getFormatter().formatMessage(record), rootCause(record.getThrown())));
        }
    }

    private static String rootCause(Throwable thrown) {
        Throwable cause = thrown;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == null ? null : cause.getClass().getName() + ": " + cause.getMessage();
    }

    @Override
    public void flush() {
        // Nothing is buffered.
    }

    @Override
    public void close() {
        root.removeHandler(this);
        consoleLevels.forEach(Handler::setLevel);
        for (Logger logger : quieted) {
            logger.setLevel(loggerLevels.get(logger.getName()));
        }
    }
}
