package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.sites.CreationSites;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Shutdown hooks the web application registered with {@code Runtime.addShutdownHook}: the JVM keeps each hook thread,
 * and through its class or its task the whole application, until the JVM exits.
 *
 * <p>Warns by default: a hook usually exists to flush or release something, and the safe moment to run it is the
 * operator's call. With {@code fix} the hook is removed and run now, on its own thread, as the JVM would have run it,
 * with a bounded wait.
 */
final class ShutdownHooks implements LeakCheck {

    @Override
    public String id() {
        return "shutdownHooks";
    }

    @Override
    public String kind() {
        return "ShutdownHook";
    }

    @Override
    public Mode defaultMode() {
        return Mode.WARN;
    }

    @Override
    public List<Internal> needs() {
        return RegisteredHooks.needs();
    }

    @Override
    public void run(Scan scan) throws InterruptedException, ClassNotFoundException {
        for (Thread hook : RegisteredHooks.all()) {
            Optional<String> link = RegisteredHooks.linkToWebapp(hook, scan.ownership());
            if (link.isEmpty()) {
                continue;
            }
            Scan.Leak leak = scan.leak("shutdown hook thread [" + hook.getName() + "] " + Describe.object(hook))
                    .via(List.of(link.get())).createdAt(CreationSites.of(hook));
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
            } else if (Runtime.getRuntime().removeShutdownHook(hook)) {
                leak.fixed("removed from the JVM's shutdown hooks" + runBounded(hook, scan));
            }
        }
    }

    /**
     * The hook's start() and run() are the application's code, which may fail on what its stop closed already or hold
     * the hook's monitor while it runs: neither may hold the pass, nor keep the application's other hooks in.
     */
    private static String runBounded(Thread hook, Scan scan) throws InterruptedException {
        Duration wait = scan.policy().threadStopWait();
        long deadline = System.nanoTime() + wait.toNanos();
        BoundedCall start = BoundedCall.run("leakguard-start-hook", hook::start, wait);
        if (start.failure() instanceof IllegalThreadStateException) {
            // An application may start its hook itself, to have it done at its stop, and leave it registered; a
            // thread starts only once, and the application's other hooks are still to be removed.
            return "; the application had started it already, so it was not run again";
        }
        if (start.failure() != null) {
            return "; its start() failed with " + start.failure().getClass().getName() + ", so it was not run";
        }
        if (start.running()) {
            return "; its start() " + start.notReturned(wait);
        }
        LiveThreads.awaitEnd(hook, deadline);
        return " and run now: " + (hook.isAlive() ? "still running after " + wait.toMillis()
                + " ms, left to finish on its own" : "it finished");
    }
}
