package io.leakguard.cleanup;

/**
 * A stopping web application's loader, as {@link DyingLoader}, deployed without a library it can do without: it does
 * not find {@link ApplicationOptionalDependency}.
 */
final class WithoutOptionalDependency extends DyingLoader {

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.equals(ApplicationOptionalDependency.class.getName())) {
            throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
    }
}
