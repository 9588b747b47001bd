package io.leakguard.cleanup;

import java.util.Map;
import java.util.Queue;

/** A cache an application keeps in a static field; {@link DyingLoader}s define it anew in engine tests. */
public final class ApplicationCache {

    public static Map<String, Object> entries;
    public static Queue<Object> pending;
}
