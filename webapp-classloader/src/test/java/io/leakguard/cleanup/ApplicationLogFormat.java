package io.leakguard.cleanup;

import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/** A log filter and formatter of an application, which {@link DyingLoader}s define anew in engine tests. */
public final class ApplicationLogFormat extends Formatter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        return true;
    }

    @Override
    public String format(LogRecord record) {
        return record.getMessage();
    }
}
