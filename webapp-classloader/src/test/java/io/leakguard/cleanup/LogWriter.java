package io.leakguard.cleanup;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * A JDBC log writer of an application, which {@link DyingLoader}s define anew in engine tests; it may hold anything,
 * as one that passes messages on holds the writer it passes them to.
 */
public final class LogWriter extends PrintWriter {

    public Object held;

    public LogWriter() {
        super(Writer.nullWriter());
    }
}
