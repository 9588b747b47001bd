package io.leakguard.cleanup;

import java.util.Optional;

/**
 * A default uncaught exception handler of the web application's classes: {@code Thread} keeps it in a static field,
 * so it outlives the application and would even be called, from a dead application, for every other thread's failure.
 * One that passes failures on to another application's handler, which it replaced, is only reported.
 *
 * <p>What the server had set before any application ran is put back, usually none: a server library's handler that
 * the application's passed failures on to would otherwise go with it.
 */
final class DefaultUncaughtExceptionHandler implements LeakCheck {

    /** From before any web application ran: leakguard starts with the server. Usually none. */
    private static volatile Thread.UncaughtExceptionHandler server = Thread.getDefaultUncaughtExceptionHandler();

    /** Takes the handler set now as the server's. */
    static void remember() {
        server = Thread.getDefaultUncaughtExceptionHandler();
    }

    @Override
    public String id() {
        return "uncaughtExceptionHandler";
    }

    @Override
    public String kind() {
        return "UncaughtExceptionHandler";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public void run(Scan scan) {
        Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
        if (!scan.ownership().ownsObject(handler)) {
            return;
        }
        Scan.Leak leak = scan.leak("default uncaught exception handler " + Describe.object(handler));
        Optional<String> kept = scan.keptForAnotherApplication(handler);
        if (kept.isPresent()) {
            leak.warned(kept.get());
            return;
        }
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        // What leakguard took for the server's is an application's when leakguard came after it: none then.
        Thread.UncaughtExceptionHandler servers = server;
        if (servers != null && scan.ownership().isServers(servers.getClass().getClassLoader())) {
            Thread.setDefaultUncaughtExceptionHandler(servers);
            leak.fixed("Thread.setDefaultUncaughtExceptionHandler(" + Describe.object(servers) + "): the server's,"
                    + " from before any application");
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler(null);
        leak.fixed("reset to none (the JVM's own behaviour: print the stack trace)");
    }
}
