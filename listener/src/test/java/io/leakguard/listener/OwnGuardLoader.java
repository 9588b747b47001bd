package io.leakguard.listener;

import io.leakguard.loader.LeakGuardClassLoader;

/** A class loader of an application's own that builds on leakguard's, so it is guarded as it is. */
public class OwnGuardLoader extends LeakGuardClassLoader {

    public OwnGuardLoader(ClassLoader parent) {
        super(parent);
    }
}
