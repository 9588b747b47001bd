package io.leakguard.cleanup;

import java.util.concurrent.ExecutorService;

/** Where an application keeps an executor; {@link DyingLoader}s define it anew in engine tests. */
public final class ApplicationExecutors {

    public static ExecutorService shared;
}
