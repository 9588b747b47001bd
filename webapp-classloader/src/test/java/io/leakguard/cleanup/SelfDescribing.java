package io.leakguard.cleanup;

import java.util.List;

/**
 * A ClassValue of an application, which {@link DyingLoader}s define anew in engine tests: each value holds the
 * ClassValue, as a runtime's metadata holds the runtime that made it, so the value keeps its own weak key alive.
 */
public final class SelfDescribing extends ClassValue<Object> {

    @Override
    protected Object computeValue(Class<?> type) {
        return List.of(this, type.getName());
    }
}
