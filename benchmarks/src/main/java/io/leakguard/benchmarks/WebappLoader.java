package io.leakguard.benchmarks;

/** The class loader of the web application leakguard cleans: a plain loader holding the generated classes. */
final class WebappLoader extends ClassLoader implements WebappClasses.Definer {

    WebappLoader(ClassLoader parent) {
        super("bench-webapp", parent);
    }

    @Override
    public Class<?> define(String name, byte[] code) {
        return defineClass(name, code, 0, code.length);
    }
}
