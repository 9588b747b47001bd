package io.leakguard.cleanup;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * A console stream of an application, which {@link DyingLoader}s define anew in engine tests; it may hold anything. A
 * class of its own rather than a nested one, whose copy in another loader could not reach its nest host.
 */
public final class ConsoleStream extends PrintStream {

    public Object held;

    public ConsoleStream() {
        super(OutputStream.nullOutputStream());
    }
}
