package io.leakguard.cleanup;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A signal handler of an application, which {@link DyingLoader}s define anew in engine tests; it may hold anything, as
 * one that passes the signal on holds the handler it passes it to.
 */
public final class SignalListener implements SignalHandler {

    public Object held;

    @Override
    public void handle(Signal signal) {
    }
}
