package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Tomcat wiki's static buffers: named with their size on every stop; and, when something else keeps the class
 * loader alive, freed by {@code staticFields=fix} but not by the default {@code warn}.
 */
class StaticFieldsTest {

    private static final String SERVLET = "io.leakguard.fixture.staticbuffer.BufferServlet";
    private static final String LAZY_TABLE_INITIALISED = "leakguard.fixture.lazy-table.initialised";

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void largeStaticsAreNamedWithTheirSizeAndTheLoaderIsCollected() {
        Fixtures.guarded("static-buffer", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            List<String> warnings = log.warnings("/app");
            assertEquals(2, warnings.size(), log.all());
            for (String field : List.of("BUFFER", "scratch")) {
                assertTrue(warnings.stream().anyMatch(w -> w.contains("Static field leak: " + SERVLET + "." + field
                        + " (byte[]) retains about 1.0 MiB for as long as anything holds the class loader;"
                        + " not fixed: left in place because leakguard setting staticFields=warn")), log.all());
            }
        });
    }

    /** Reading a static of a class not yet initialised would run its initialiser during the stop. */
    @Test
    void classesNotYetInitialisedAreLeftAlone() {
        System.clearProperty(LAZY_TABLE_INITIALISED);
        whileTheLoaderIsHeld(Policy.defaults(), (scratch, log) -> {
            assertEquals(null, System.getProperty(LAZY_TABLE_INITIALISED), "the stop ran LazyTable's initialiser");
            assertTrue(log.warnings("/app").stream().noneMatch(w -> w.contains("LazyTable")), log.all());
            assertTrue(log.all().contains(SERVLET + ".scratch"), log.all());
        });
    }

    @Test
    void warnLeavesTheBufferInMemoryWhileTheLoaderIsHeld() {
        whileTheLoaderIsHeld(Policy.defaults(), (scratch, log) -> assertTrue(Gc.leaked(scratch), log.all()));
    }

    @Test
    void fixFreesTheNonFinalBufferWhileTheLoaderIsHeld() {
        whileTheLoaderIsHeld(Policy.defaults().with("staticFields", Mode.FIX), (scratch, log) -> {
            assertTrue(Gc.collected(scratch), log.all());
            List<String> warnings = log.warnings("/app");
            assertTrue(warnings.stream().anyMatch(w -> w.contains(SERVLET + ".scratch (byte[])")
                    && w.endsWith("fixed: field set to null")), log.all());
            assertTrue(warnings.stream().anyMatch(w -> w.contains(SERVLET + ".BUFFER (byte[])")
                    && w.endsWith("not fixed: the field is final, and final static fields cannot be set")), log.all());
        });
    }

    @Test
    void checkIsOffWhenSwitchedOff() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("staticFields", Mode.OFF));
        Fixtures.guarded("static-buffer", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            assertEquals(List.of(), log.warnings("/app"));
        });
    }

    /**
     * Deploys the fixture, takes a weak reference to its non-final one-megabyte buffer, undeploys with {@code policy}
     * while this test itself holds the class loader, as a leak leakguard could not fix would, then judges.
     */
    private static void whileTheLoaderIsHeld(Policy policy, BiConsumer<WeakReference<Object>, LogCapture> verdict) {
        LeakGuardClassLoader.setPolicy(policy);
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context context = tomcat.deploy("static-buffer", "/app", true);
            tomcat.get("/app/leak");
            ClassLoader held = context.getLoader().getClassLoader();
            Field scratch = Class.forName(SERVLET, false, held).getDeclaredField("scratch");
            scratch.setAccessible(true);
            WeakReference<Object> buffer = new WeakReference<>(scratch.get(null));
            assertTrue(LoadedClasses.of(held).stream().anyMatch(type -> type.getSimpleName().equals("LazyTable")),
                    "the fixture no longer loads LazyTable");
            tomcat.undeploy(context);
            verdict.accept(buffer, log);
            Reference.reachabilityFence(held);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
