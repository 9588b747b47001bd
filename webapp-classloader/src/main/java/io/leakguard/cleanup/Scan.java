package io.leakguard.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** One check's view of one cleanup pass: what is dying, what the policy allows, and where findings go. */
public final class Scan {

    private final LeakCheck check;
    private final String webapp;
    private final Policy policy;
    private final Mode mode;
    private final Ownership ownership;
    private final long deadline;
    private final Consumer<Finding> sink;

    Scan(LeakCheck check, Ownership ownership, String webapp, Policy policy, Consumer<Finding> sink) {
        this.check = check;
        this.webapp = webapp;
        this.policy = policy;
        this.mode = policy.mode(check);
        this.ownership = ownership;
        this.deadline = System.nanoTime() + policy.checkBudget().toNanos();
        this.sink = sink;
    }

    public ClassLoader loader() {
        return ownership.loader();
    }

    public String webapp() {
        return webapp;
    }

    public Policy policy() {
        return policy;
    }

    public Ownership ownership() {
        return ownership;
    }

    /** True when the policy lets this check repair what it finds; otherwise it only reports. */
    public boolean fixing() {
        return mode == Mode.FIX;
    }

    /** The reason to give when a leak is left in place only because the policy says warn. */
    public String policyReason() {
        return "left in place because leakguard setting " + check.id() + "=" + mode;
    }

    /** True once this check has used its time budget; it should report what it has not inspected and return. */
    public boolean expired() {
        return System.nanoTime() - deadline > 0;
    }

    /** A reference walk bounded by this policy's limits and this check's budget. */
    public Reach reach() {
        return new Reach(ownership, ownership::ownsObject, policy.walkMaxDepth(), policy.walkMaxNodes(), this);
    }

    /** A reference walk like {@link #reach()} to any other application's objects instead of the dying one's. */
    public Reach reachOtherApplications() {
        return new Reach(ownership, ownership::isAnotherApplications, policy.walkMaxDepth(), policy.walkMaxNodes(),
                this);
    }

    /**
     * Why {@code own}, an object of the dying application set JVM-wide, stays: it passes on to another application's
     * object (the handler or selector it replaced, say), which resetting the default would drop while that
     * application runs. Empty when it leads to no other application.
     */
    public Optional<String> keptForAnotherApplication(Object own) {
        return reachOtherApplications().chain(own).filter(chain -> !chain.objects().isEmpty())
                .map(chain -> "it passes on to another application's "
                        + Describe.object(chain.objects().get(chain.objects().size() - 1))
                        + ", which resetting it would drop while that application runs; left in place");
    }

    /**
     * True when {@code noted}, what leakguard took note of as the server's JVM-wide default, is fit to be put back: of
     * the server's classes, and not reaching this application. Noted after an application had set its own (no server
     * start told leakguard otherwise), it may be that application's, another's, or a JDK wrapper around one.
     */
    public boolean isServersToPutBack(Object noted) {
        return noted != null && ownership.isServers(noted.getClass().getClassLoader())
                && reach().chain(noted).isEmpty();
    }

    /** Starts a finding about {@code what}; it is recorded when one of its outcome methods is called. */
    public Leak leak(String what) {
        return new Leak(what);
    }

    void failed(Throwable failure) {
        leak("the " + check.id() + " check failed").skipped(Describe.failure(failure));
    }

    /** A finding being described. */
    public final class Leak {

        private final String what;
        private final List<String> chain = new ArrayList<>();
        private final List<String> threads = new ArrayList<>();
        private String createdAt;

        private Leak(String what) {
            this.what = what;
        }

        public Leak via(List<String> links) {
            chain.addAll(links);
            return this;
        }

        public Leak createdAt(String site) {
            createdAt = site;
            return this;
        }

        public Leak onThreads(List<String> names) {
            threads.addAll(names);
            return this;
        }

        public void fixed(String action) {
            record(Outcome.FIXED, action);
        }

        public void warned(String reason) {
            record(Outcome.WARNED, reason);
        }

        public void skipped(String reason) {
            record(Outcome.SKIPPED, reason);
        }

        private void record(Outcome outcome, String action) {
            sink.accept(new Finding(check.kind(), webapp, what, chain, createdAt, threads, outcome, action));
        }
    }
}
