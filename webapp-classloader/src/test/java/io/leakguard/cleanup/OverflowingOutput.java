package io.leakguard.cleanup;

import java.io.OutputStream;

/**
 * An application's log bridge, which {@link DyingLoader}s define anew in engine tests, that flushes when it writes and,
 * by a bug of its own, writes when it flushes: its flush overflows the stack.
 */
public final class OverflowingOutput extends OutputStream {

    @Override
    public void write(int b) {
        flush();
    }

    @Override
    public void flush() {
        write('\n');
    }
}
