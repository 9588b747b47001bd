package io.leakguard.cleanup;

import java.util.Optional;

/**
 * A default uncaught exception handler of the web application's classes: {@code Thread} keeps it in a static field,
 * so it outlives the application and would even be called, from a dead application, for every other thread's failure.
 * One that passes failures on to another application's handler, which it replaced, is only reported.
 */
final class DefaultUncaughtExceptionHandler implements LeakCheck {

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
        Thread.setDefaultUncaughtExceptionHandler(null);
        leak.fixed("reset to none (the JVM's own behaviour: print the stack trace)");
    }
}
