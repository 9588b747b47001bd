package io.leakguard.cleanup;

/**
 * A class of an application with a field of an optional dependency's type, which {@link WithoutOptionalDependency}
 * defines in engine tests without that dependency: the application runs, but the class's fields cannot be listed.
 */
public final class ApplicationPlugin {

    public ApplicationOptionalDependency dependency;
}
