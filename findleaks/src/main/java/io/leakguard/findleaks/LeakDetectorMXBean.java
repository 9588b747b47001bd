package io.leakguard.findleaks;

/**
 * Find leaks over JMX ({@code io.leakguard:type=LeakDetector}), for jconsole, VisualVM or a monitoring agent. Plain
 * strings and numbers only, so any JMX client reads them without leakguard's classes.
 */
public interface LeakDetectorMXBean {

    /** One line per stopped application still in memory: name, stop time, classes, what holds it. */
    String[] findLeaks();

    /** The reference chain that holds the most recent application of that name, one link per line. */
    String explain(String webapp);

    long getStoppedCount();

    long getCollectedCount();

    int getLeakedCount();

    /** How many Find leaks checks ran (by JMX, the admin page or the watchdog): each one forces collections. */
    long getCheckCount();
}
