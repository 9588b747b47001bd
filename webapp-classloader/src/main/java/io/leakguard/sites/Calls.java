package io.leakguard.sites;

import java.sql.Driver;
import java.sql.DriverAction;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Date;
import java.util.Timer;
import java.util.TimerTask;

/**
 * Stand-ins for calls whose leaked argument lies under another on the operand stack, where instrumented code cannot
 * copy it before the call: each makes the original call, then records. The receiver comes first and the site last,
 * so the rewritten instruction has the original's stack effect plus the pushed site.
 */
public final class Calls {

    private Calls() {
    }

    public static void schedule(Timer timer, TimerTask task, long delay, String site) {
        timer.schedule(task, delay);
        CreationSites.record(task, site);
    }

    public static void schedule(Timer timer, TimerTask task, Date time, String site) {
        timer.schedule(task, time);
        CreationSites.record(task, site);
    }

    public static void schedule(Timer timer, TimerTask task, long delay, long period, String site) {
        timer.schedule(task, delay, period);
        CreationSites.record(task, site);
    }

    public static void schedule(Timer timer, TimerTask task, Date firstTime, long period, String site) {
        timer.schedule(task, firstTime, period);
        CreationSites.record(task, site);
    }

    public static void scheduleAtFixedRate(Timer timer, TimerTask task, long delay, long period, String site) {
        timer.scheduleAtFixedRate(task, delay, period);
        CreationSites.record(task, site);
    }

    public static void scheduleAtFixedRate(Timer timer, TimerTask task, Date firstTime, long period, String site) {
        timer.scheduleAtFixedRate(task, firstTime, period);
        CreationSites.record(task, site);
    }

    public static void registerDriver(Driver driver, DriverAction action, String site) throws SQLException {
        DriverManager.registerDriver(driver, action);
        CreationSites.record(driver, site);
    }
}
