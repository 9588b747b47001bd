package io.leakguard.cleanup;

import java.util.ArrayList;
import java.util.Iterator;

/**
 * A list of an application, which {@link DyingLoader}s define anew in engine tests, whose iteration is the
 * application's code: a pass that iterates it has run that code.
 */
public final class ApplicationList extends ArrayList<Object> {

    @Override
    public Iterator<Object> iterator() {
        throw new IllegalStateException("the application's iterator() ran");
    }
}
