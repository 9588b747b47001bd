package io.leakguard.benchmarks;

import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.sites.SiteTransformer;
import io.leakguard.testing.EmbeddedTomcat;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.loader.WebappClassLoaderBase;

/**
 * What {@code creationSites} costs where it runs, side by side in one JVM: a documented harness, not JMH, because
 * JMH runs each benchmark method in a JVM of its own, and two JVMs on a shared machine differ by more than the cost
 * measured here. Each round deploys the application to one embedded Tomcat three times, in turn, and loads every class
 * its loader defines itself, as requests would, timing only the loading:
 * <ul>
 * <li><b>as they come</b>: leakguard's loader without creation sites;</li>
 * <li><b>instrumented</b>: the same loader with leakguard's transformer, timed on its own as well;</li>
 * <li><b>patched beforehand</b>: a transformer that hands over the bytes leakguard's made before the rounds began,
 * so the shot costs what the JVM spends defining the added stubs and constants, and nothing of the transformer.</li>
 * </ul>
 * The three take turns in a rotating order, so that none always follows a collection or a compilation. A class is
 * loaded once in a JVM's life, so the rounds are reported by range: the first ones while the JIT has compiled little
 * of the transformer (which has been through every class once, to make the third shot's bytes), the last ones with it
 * compiled. The application is either every fixture's classes, from {@code WEB-INF/classes}, most of them making
 * instrumented calls, or whole libraries of the benchmark jar that Tomcat's loader does not leave to the server
 * (commons-math, JMH, ASM, jopt-simple), from a jar in {@code WEB-INF/lib}.
 *
 * <p>Run with {@code ./benchmarks/run TomcatClassLoading [fixtures|libraries] [rounds]} after building the fixtures.
 */
public final class TomcatClassLoading {

    private static final int[] RANGE_STARTS = {1, 11, 41, 201};

    private final ApplicationClasses classes;
    private final Path webapp;
    private final EmbeddedTomcat tomcat;
    /** The classes the application's loader defines itself, not those it finds in the server or cannot link. */
    private final List<String> own = new ArrayList<>();
    /** The bytes leakguard's transformer made of each class it changes, by internal name. */
    private final Map<String, byte[]> patched = new HashMap<>();
    private int deployed;
    private Context context;

    private TomcatClassLoading(ApplicationClasses classes, boolean inLib, EmbeddedTomcat tomcat) {
        this.classes = classes;
        this.webapp = classes.webapp(inLib);
        this.tomcat = tomcat;
    }

    public static void main(String[] args) throws Exception {
        List<String> applications = new ArrayList<>();
        int rounds = 0;
        for (String arg : args) {
            if (arg.chars().allMatch(Character::isDigit)) {
                rounds = Integer.parseInt(arg);
            } else {
                applications.add(arg);
            }
        }
        if (applications.isEmpty()) {
            applications = List.of("fixtures", "libraries");
        }
        EmbeddedTomcat tomcat = EmbeddedTomcat.start();
        try {
            for (String application : applications) {
                boolean libraries = application.equals("libraries");
                ApplicationClasses classes = libraries
                        ? ApplicationClasses.library("org/apache/commons/", "org/openjdk/jmh/", "org/objectweb/asm/",
                                "joptsimple/")
                        : ApplicationClasses.fixtures(Path.of("fixtures"));
                new TomcatClassLoading(classes, libraries, tomcat).run(application,
                        rounds > 0 ? rounds : libraries ? 60 : 200);
            }
        } finally {
            tomcat.close();
        }
    }

