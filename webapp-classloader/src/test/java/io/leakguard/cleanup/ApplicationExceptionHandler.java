package io.leakguard.cleanup;

/**
 * A default uncaught exception handler of an application, which {@link DyingLoader}s define anew in engine tests; as
 * error reporters do, it passes each failure on to the handler that was the default before it.
 */
public final class ApplicationExceptionHandler implements Thread.UncaughtExceptionHandler {

    public Thread.UncaughtExceptionHandler previous;

    @Override
    public void uncaughtException(Thread thread, Throwable failure) {
        if (previous != null) {
            previous.uncaughtException(thread, failure);
        }
    }
}
