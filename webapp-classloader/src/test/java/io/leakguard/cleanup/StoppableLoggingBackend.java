package io.leakguard.cleanup;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J backend of the server's {@code lib} that can be stopped as a whole, as Logback's
 * {@code LoggerContext.stop()} stops it: commons-logging's {@code Slf4jLogFactory.release()} calls such a
 * {@code stop()}. Only ever loaded by a test's own server loader, never by this test class path's SLF4J.
 */
public final class StoppableLoggingBackend implements SLF4JServiceProvider {

    /** The backend's logger context, which every application of the server logs through. */
    public static final class Context implements ILoggerFactory {

        public static volatile boolean stopped;

        @Override
        public Logger getLogger(String name) {
            return NOPLogger.NOP_LOGGER;
        }

        /** Logback's {@code LoggerContext.stop()}: every appender closed, for every application. */
        public void stop() {
            stopped = true;
        }
    }

    private final Context context = new Context();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return new BasicMarkerFactory();
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return new NOPMDCAdapter();
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}
