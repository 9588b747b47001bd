package io.leakguard.cleanup;

import java.util.AbstractList;

/**
 * A list of an application, which {@link DyingLoader}s define anew in engine tests, that computes its one element:
 * reading it is the application's code, which a JDK view of it (a sub-list) runs when iterated.
 */
public final class ApplicationSequence extends AbstractList<Object> {

    @Override
    public Object get(int index) {
        throw new IllegalStateException("the application's get() ran");
    }

    @Override
    public int size() {
        return 1;
    }
}
