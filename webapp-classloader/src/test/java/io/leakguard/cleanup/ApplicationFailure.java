package io.leakguard.cleanup;

/**
 * An exception of an application whose message comes from its resource bundle, which the application's stop closed:
 * asked for its message, or printed, it fails in turn.
 */
public final class ApplicationFailure extends RuntimeException {

    @Override
    public String getMessage() {
        throw new IllegalStateException("the application's messages are closed");
    }
}
