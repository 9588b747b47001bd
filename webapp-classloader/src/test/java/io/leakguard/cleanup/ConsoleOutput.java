package io.leakguard.cleanup;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Where an application's console output ends up, as its log file would be, which {@link DyingLoader}s define anew in
 * engine tests.
 */
public final class ConsoleOutput extends OutputStream {

    public final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
        written.write(b);
    }
}
