package io.leakguard.cleanup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * java.util.logging handlers, filters and formatters of the web application's classes left on loggers that outlive
 * it. Only loggers outside the application's own logger tree count: Tomcat's JULI log manager gives every web
 * application its own loggers (and releases them itself), keyed by the thread context class loader, so the loggers
 * are listed as each loader above the application sees them. With the JDK's plain log manager every logger is
 * JVM-wide and all of them are looked at.
 */
final class LoggingHandlers implements LeakCheck {

    @Override
    public String id() {
        return "julHandlers";
    }

    @Override
    public String kind() {
        return "LoggingHandler";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public void run(Scan scan) throws InterruptedException {
        Ownership ownership = scan.ownership();
        Map<Handler, List<Logger>> ownedHandlers = new LinkedHashMap<>();
        for (Logger logger : loggersOutside(ownership)) {
            if (ownership.ownsObject(logger.getFilter())) {
                reportAndFix(scan, "filter " + Describe.object(logger.getFilter()) + " of logger " + name(logger),
                        () -> logger.setFilter(null), "removed from the logger");
            }
            for (Handler handler : logger.getHandlers()) {
                if (ownership.ownsObject(handler)) {
                    ownedHandlers.computeIfAbsent(handler, h -> new ArrayList<>()).add(logger);
                } else {
                    checkParts(scan, handler, logger);
                }
            }
        }
        // One wait for all their close() calls, as for the threads to stop.
        long deadline = System.nanoTime() + scan.policy().threadStopWait().toNanos();
        for (Map.Entry<Handler, List<Logger>> owned : ownedHandlers.entrySet()) {
            removeHandler(scan, owned.getKey(), owned.getValue(), deadline);
        }
    }

    /** Every logger reachable from the loaders above the dying one, and their parents up to the root. */
    private static Set<Logger> loggersOutside(Ownership ownership) {
        Set<Logger> loggers = Collections.newSetFromMap(new IdentityHashMap<>());
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        try {
            ClassLoader loader = ownership.replacement();
            while (true) {
                current.setContextClassLoader(loader);
                LogManager manager = LogManager.getLogManager();
                for (String name : Collections.list(manager.getLoggerNames())) {
                    // Up to the root: a logger's parents may be filed under another loader's tree.
                    Logger logger = manager.getLogger(name);
                    while (logger != null && loggers.add(logger)) {
                        logger = logger.getParent();
                    }
                }
                if (loader == null) {
                    break;
                }
                loader = loader.getParent();
            }
        } finally {
            current.setContextClassLoader(previous);
        }
        // One instance for the whole JVM, whichever tree the log manager filed it under.
        loggers.add(Logger.getGlobal());
        return loggers;
    }

    private static void checkParts(Scan scan, Handler handler, Logger logger) {
        Ownership ownership = scan.ownership();
        String where = " of handler " + Describe.object(handler) + " on logger " + name(logger);
        if (ownership.ownsObject(handler.getFilter())) {
            reportAndFix(scan, "filter " + Describe.object(handler.getFilter()) + where,
                    () -> handler.setFilter(null), "removed from the handler");
        }
        if (ownership.ownsObject(handler.getFormatter())) {
            reportAndFix(scan, "formatter " + Describe.object(handler.getFormatter()) + where,
                    () -> handler.setFormatter(new SimpleFormatter()),
                    "replaced by a java.util.logging.SimpleFormatter (a handler cannot be without one)");
        }
    }

    private static void reportAndFix(Scan scan, String what, Runnable fix, String action) {
        Scan.Leak leak = scan.leak(what);
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        fix.run();
        leak.fixed(action);
    }

    private static void removeHandler(Scan scan, Handler handler, List<Logger> loggers, long deadline)
            throws InterruptedException {
        List<String> names = loggers.stream().map(LoggingHandlers::name).toList();
        Scan.Leak leak = scan.leak("handler " + Describe.object(handler) + " on logger(s) " + String.join(", ", names));
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        loggers.forEach(logger -> logger.removeHandler(handler));
        leak.fixed("removed from the logger(s)" + close(handler, deadline, scan.policy().threadStopWait()));
    }

    /**
     * The handler's close(), the application's code, bounded by the check's one wait: a handler that sends records
     * to a peer (a socket or syslog handler) may block in its last flush. The handler is off every logger already, so a
     * close() that fails or hangs leaves only its own resources open.
     */
    private static String close(Handler handler, long deadline, Duration wait) throws InterruptedException {
        BoundedCall close = BoundedCall.run("leakguard-close-handler", handler::close, BoundedCall.left(deadline));
        return close.returned() ? " and closed" : "; its close() " + close.notReturned(wait);
    }

    private static String name(Logger logger) {
        return logger.getName().isEmpty() ? "[root]" : "[" + logger.getName() + "]";
    }
}
