package io.leakguard.cleanup;

import java.security.Provider;
import java.util.UUID;

/**
 * A security provider of an application, which {@link DyingLoader}s define anew in engine tests, that reads its name
 * from its configuration each time it is asked: once the application's stop has {@link #closed} that, getName() fails;
 * while {@link #stalled}, it waits for the configuration server until the test's {@link CallbackGate} releases it.
 * Each one has a name of its own, as the JDK installs one provider of a name only, whichever loader defined it.
 */
public final class ApplicationProvider extends Provider {

    public volatile boolean closed;
    public volatile boolean stalled;

    public ApplicationProvider() {
        super("LeakGuardTest-" + UUID.randomUUID(), "1", "a provider of a stopping application");
    }

    @Override
    public String getName() {
        if (stalled) {
            CallbackGate.current().awaitRelease();
        }
        if (closed) {
            throw new IllegalStateException("provider configuration closed");
        }
        return super.getName();
    }
}
