package io.leakguard.cleanup;

import java.io.InputStream;

/** Scripted console input of an application, which {@link DyingLoader}s define anew in engine tests. */
public final class ConsoleInput extends InputStream {

    @Override
    public int read() {
        return -1;
    }
}
