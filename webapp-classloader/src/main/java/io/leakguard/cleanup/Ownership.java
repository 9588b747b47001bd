package io.leakguard.cleanup;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Decides what belongs to the dying web application: its class loader, any loader it created below itself, every
 * class they defined, and every instance of those classes. Knows, too, the container's objects that belong to every
 * application at once.
 */
public final class Ownership {

    private final ClassLoader dying;
    private final Set<Object> serverWide = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * With the container's objects that lead to every application it runs, as its hosts and executors do: what reaches
     * the dying application only through one of them is not what holds it.
     */
    public Ownership(ClassLoader dying, Collection<?> serverWide) {
        this.dying = dying;
        this.serverWide.addAll(serverWide);
    }

    public ClassLoader loader() {
        return dying;
    }

    public boolean owns(ClassLoader loader) {
        for (ClassLoader l = loader; l != null; l = l.getParent()) {
            if (l == dying) {
                return true;
            }
        }
        return false;
    }

    public boolean owns(Class<?> type) {
        return owns(type.getClassLoader());
    }

    /** True for the loader itself, a child of it, one of their classes, or an instance of one of their classes. */
    public boolean ownsObject(Object object) {
        if (object instanceof Class<?> type) {
            return owns(type);
        }
        if (object instanceof ClassLoader loader && owns(loader)) {
            return true;
        }
        return object != null && owns(object.getClass());
    }

    /** True for one of the container's objects that lead to every application it runs. */
    public boolean isServerWide(Object object) {
        return serverWide.contains(object);
    }

    /**
     * True for the JDK's loader or a loader above the application's: the server's own, whose objects may stand in for
     * what an application replaced. A loader that is neither, nor the application's, is another application's.
     */
    public boolean isServers(ClassLoader loader) {
        for (ClassLoader above = dying.getParent(); above != null; above = above.getParent()) {
            if (above == loader) {
                return true;
            }
        }
        return loader == null;
    }

    /**
     * True when {@code root}, or an object on its {@code chain} to this application, is of neither this application nor
     * the server: a JVM-wide default that wraps, however deep, what another application set must not be taken from
     * that application.
     */
    public boolean isAnotherApplications(Object root, Reach.Chain chain) {
        return isAnotherApplications(root) || chain.objects().stream().anyMatch(this::isAnotherApplications);
    }

    /** True for an object of neither this application nor the server: another application's. */
    public boolean isAnotherApplications(Object object) {
        return object != null && !ownsObject(object) && !isServers(object.getClass().getClassLoader());
    }

    /** The loader that replaces the dying one as a thread's context class loader: the one above it. */
    public ClassLoader replacement() {
        return dying.getParent();
    }
}
