package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import java.util.List;

/** One leak kind: how to find it in a stopping web application, how to fix it safely, and how to say so. */
public interface LeakCheck {

    /** The setting that switches this check, for example {@code threadLocals}. */
    String id();

    /** The leak kind as the log names it, for example {@code ThreadLocal}. */
    String kind();

    Mode defaultMode();

    /** The JDK internals without which this check cannot run at all; it is skipped when one is unavailable. */
    default List<Internal> needs() {
        return List.of();
    }

    /**
     * The JDK internals without which this check still runs, but finds or fixes less, each with what it adds. Those
     * this JVM has not opened are named once at start-up, at info: nothing is broken without them.
     */
    default List<Improvement> improvedBy() {
        return List.of();
    }

    /** Looks for this leak kind and reports every finding to {@code scan}; fixes only when the scan says so. */
    void run(Scan scan) throws Exception;
}
