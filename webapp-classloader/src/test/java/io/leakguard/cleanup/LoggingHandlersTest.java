package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.Test;

/**
 * What the application put on a logger or handler of the server, which stay, holds it as its own handler would: a
 * filter or formatter of its classes is taken off them.
 */
class LoggingHandlersTest {

    private final DyingLoader dying = new DyingLoader();

    @Test
    void theApplicationsFiltersAndFormatterOnTheServersLoggerAndHandlerAreTakenOff() throws Exception {
        Logger logger = Logger.getLogger(LoggingHandlersTest.class.getName());
        Handler handler = new StreamHandler(new ByteArrayOutputStream(), new SimpleFormatter());
        logger.addHandler(handler);
        try {
            logger.setFilter((Filter) dying.newInstance(ApplicationLogFormat.class));
            handler.setFilter((Filter) dying.newInstance(ApplicationLogFormat.class));
            handler.setFormatter((Formatter) dying.newInstance(ApplicationLogFormat.class));

            List<Finding> findings = Passes.findings(dying, "LoggingHandler");

            assertEquals(List.of("removed from the logger", "removed from the handler", "replaced by a"
                    + " java.util.logging.SimpleFormatter (a handler cannot be without one)"),
                    findings.stream().map(Finding::action).toList(), findings::toString);
            assertNull(logger.getFilter(), "the logger's filter");
            assertNull(handler.getFilter(), "the handler's filter");
            assertSame(SimpleFormatter.class, handler.getFormatter().getClass());
        } finally {
            logger.removeHandler(handler);
            logger.setFilter(null);
        }
    }
}
