package io.leakguard.cleanup;

import java.util.List;

/**
 * A ClassValue of an application, which {@link DyingLoader}s define anew in engine tests, whose values hold it, as
 * {@link SelfDescribing}'s do, and whose remove() also counts the removal in the application's metrics, which its stop
 * has closed.
 */
public final class ApplicationClassCache extends ClassValue<Object> {

    @Override
    protected Object computeValue(Class<?> type) {
        return List.of(this, type.getName());
    }

    @Override
    public void remove(Class<?> type) {
        throw new IllegalStateException("metrics registry closed");
    }
}
