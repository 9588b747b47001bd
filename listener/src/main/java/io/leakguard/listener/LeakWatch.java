package io.leakguard.listener;

import io.leakguard.cleanup.ReportLog;
import io.leakguard.findleaks.LeakDetector;
import io.leakguard.findleaks.LeakDetectorJmx;
import io.leakguard.findleaks.ServerLeakDetector;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Loader;
import org.apache.catalina.core.StandardContext;

/**
 * Hands the class loader of every context that stops to the Find leaks detector, which watches it without keeping it
 * alive, and publishes the detector as {@code io.leakguard:type=LeakDetector} and for the admin servlet. The loader is
 * taken just before the stop, since Tomcat's loader forgets it while stopping, and handed over once the stop is
 * complete.
 *
 * <p>One detector per JVM can be published. The server of another one in the same JVM (Spring Boot's management port,
 * say) starts all the same: its detector only has the watchdog.
 */
final class LeakWatch implements AutoCloseable {

    private record Stopping(ClassLoader loader, Instant started) {
    }

    private final LeakDetector detector;
    private final LeakDetectorJmx jmx;
    private final Map<Context, Stopping> stopping = new IdentityHashMap<>();
    private final boolean published;

    LeakWatch(Duration watchdogDelay) {
        detector = new LeakDetector(watchdogDelay);
        jmx = new LeakDetectorJmx(detector);
        published = publish();
    }

    private boolean publish() {
        try {
            ServerLeakDetector.publish(detector);
            jmx.register();
            return true;
        } catch (IllegalStateException e) {
            // Withdraws only this detector, when the MBean name was the one taken.
            ServerLeakDetector.withdraw(detector);
            ReportLog.logger().warn("leakguard: another server in this JVM publishes Find leaks already; this "
                    + "server's stopped applications are checked by the watchdog only, not listed over JMX or on the "
                    + "Find leaks page ({})", e.getMessage());
            return false;
        }
    }

    void stopping(Context context) {
        Loader loader = context.getLoader();
        if (loader == null || loader.getClassLoader() == null) {
            return;
        }
        long startTime = context instanceof StandardContext standard ? standard.getStartTime() : 0;
        synchronized (stopping) {
            stopping.put(context, new Stopping(loader.getClassLoader(), Instant.ofEpochMilli(startTime)));
        }
    }

    void stopped(Context context) {
        Stopping stopped;
        synchronized (stopping) {
            stopped = stopping.remove(context);
        }
        if (stopped != null) {
            // The name Tomcat knows it by, with its ##version, as operators deploy it.
            detector.stopped(stopped.loader(), context.getName().isEmpty() ? "/" : context.getName(),
                    stopped.started());
        }
    }

    @Override
    public void close() {
        // The name may be another server's detector's.
        if (published) {
            ServerLeakDetector.withdraw(detector);
            jmx.unregister();
        }
        detector.close();
    }
}
