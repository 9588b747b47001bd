package io.leakguard.listener;

import io.leakguard.cleanup.ReportLog;
import java.net.URLConnection;
import java.nio.channels.AsynchronousSocketChannel;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.slf4j.Logger;

/**
 * The catalogue of JRE offenders and the one loop that preloads them at server start, before any web application
 * can be the first to touch them. Adding an offender is adding an entry; the loop does not change.
 */
public final class JreOffenders {

    private static final Logger LOG = ReportLog.logger();

    // Lambdas with a body, not method references: a method reference resolves its class when the catalogue is built,
    // and a runtime without java.desktop or java.sql must still load the catalogue and skip those entries.
    private static final List<JreOffender> CATALOGUE = List.of(
            new JreOffender("appContext", 1, JreOffender.STILL_OPEN, "java.desktop",
                    "ImageIO.getCacheDirectory() creates the main sun.awt.AppContext, which keeps the context class"
                            + " loader of the thread that created it for the life of the JVM (still so on JDK 25);"
                            + " ImageIO, Java2D, Swing and libraries built on them create it on first use",
                    true, configured -> ImageIO.getCacheDirectory()),
            new JreOffender("driverManager", 1, JreOffender.STILL_OPEN, "java.sql",
                    "DriverManager.getDrivers() runs the one-time ServiceLoader scan for JDBC drivers; run first by a"
                            + " web application, it registers that application's own drivers server-wide, which stock"
                            + " Tomcat then has to force out on stop, and never finds those in $CATALINA_BASE/lib",
                    true, configured -> scanServerDrivers()),
            new JreOffender("jarUrlCaching", 1, JreOffender.STILL_OPEN, "java.base",
                    "URLConnection.setDefaultUseCaches(\"jar\", false) (JDK-8163449): a cached jar: URL keeps its"
                            + " JarFile open for the life of the JVM, so a WEB-INF/lib jar stays open (locked on"
                            + " Windows) after undeploy",
                    true, configured -> URLConnection.setDefaultUseCaches("jar", false)),
            new JreOffender("secureRandom", 1, 18, "java.base",
                    "new SecureRandom().generateSeed(1) starts the seed generator; when the seed source falls back to"
                            + " the threaded generator, its 'SeedGenerator Thread' keeps the creating thread's context"
                            + " class loader forever. JDK 19 (JDK-8284161) gives threads that do not inherit thread"
                            + " locals the system loader instead",
                    true, configured -> new SecureRandom().generateSeed(1)),
            new JreOffender("forkJoinCommonPool", 8, 8, "java.base",
                    "ForkJoinPool.commonPool() warm-up: JDK 8 common-pool workers kept the context class loader of"
                            + " the thread that made the pool spawn them; since JDK 9 (JDK-8172726) they get the"
                            + " system loader",
                    false, configured -> ForkJoinPool.commonPool().submit(() -> { }).get()),
            new JreOffender("preferences", 1, JreOffender.STILL_OPEN, "java.prefs",
                    "initialises java.util.prefs.FileSystemPreferences, whose static initialiser starts the sync"
                            + " Timer thread 'Timer-0' (and a shutdown hook) that keep the context class loader of"
                            + " the first user of java.util.prefs for the life of the JVM (still so on JDK 25)",
                    true, configured -> startPreferencesSyncTimer()),
            new JreOffender("delayScheduler", 9, JreOffender.STILL_OPEN, "java.base",
                    "a CompletableFuture timeout starts the JVM's one thread for CompletableFuture timeouts and delays"
                            + " ('CompletableFutureDelayScheduler', from JDK 25 the common pool's"
                            + " 'ForkJoinPool.commonPool-delayScheduler'), which keeps the context class loader of"
                            + " the first caller of orTimeout, completeOnTimeout or delayedExecutor for the life of"
                            + " the JVM (still so on JDK 25)",
                    true, configured -> startDelayScheduler()),
            new JreOffender("asyncChannelGroup", 7, 24, "java.base",
                    "AsynchronousSocketChannel.open() starts the JVM's default asynchronous channel group, whose"
                            + " threads keep the context class loader of the first caller for the life of the JVM;"
                            + " JDK 25 makes them innocuous threads (measured on 17 and 25, the releases between"
                            + " are preloaded too)",
                    true, configured -> AsynchronousSocketChannel.open().close()),
            new JreOffender("classesToInitialize", 1, JreOffender.STILL_OPEN, "java.base",
                    "initialises each class named in the listener's classesToInitialize attribute, for"
                            + " server-library or JRE classes whose static initialiser keeps the context class loader",
                    true, configured -> initialize(configured.classesToInitialize())));

