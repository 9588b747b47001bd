package io.leakguard.benchmarks.request;

/** Not a thread, yet its {@code start()} call site is instrumented like every {@code start()} call site. */
final class StopWatch {

    private long started;

    void start() {
        started = System.nanoTime();
    }

    long elapsedNanos() {
        return System.nanoTime() - started;
    }
}
