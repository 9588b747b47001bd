package io.leakguard.listener;

import org.apache.catalina.loader.ParallelWebappClassLoader;

/** A class loader an application chose for itself in its context.xml, which leakguard cannot replace. */
public class OwnLoader extends ParallelWebappClassLoader {

    public OwnLoader(ClassLoader parent) {
        super(parent);
    }
}
