package io.leakguard.cleanup;

import java.util.AbstractMap;
import java.util.Set;

/**
 * A map of an application, which {@link DyingLoader}s define anew in engine tests, whose entries are the
 * application's code, which a JDK view of it (its key set) runs when iterated.
 */
public final class ApplicationMap extends AbstractMap<Object, Object> {

    @Override
    public Set<Entry<Object, Object>> entrySet() {
        throw new IllegalStateException("the application's entrySet() ran");
    }
}
