package io.leakguard.cleanup;

import java.io.ObjectInputFilter;
import java.util.function.BinaryOperator;

/**
 * A deserialization filter that is also a filter factory, of an application, which {@link DyingLoader}s define anew in
 * engine tests; it may hold anything, as one that defers to another application's holds that one.
 */
public final class ApplicationSerialFilter implements ObjectInputFilter, BinaryOperator<ObjectInputFilter> {

    public Object held;

    @Override
    public Status checkInput(FilterInfo info) {
        return Status.UNDECIDED;
    }

    @Override
    public ObjectInputFilter apply(ObjectInputFilter current, ObjectInputFilter next) {
        return next;
    }
}
