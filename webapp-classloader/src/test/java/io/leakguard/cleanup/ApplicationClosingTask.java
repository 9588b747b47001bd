package io.leakguard.cleanup;

import java.util.TimerTask;

/**
 * A timer task of an application, which {@link DyingLoader}s define anew in engine tests, whose cancel() also closes
 * what it works on: by the time the application stops that is gone, and its cancel() fails.
 */
public final class ApplicationClosingTask extends TimerTask {

    @Override
    public void run() {
    }

    @Override
    public boolean cancel() {
        throw new IllegalStateException("the application's cancel() ran");
    }
}
