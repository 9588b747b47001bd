package io.leakguard.cleanup;

/** A ThreadLocal subclass of an application, which {@link DyingLoader}s define anew in engine tests. */
public final class ApplicationThreadLocal extends ThreadLocal<Object> {
}