    private JreOffenders() {
    }

    /** The setting names of every offender, in catalogue order. */
    public static Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        CATALOGUE.forEach(offender -> ids.add(offender.id()));
        return ids;
    }

    /** Every offender, including those that no longer matter on this JDK: the listener's defaults and docs. */
    public static List<JreOffender> catalogue() {
        return CATALOGUE;
    }

    /**
     * Preloads each offender that matters on this JDK and that {@code enabled} accepts, as {@code configured}, with the
     * system class loader as context class loader, so that the JRE keeps that loader instead of a web application's.
     */
    public static void preload(Predicate<String> enabled, JreOffender.Configured configured) {
        List<String> preloaded = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> off = new ArrayList<>();
        List<String> notNeeded = new ArrayList<>();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
        try {
            for (JreOffender offender : CATALOGUE) {
                if (!offender.mattersHere()) {
                    notNeeded.add(offender.id());
                } else if (!enabled.test(offender.id())) {
                    off.add(offender.id());
                } else {
                    (ran(offender, configured) ? preloaded : failed).add(offender.id());
                }
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
        LOG.info("leakguard: JRE offenders preloaded on JDK {}: {}; failed: {}; switched off: {}; not needed on this"
                + " JDK: {}", Runtime.version().feature(), names(preloaded), names(failed), names(off),
                names(notNeeded));
    }

    private static boolean ran(JreOffender offender, JreOffender.Configured configured) {
        try {
            offender.action().run(configured);
            return true;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | Error e) {
            // Errors too: a runtime without AWT natives answers ImageIO with an UnsatisfiedLinkError or AWTError,
            // and that must not cost the server its other preloads.
            LOG.warn("leakguard: JRE offender {} not preloaded, web applications may still pin it: {}",
                    offender.id(), e.toString());
            return false;
        }
    }

    private static String names(List<String> ids) {
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }

    /**
     * Tomcat runs this scan with its own loader as context class loader, not the system one, so that drivers in
     * $CATALINA_BASE/lib are found: once the scan has run, DriverManager never scans again, and a driver it missed
     * then has to be registered by hand. leakguard lives in that same lib folder.
     */
    private static void scanServerDrivers() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(JreOffenders.class.getClassLoader());
        try {
            DriverManager.getDrivers();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The Unix back end only: Windows' has neither the class nor a timer, so there is nothing to preload there. */
    private static void startPreferencesSyncTimer() {
        try {
            Class.forName("java.util.prefs.FileSystemPreferences", true, ClassLoader.getPlatformClassLoader());
        } catch (ClassNotFoundException e) {
            LOG.debug("leakguard: no file-system preferences back end on this platform");
        }
    }

    /** A timeout that expires at once: the scheduler's thread starts to expire it, and the wait is a millisecond. */
    private static void startDelayScheduler() {
        new CompletableFuture<Void>().completeOnTimeout(null, 1, TimeUnit.MILLISECONDS).join();
    }

    /** Like Tomcat, the classes come from the loader of the server's lib folder, which also sees the JRE's. */
    private static void initialize(List<String> classes) throws ClassNotFoundException {
        List<String> missing = new ArrayList<>();
        for (String name : classes) {
            try {
                Class.forName(name, true, JreOffenders.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ClassNotFoundException(String.join(", ", missing) + " (the others were initialised)");
        }
    }
}
