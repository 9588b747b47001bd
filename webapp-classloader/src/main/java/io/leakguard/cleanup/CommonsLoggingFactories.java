package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

/**
 * A commons-logging {@code LogFactory} of the server's class path keeps, for every context class loader it was called
 * under, the factory it found for it (Tomcat wiki, "LogFactory"). Since 1.1 the cache's keys are weak, but a factory
 * of the application's own classes, which an application names in a {@code META-INF/services} file as log4j-jcl does,
 * or one that keeps the application's {@code Log} classes, holds its loader all the same; before 1.1 the keys were
 * strong. Commons-logging's own cure is {@code LogFactory.release(loader)} at undeploy, which leakguard calls for the
 * stopping application when the factory is the application's own: it drops only that application's entry. A factory
 * of the server's is shared in all but its entry, so only the entry goes: commons-logging 1.3's SLF4J factory, for
 * one, stops the server's logging backend in its {@code release()}. A copy of commons-logging in the application
 * itself goes with it and is left alone.
 */
final class CommonsLoggingFactories implements LeakCheck {

    private static final String LOG_FACTORY = "org.apache.commons.logging.LogFactory";

    @Override
    public String id() {
        return "commonsLogging";
    }

    @Override
    public String kind() {
        return "LogFactory";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return List.of(LoadedClasses.CLASSES);
    }

    @Override
    public void run(Scan scan) throws ReflectiveOperationException, InterruptedException {
        Optional<Class<?>> logFactory = aboveTheApplication(scan.ownership().loader());
        if (logFactory.isEmpty()) {
            return;
        }
        Optional<Field> cache = cacheOf(logFactory.get());
        if (cache.isEmpty()) {
            return;
        }
        ClassLoader loader = scan.ownership().loader();
        Object factories = cache.get().get(null);
        if (!(factories instanceof Hashtable<?, ?> table)) {
            return;
        }
        Object factory = table.get(loader);
        if (factory == null) {
            return;
        }
        Optional<Reach.Chain> chain = scan.reach().chain(factory);
        // A cache of the JDK's own Hashtable, as before 1.1 or by configuration, holds the loader by its key alone.
        boolean strongKeys = table.getClass() == Hashtable.class;
        if (chain.isEmpty() && !strongKeys) {
            return;
        }
        Scan.Leak leak = scan.leak("commons-logging LogFactory on the server's class path keeps factory "
                + Describe.object(factory) + " for the application's class loader"
                + (chain.isEmpty() ? ", under a key it holds strongly" : ""));
        chain.filter(found -> !found.links().isEmpty()).ifPresent(found -> leak.via(found.links()));
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        if (!scan.ownership().ownsObject(factory)) {
            // release(loader) would run the server's factory's release(), and SLF4J's stops the logging backend that
            // every application and the server log through.
            table.remove(loader);
            leak.fixed("removed from the cache; the factory is the server's, so its release() was not called");
            return;
        }
        Method release = logFactory.get().getMethod("release", ClassLoader.class);
        Duration wait = scan.policy().threadStopWait();
        // The factory's own release(), the application's code, runs before its entry goes, and may fail, or wait for
        // its appenders to drain to a peer no longer reading.
        BoundedCall released = BoundedCall.run("leakguard-release-log-factory", () -> release.invoke(null, loader),
                wait);
        if (released.returned()) {
            leak.fixed("LogFactory.release(web application loader)");
        } else if (released.running()) {
            // LogFactory holds the cache's lock while the factory releases: the entry is left for it to drop.
            leak.warned("LogFactory.release(web application loader) was still running after " + wait.toMillis()
                    + " ms, left to finish on its own thread");
        } else {
            table.remove(loader);
            Throwable failure = released.failure();
            leak.fixed("removed from the cache, after LogFactory.release(web application loader) failed with "
                    + Describe.failure(failure instanceof InvocationTargetException e ? e.getCause() : failure));
        }
    }

    /** Where commons-logging keeps its factories; the bridges that stand in for it (SLF4J's, Spring's) keep none. */
    private static Optional<Field> cacheOf(Class<?> logFactory) {
        try {
            Field cache = logFactory.getDeclaredField("factories");
            return Modifier.isStatic(cache.getModifiers()) && cache.trySetAccessible() ? Optional.of(cache)
                    : Optional.empty();
        } catch (NoSuchFieldException e) {
            return Optional.empty();
        }
    }

    /** The LogFactory a loader above the application has loaded; one that has not has cached nothing. */
    private static Optional<Class<?>> aboveTheApplication(ClassLoader loader) {
        for (ClassLoader above = loader.getParent(); above != null; above = above.getParent()) {
            for (Class<?> type : LoadedClasses.of(above)) {
                if (type.getName().equals(LOG_FACTORY)) {
                    return Optional.of(type);
                }
            }
        }
        return Optional.empty();
    }
}
