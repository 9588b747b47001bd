package io.leakguard.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** Collects what leakguard logs (through slf4j onto java.util.logging, as in Tomcat) while a test runs. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private LogCapture(String loggerName) {
        logger = Logger.getLogger(loggerName);
        logger.addHandler(this);
    }

    public static LogCapture start() {
        return of("io.leakguard");
    }

    /** What another logger says while a test runs: Tomcat's own, say, to compare its reports with leakguard's. */
    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    @Override
    public void publish(LogRecord record) {
        messages.add(record.getLevel() + " " + record.getMessage());
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    /** The warnings about one web application, each a single line. */
    public List<String> warnings(String webapp) {
        return messages.stream().filter(m -> m.startsWith("WARNING leakguard: [" + webapp + "]"))
                .collect(Collectors.toList());
    }

    public String all() {
        return String.join("\n", messages);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
