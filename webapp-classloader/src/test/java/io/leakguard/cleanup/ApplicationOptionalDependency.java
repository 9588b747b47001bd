package io.leakguard.cleanup;

/** A type of a library an application may do without; {@link WithoutOptionalDependency} does not find it. */
public final class ApplicationOptionalDependency {
}
