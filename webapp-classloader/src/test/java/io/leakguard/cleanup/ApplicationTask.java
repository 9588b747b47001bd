package io.leakguard.cleanup;

import java.util.TimerTask;

/** A timer task of an application, which {@link DyingLoader}s define anew in engine tests; it may hold anything. */
public final class ApplicationTask extends TimerTask {

    public Object held;

    @Override
    public void run() {
    }
}