    private void run(String application, int rounds) throws Exception {
        prepare();
        long[][] shots = new long[Shot.values().length][rounds];
        long[] transformer = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < Shot.values().length; turn++) {
                Shot shot = Shot.values()[(round + turn) % Shot.values().length];
                TimedTransformer timed = shot == Shot.INSTRUMENTED ? new TimedTransformer(new SiteTransformer()) : null;
                shots[shot.ordinal()][round] = load(switch (shot) {
                    case AS_THEY_COME -> null;
                    case INSTRUMENTED -> timed;
                    case PATCHED_BEFOREHAND -> new PatchedBeforehand(patched);
                });
                if (timed != null) {
                    transformer[round] = timed.nanos;
                }
            }
        }
        System.out.printf("%n%s: %d classes loaded by the application's own loader per shot, %d of them "
                + "instrumented; %d rounds, medians in ms and their ratio to as they come%n", application,
                own.size(), patched.size(), rounds);
        System.out.printf("  %-8s %14s %22s %26s %22s%n", "rounds", "as they come", "instrumented",
                "of which the transformer", "patched beforehand");
        for (int i = 0; i < RANGE_STARTS.length && RANGE_STARTS[i] <= rounds; i++) {
            int from = RANGE_STARTS[i];
            int to = i + 1 < RANGE_STARTS.length ? Math.min(RANGE_STARTS[i + 1] - 1, rounds) : rounds;
            double base = median(shots[Shot.AS_THEY_COME.ordinal()], from, to);
            System.out.printf("  %-8s %14.3f %s %s %s%n", from + "-" + to, base,
                    column(median(shots[Shot.INSTRUMENTED.ordinal()], from, to), base, 22),
                    column(median(transformer, from, to), base, 26),
                    column(median(shots[Shot.PATCHED_BEFOREHAND.ordinal()], from, to), base, 22));
        }
    }

    /** Finds the classes the application's own loader defines, and has the transformer patch them once. */
    private void prepare() throws IllegalClassFormatException {
        ClassLoader loader = deploy(null);
        for (String name : classes.names()) {
            try {
                if (loader.loadClass(name).getClassLoader() == loader) {
                    own.add(name);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // Needs a class of the server's lib or of an optional dependency; the same with the transformer.
            }
        }
        undeploy();
        SiteTransformer transformer = new SiteTransformer();
        for (Map.Entry<String, byte[]> type : classes.bytes().entrySet()) {
            String internalName = type.getKey().replace('.', '/');
            byte[] changed = transformer.transform(null, internalName, null, null, type.getValue());
            if (changed != null) {
                patched.put(internalName, changed);
            }
        }
    }

    /** Deploys the application, loads every class its loader defines itself, and returns the time that took. */
    private long load(ClassFileTransformer transformer) throws ClassNotFoundException {
        ClassLoader loader = deploy(transformer);
        long start = System.nanoTime();
        for (String name : own) {
            loader.loadClass(name);
        }
        long took = System.nanoTime() - start;
        undeploy();
        return took;
    }

    /**
     * Leakguard's loader without creation sites, and {@code transformer} added as the loader adds its own when they
     * are on: before the first class loads.
     */
    private ClassLoader deploy(ClassFileTransformer transformer) {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("creationSites", "off"));
        context = tomcat.deploy(webapp, "/app" + deployed++, true);
        WebappClassLoaderBase loader = (WebappClassLoaderBase) context.getLoader().getClassLoader();
        if (transformer != null) {
            loader.addTransformer(transformer);
        }
        return loader;
    }

    private void undeploy() {
        tomcat.undeploy(context);
        context = null;
    }

    private static String column(double measured, double base, int width) {
        return String.format("%" + (width - 9) + ".3f (%5.3f)", measured, measured / base);
    }

    private static double median(long[] nanos, int from, int to) {
        long[] range = Arrays.copyOfRange(nanos, from - 1, to);
        Arrays.sort(range);
        return range[range.length / 2] / 1e6;
    }

    private enum Shot {
        AS_THEY_COME, INSTRUMENTED, PATCHED_BEFOREHAND
    }

    /** Hands over the bytes leakguard's transformer made of a class before the rounds began. */
    private record PatchedBeforehand(Map<String, byte[]> patched) implements ClassFileTransformer {

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                byte[] classfile) {
            return patched.get(className);
        }
    }

    /** Leakguard's transformer, with the time it takes added up: its share of the instrumented shot. */
    private static final class TimedTransformer implements ClassFileTransformer {

        private final SiteTransformer transformer;
        private long nanos;

        TimedTransformer(SiteTransformer transformer) {
            this.transformer = transformer;
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                byte[] classfile) {
            long start = System.nanoTime();
            byte[] transformed = transformer.transform(loader, className, redefined, domain, classfile);
            nanos += System.nanoTime() - start;
            return transformed;
        }
    }
}
