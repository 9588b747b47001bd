package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values an application's ClassValue computed for classes no loader lists: the primitive types and their arrays. The
 * fixture {@code jvm-registrations} shows the leak and its fix for {@code String} on Tomcat
 * ({@code JvmRegistrationsTest}).
 */
class ClassValuesTest {

    @Test
    void valuesForPrimitiveTypesAndArraysAreRemoved() throws Exception {
        List<Finding> findings = removedAndCollected(SelfDescribing.class, int.class, Object[].class);

        assertTrue(findings.get(0).message().contains(" computed for " + Describe.object(int.class)),
                findings.get(0).message());
    }

    /** The JDK's removal is called, not the application's override of it, which may fail or block. */
    @Test
    void valuesAreRemovedWithoutTheClassValuesOwnRemove() throws Exception {
        removedAndCollected(ApplicationClassCache.class, long.class, String[].class);
    }

    /**
     * The findings of a pass after the dying application's own copy of the ClassValue {@code template} computed a
     * value for each of {@code types}; each must be fixed, and the application collected.
     */
    private static List<Finding> removedAndCollected(Class<?> template, Class<?>... types) throws Exception {
        DyingLoader dying = new DyingLoader();
        ClassValue<?> classValue = (ClassValue<?>) dying.newInstance(template);
        for (Class<?> type : types) {
            classValue.get(type);
        }

        List<Finding> findings = Passes.findings(dying, "ClassValue");
        assertEquals(Collections.nCopies(types.length, Outcome.FIXED),
                findings.stream().map(Finding::outcome).toList(), findings::toString);

        WeakReference<ClassLoader> loader = new WeakReference<>(dying);
        dying = null;
        classValue = null;
        assertTrue(Gc.collected(loader), findings::toString);
        return findings;
    }
}
