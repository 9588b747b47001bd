package io.leakguard.listener;

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
 */
final class LeakWatch implements AutoCloseable {

    private record Stopping(ClassLoader loader, Instant started) {
    }

    private final LeakDetector detector;
    private final LeakDetectorJmx jmx;
    private final Map<Context, Stopping> stopping = new IdentityHashMap<>();

    LeakWatch(Duration watchdogDelay) {
        detector = new LeakDetector(watchdogDelay);
        jmx = new LeakDetectorJmx(detector);
        jmx.register();
        ServerLeakDetector.publish(detector);
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
        ServerLeakDetector.withdraw(detector);
        jmx.unregister();
        detector.close();
    }
}
